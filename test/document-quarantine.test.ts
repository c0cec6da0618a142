import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { loadStoredParts } from '../src/documents/document-load.js';
import { DocumentStore, type CommitEntry, type StoredDocument } from '../src/documents/document.store.js';
import { LiveDocument } from '../src/documents/live-document.js';
import { DEFAULT_LIMITS } from '../src/documents/update-inspector.js';
import { systemClock } from '../src/shared/clock.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { documentStorage } from '../src/app/document-wiring.js';
import { errorCode } from './helpers/graphql.js';

/**
 * Defence in depth at load: a stored log or snapshot that does not form a complete document (as
 * issue 11's finding 1 once made) loses only its bad part, which is kept in
 * `plan_document_quarantine`; the plan opens with everything else.
 */

/** Finding 1's frame without its sync header (messageSync, messageYjsUpdate, length 18): one client at clock 0 and at clock 100. */
const FINDING_1 = Buffer.from('0002120201d0f4820200000101d0f4820264000100', 'hex').subarray(3);
const FINDING_1_CLIENT = 4242000;

/** An update from its own client that adds one goal. */
function goalUpdate(client: number, id: string, words: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  doc.getArray('goals').push([newEntry({ id, text: text(words) })]);
  return Y.encodeStateAsUpdate(doc);
}

/** An update holding only client `client`'s second goal, so it depends on a first it does not carry. */
function secondGoalOnly(client: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  doc.getArray('goals').push([newEntry({ id: 'never-first', text: text('first') })]);
  const before = Y.encodeStateVector(doc);
  doc.getArray('goals').push([newEntry({ id: 'never-second', text: text('second') })]);
  return Y.encodeStateAsUpdate(doc, before);
}

/** An update that only deletes an item the document never had. */
function deletionOfUnknown(client: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  doc.getArray('goals').push([newEntry({ id: 'unknown', text: text('never stored') })]);
  const before = Y.encodeStateVector(doc);
  doc.getArray('goals').delete(0, 1);
  return Y.encodeStateAsUpdate(doc, before);
}

interface QuarantineRow {
  source: string;
  seq: string;
  author_id: string | null;
  reason: string;
  update: Buffer;
}

describe('quarantine at load', () => {
  let t: TestApp;
  let records: Array<Record<string, unknown>>;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    const recording = recordingLogger('info');
    records = recording.records;
    t = await startTestApp({}, { logger: recording.logger });
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await t?.close();
  });

  /** A store of its own on the app's database, as another server's would be: it writes the log the app then loads. */
  const store = () => new DocumentStore(t.app.orm, documentStorage);
  const track = (editor: Editor): Editor => {
    let destroyed = false;
    const destroy = () => {
      if (!destroyed) editor.destroy();
      destroyed = true;
    };
    cleanups.push(destroy);
    return { ...editor, destroy };
  };
  const sql = <T extends object>(query: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(query, params);
  const quarantineOf = (planId: string) =>
    sql<QuarantineRow>('select source, seq, author_id, reason, update from plan_document_quarantine where plan_id = ? order by source, seq', [planId]);
  const entry = (author: SeededPerson, update: Uint8Array): CommitEntry => ({ authorId: author.id, sections: ['goals'], update, at: new Date(), door: 'LIVE' });
  const goalsOf = async (planId: string, token: string) => {
    const response = await t.gql<{ plan: { section: { content: Array<{ id: string; text: string }> } } }>(
      'query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }',
      { id: planId },
      token,
    );
    expect(response.errors).toBeUndefined();
    return response.data!.plan.section.content.map((goal) => goal.id).sort();
  };
  const quarantineLogs = (planId: string) => records.filter((record) => record['event'] === 'document.quarantined' && record['planId'] === planId);
  /** What a fresh load of the stored document would set aside now. */
  const setAsideOnReload = async (planId: string) => loadStoredParts(new Y.Doc(), (await store().load(planId)).updates);

  async function newPlan(sub: string) {
    const owner = await seedFor(t).citizen(sub);
    const plan = await seedFor(t).plan().withOwner(owner).create();
    return { owner, planId: plan.id };
  }

  it('keeps every log row that integrates, sets the rest aside once, and the plan opens', async () => {
    const { owner, planId } = await newPlan('quarantine-log-owner');
    const rows = [
      goalUpdate(101, 'before', 'Before the bad one'),
      FINDING_1,
      // One row that half integrates: client 102's goal does, client 103's second goal (without its first) does not.
      Y.mergeUpdates([goalUpdate(102, 'alongside', 'In the same row'), secondGoalOnly(103)]),
      deletionOfUnknown(104),
      goalUpdate(105, 'after', 'After the bad one'),
    ];
    expect((await store().append(planId, rows.map((update) => entry(owner, update)), 0)).firstSeq).toBe(1);
    // Read as a second server would have read it, before the first load repairs it.
    const readBeforeRepair: StoredDocument = await store().load(planId);

    expect(await goalsOf(planId, owner.token)).toEqual(['after', 'alongside', 'before']);

    const quarantined = await quarantineOf(planId);
    expect(quarantined.map(({ source, seq, author_id }) => ({ source, seq: Number(seq), author_id }))).toEqual([
      { source: 'LOG', seq: 2, author_id: owner.id },
      { source: 'LOG', seq: 3, author_id: owner.id },
      { source: 'LOG', seq: 4, author_id: owner.id },
    ]);
    // Each row holds exactly what was set aside, as an update an operator can decode.
    const [finding, halfRow, deletion] = quarantined.map((row) => Y.decodeUpdate(new Uint8Array(row.update)));
    expect(finding!.structs.map((struct) => [struct.id.client, struct.id.clock])).toEqual([[FINDING_1_CLIENT, 100]]);
    expect(halfRow!.structs.every((struct) => struct.id.client === 103)).toBe(true);
    expect(halfRow!.structs.length).toBeGreaterThan(0);
    expect(deletion!.structs).toEqual([]);
    expect([...deletion!.ds.clients.keys()]).toEqual([104]);
    expect(quarantined[0]!.reason).toMatch(/depend on changes the document does not have \(client 4242000\)/);
    expect(quarantined[2]!.reason).toMatch(/deletions of items the document does not have/);

    // Logged as errors, counted.
    await vi.waitFor(() => expect(quarantineLogs(planId)).toHaveLength(3));
    expect(quarantineLogs(planId).map((record) => [record['level'], record['seq'], record['source']])).toEqual([[50, 2, 'LOG'], [50, 3, 'LOG'], [50, 4, 'LOG']]);
    expect(quarantineLogs(planId).every((record) => typeof record['quarantinedTotal'] === 'number' && record['quarantinedTotal'] >= 3)).toBe(true);

    // The repaired document replaced the bad bytes: a snapshot at the head, no rows left, a clean reload.
    expect(await sql('select seq from plan_update where plan_id = ?', [planId])).toEqual([]);
    expect((await sql<{ seq: string }>('select seq from plan_snapshot where plan_id = ?', [planId])).map((row) => Number(row.seq))).toEqual([5]);
    expect(await setAsideOnReload(planId)).toEqual([]);

    // A live editor syncs the same content and edits.
    const editor = track(connectEditor(t, planId, owner.token));
    await editor.synced();
    expect(editor.section<Array<{ id: string }>>('goals').map((goal) => goal.id).sort()).toEqual(['after', 'alongside', 'before']);
    editor.doc.getArray('goals').push([newEntry({ id: 'live', text: text('Typed after the repair') })]);
    await vi.waitFor(async () => expect(await goalsOf(planId, owner.token)).toEqual(['after', 'alongside', 'before', 'live']));
    expect(editor.closes).toEqual([]);

    const failures: unknown[] = [];
    // Loaded twice: a second server that read the log before the repair sets the same parts aside, adding no rows.
    const secondStore = store();
    const second = new LiveDocument(planId, readBeforeRepair, {
      store: secondStore,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      settings: { limits: DEFAULT_LIMITS, maxDocumentBytes: 32 << 20, snapshotEvery: 200, idleUnloadMs: 30_000, restAfterMs: 10_000 },
      firstDenied: () => Promise.reject(new Error('not used')),
      onCommitted: () => undefined,
      onFailed: (error) => failures.push(error),
    });
    cleanups.push(() => second.close());
    await second.readCommitted(() => undefined); // queued behind its repair
    expect(failures).toEqual([]);
    expect((await quarantineOf(planId)).length).toBe(3);
    expect(secondStore.quarantinedParts).toBe(0); // counted once, by the server that set them aside

    // And again after a restart: nothing new to set aside, and the live edit is there.
    await t.restart();
    const token = await t.token(owner.sub, 'citizen', `${owner.sub} name`);
    expect(await goalsOf(planId, token)).toEqual(['after', 'alongside', 'before', 'live']);
    expect((await quarantineOf(planId)).length).toBe(3);
    expect(quarantineLogs(planId)).toHaveLength(3);
  });

  it('sets aside the pending part of a snapshot and replaces the snapshot', async () => {
    const { owner, planId } = await newPlan('quarantine-snapshot-owner');
    const good = [goalUpdate(201, 'first', 'Stored, then compacted'), goalUpdate(202, 'second', 'Also compacted')];
    await store().append(planId, good.map((update) => entry(owner, update)), 0);
    // As the old server wrote it: a document holding finding 1's pending structs, encoded whole.
    const broken = new Y.Doc();
    for (const update of [...good, FINDING_1]) Y.applyUpdate(broken, update);
    expect(broken.store.pendingStructs).not.toBeNull();
    expect(await store().writeSnapshot(planId, 2, Y.encodeStateAsUpdate(broken), new Date())).toBe(true);
    await store().append(planId, [entry(owner, goalUpdate(203, 'third', 'After the snapshot'))], 2);

    expect(await goalsOf(planId, owner.token)).toEqual(['first', 'second', 'third']);
    const quarantined = await quarantineOf(planId);
    expect(quarantined.map(({ source, seq, author_id }) => ({ source, seq: Number(seq), author_id }))).toEqual([{ source: 'SNAPSHOT', seq: 2, author_id: null }]);
    expect(Y.decodeUpdate(new Uint8Array(quarantined[0]!.update)).structs.map((struct) => [struct.id.client, struct.id.clock])).toEqual([[FINDING_1_CLIENT, 100]]);
    await vi.waitFor(() => expect(quarantineLogs(planId).map((record) => [record['level'], record['source'], record['seq']])).toEqual([[50, 'SNAPSHOT', 2]]));
    expect((await sql<{ seq: string }>('select seq from plan_snapshot where plan_id = ?', [planId])).map((row) => Number(row.seq))).toEqual([3]);
    expect(await setAsideOnReload(planId)).toEqual([]);

    const editor = track(connectEditor(t, planId, owner.token));
    await editor.synced();
    editor.doc.getArray('goals').push([newEntry({ id: 'live', text: text('Typed after the repair') })]);
    await vi.waitFor(async () => expect(await goalsOf(planId, owner.token)).toEqual(['first', 'live', 'second', 'third']));
    expect(editor.closes).toEqual([]);
  });

  it('replaces a bad snapshot with nothing after it at the same sequence', async () => {
    const { owner, planId } = await newPlan('quarantine-snapshot-only-owner');
    const good = goalUpdate(301, 'only', 'The whole plan');
    await store().append(planId, [entry(owner, good)], 0);
    const broken = new Y.Doc();
    for (const update of [good, FINDING_1]) Y.applyUpdate(broken, update);
    expect(await store().writeSnapshot(planId, 1, Y.encodeStateAsUpdate(broken), new Date())).toBe(true);

    expect(await goalsOf(planId, owner.token)).toEqual(['only']);
    expect((await quarantineOf(planId)).map((row) => [row.source, Number(row.seq)])).toEqual([['SNAPSHOT', 1]]);
    await vi.waitFor(async () => expect(await setAsideOnReload(planId)).toEqual([]));
    expect((await sql<{ seq: string }>('select seq from plan_snapshot where plan_id = ?', [planId])).map((row) => Number(row.seq))).toEqual([1]);
  });

  it('stores no repair while the parts cannot be set aside, and opens once they can', async () => {
    const { owner, planId } = await newPlan('quarantine-unwritable-owner');
    await store().append(planId, [entry(owner, goalUpdate(501, 'kept', 'Good row')), entry(owner, FINDING_1)], 0);
    await t.asOwner('alter table plan_document_quarantine rename to plan_document_quarantine_away');
    try {
      const refused = await t.gql('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: planId }, owner.token);
      expect(errorCode(refused)).toBe('INTERNAL_SERVER_ERROR');
      // The bad bytes were not compacted away before being kept.
      expect((await sql<{ seq: string }>('select seq from plan_update where plan_id = ? order by seq', [planId])).map((row) => Number(row.seq))).toEqual([1, 2]);
      expect(await sql('select seq from plan_snapshot where plan_id = ?', [planId])).toEqual([]);
    } finally {
      await t.asOwner('alter table plan_document_quarantine_away rename to plan_document_quarantine');
    }
    expect(await goalsOf(planId, owner.token)).toEqual(['kept']);
    expect((await quarantineOf(planId)).map((row) => [row.source, Number(row.seq)])).toEqual([['LOG', 2]]);
  });

  it('sets nothing aside for a clean log', async () => {
    const { owner, planId } = await newPlan('quarantine-clean-owner');
    const editor = track(connectEditor(t, planId, owner.token));
    await editor.synced();
    editor.doc.getArray('goals').push([newEntry({ id: 'clean', text: text('Nothing wrong here') })]);
    await vi.waitFor(async () => expect(await goalsOf(planId, owner.token)).toEqual(['clean']));
    editor.destroy();
    await store().append(planId, [entry(owner, goalUpdate(401, 'logged', 'A row after'))], (await store().load(planId)).headSeq);

    await t.restart();
    const token = await t.token(owner.sub, 'citizen', `${owner.sub} name`);
    // The read waits behind any repair of the loaded copy: once it answers, a quarantine would be written.
    expect(await goalsOf(planId, token)).toEqual(['clean', 'logged']);
    expect(records.some((record) => record['event'] === 'document.loaded' && record['planId'] === planId)).toBe(true);
    expect(await quarantineOf(planId)).toEqual([]);
    expect(quarantineLogs(planId)).toEqual([]);
  });
});

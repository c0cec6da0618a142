import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { seedFor } from './helpers/seed.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { createTestDatabase, startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(editor: Editor): Editor {
  cleanups.push(() => editor.destroy());
  return editor;
}

const goalText = (doc: Y.Doc) => ((doc.getArray('goals').get(0) as Y.Map<unknown>).get('text') as Y.Text).toString();

async function everything(t: TestApp, planId: string, token: string) {
  const response = await t.gql<{ plan: { sections: Array<{ key: string; content: unknown }> } }>(
    'query($id: ID!) { plan(id: $id) { sections { key content } } }',
    { id: planId },
    token,
  );
  expect(response.errors).toBeUndefined();
  return response.data!.plan.sections;
}

describe('durable plan documents', () => {
  it('reloads the identical document after a restart', async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    const seed = seedFor(t);
    const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
    const person = await seed.citizen('ada');
    const coordinator = await seed.staff('cora', unit.id);
    const plan = await seed.plan().withOwner(person).withCoordinator(coordinator, unit.id).create();
    const [a, b] = [track(connectEditor(t, plan.id, person.token)), track(connectEditor(t, plan.id, coordinator.token))];
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('Live at home') })]);
    b.doc.getArray('measures').push([newEntry({ id: 'm1', organizationId: unit.id, title: text('Weekly visit'), evaluateBy: '2027-03-01' })]);
    // The situation is kept in the plan's restricted document, which the person reads.
    const restricted = track(connectEditor(t, `${plan.id}/restricted`, person.token));
    await restricted.synced();
    restricted.doc.getMap('situation').set('needs', text('Help with meals'));
    await vi.waitFor(() => expect(a.section('measures')).toHaveLength(1));
    await vi.waitFor(() => expect(b.section('goals')).toHaveLength(1));
    await vi.waitFor(async () => expect(JSON.stringify(await everything(t, plan.id, person.token))).toContain('Help with meals'));
    const before = await everything(t, plan.id, person.token);

    await t.restart();
    const token = await t.token('ada');
    expect(await everything(t, plan.id, token)).toEqual(before);
    const fresh = track(connectEditor(t, plan.id, token));
    await fresh.synced();
    expect(fresh.section('goals')).toEqual([{ id: 'g1', text: 'Live at home' }]);
    const freshRestricted = track(connectEditor(t, `${plan.id}/restricted`, token));
    await freshRestricted.synced();
    expect(freshRestricted.section('situation')).toEqual({ needs: 'Help with meals' });
  });

  it('loses no update any client received when the server is killed mid-typing', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const first: ServerProcess = await startServerProcess(database.url);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const seed = seedFor(first.client);
    const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
    const person = await seed.citizen('tor');
    const relative = await seed.citizen('siv');
    const coordinator = await seed.staff('coord', unit.id);
    const plan = await seed.plan().withOwner(person).withRelative(relative).withCoordinator(coordinator, unit.id).create();

    const typist = track(connectEditor(first.client, plan.id, person.token));
    const other = track(connectEditor(first.client, plan.id, coordinator.token));
    const observer = track(connectEditor(first.client, plan.id, relative.token));
    await Promise.all([typist.synced(), other.synced(), observer.synced()]);
    typist.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('') })]);
    other.doc.getMap('period').set('note', text(''));
    let typed = 0;
    const typing = setInterval(() => {
      const goal = (typist.doc.getArray('goals').get(0) as Y.Map<unknown>).get('text') as Y.Text;
      goal.insert(goal.length, String(typed % 10));
      const note = other.doc.getMap('period').get('note') as Y.Text | undefined;
      note?.insert(note.length, 'x');
      typed += 1;
    }, 2);
    cleanups.push(() => clearInterval(typing));

    // Kill while updates are streaming, once the observer has seen a good amount of them.
    await vi.waitFor(() => expect(observer.doc.getArray('goals').length && goalText(observer.doc).length).toBeGreaterThan(150), { timeout: 20_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    clearInterval(typing);
    // Whatever reached the observer before the socket closed counts as received.
    await vi.waitFor(() => expect(observer.provider.wsconnected).toBe(false));
    const received = Y.decodeStateVector(Y.encodeStateVector(observer.doc));
    const receivedGoal = goalText(observer.doc);
    for (const editor of [typist, other, observer]) editor.destroy();

    const second = await startServerProcess(database.url);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      await second.exited;
    });
    const reloaded = track(connectEditor(second.client, plan.id, await second.client.token('siv')));
    await reloaded.synced();
    const stored = Y.decodeStateVector(Y.encodeStateVector(reloaded.doc));
    for (const [client, clock] of received) {
      if (client === observer.doc.clientID) continue;
      expect(stored.get(client) ?? 0, `client ${client}`).toBeGreaterThanOrEqual(clock);
    }
    expect(goalText(reloaded.doc).startsWith(receivedGoal)).toBe(true);
  });

  it('snapshots and compacts the log, keeping who changed what', async () => {
    const t = await startTestApp({ DOC_SNAPSHOT_EVERY: '5' });
    cleanups.push(() => t.close());
    const seed = seedFor(t);
    const person = await seed.citizen('kari');
    const plan = await seed.plan().withOwner(person).create();
    const editor = track(connectEditor(t, plan.id, person.token));
    await editor.synced();
    editor.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('') })]);
    const goal = (editor.doc.getArray('goals').get(0) as Y.Map<unknown>).get('text') as Y.Text;
    for (let index = 0; index < 12; index += 1) goal.insert(goal.length, 'ab');
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const seqQuery = await t.gql<{ plan: { documentSeq: number } }>('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: plan.id }, person.token);
    await vi.waitFor(async () => {
      const { rows } = await db.query<{ seq: string }>('select seq from plan_snapshot where plan_id = $1', [plan.id]);
      expect(rows.length).toBeGreaterThan(0);
    });
    const logRows = await db.query('select seq from plan_update where plan_id = $1', [plan.id]);
    expect(logRows.rowCount).toBeLessThan(seqQuery.data!.plan.documentSeq);
    const attribution = await db.query<{ total: string }>('select sum(changes) as total from plan_change where plan_id = $1', [plan.id]);
    expect(Number(attribution.rows[0]!.total)).toBeGreaterThanOrEqual(seqQuery.data!.plan.documentSeq);

    await t.restart();
    const token = await t.token('kari');
    const goals = (await everything(t, plan.id, token)).find((section) => section.key === 'goals')!.content;
    expect(goals).toEqual([{ id: 'g1', text: 'ab'.repeat(12) }]);
  });

  it('shares one load between concurrent first opens and unloads idle documents', async () => {
    const { logger, records } = recordingLogger();
    const t = await startTestApp({ DOC_IDLE_UNLOAD_MS: '100' }, { logger });
    cleanups.push(() => t.close());
    const person = await seedFor(t).citizen('ola');
    const plan = await seedFor(t).plan().withOwner(person).create();
    const editors = Array.from({ length: 6 }, () => track(connectEditor(t, plan.id, person.token)));
    await Promise.all(editors.map((editor) => editor.synced()));
    const loads = () => records.filter((record) => record['event'] === 'document.loaded' && record['planId'] === plan.id);
    expect(loads()).toHaveLength(1);
    editors[0]!.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('A big family') })]);
    await vi.waitFor(() => expect(editors[5]!.section('goals')).toEqual([{ id: 'g1', text: 'A big family' }]));
    for (const editor of editors) editor.destroy();
    await vi.waitFor(() => expect(records.some((record) => record['event'] === 'document.unloaded' && record['planId'] === plan.id)).toBe(true));
    // Opened again, it comes back from storage.
    const again = track(connectEditor(t, plan.id, person.token));
    await again.synced();
    expect(again.section('goals')).toEqual([{ id: 'g1', text: 'A big family' }]);
    expect(loads()).toHaveLength(2);
  });

  it('refuses to serve a document whose stored state is incomplete, instead of an empty one', async () => {
    const t = await startTestApp({ DOC_SNAPSHOT_EVERY: '1000' });
    cleanups.push(() => t.close());
    const person = await seedFor(t).citizen('liv');
    const plan = await seedFor(t).plan().withOwner(person).create();
    for (const word of ['one', 'two', 'three']) {
      const added = await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: word } } }, person.token);
      expect(added.errors).toBeUndefined();
    }
    await t.restart();
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    // The restart snapshotted the document and compacted its log; now lose the snapshot.
    await db.query('delete from plan_snapshot where plan_id = $1', [plan.id]);

    const token = await t.token('liv');
    const editor = track(connectEditor(t, plan.id, token));
    await vi.waitFor(() => expect(editor.provider.wsUnsuccessfulReconnects).toBeGreaterThan(0));
    expect(editor.provider.synced).toBe(false);
    expect(editor.section('goals')).toEqual([]);
    const read = await t.gql('query($id: ID!) { plan(id: $id) { sections { key content } } }', { id: plan.id }, token);
    expect(errorCode(read)).toBe('INTERNAL_SERVER_ERROR');
    // Nothing was written over what is stored.
    const { rows } = await db.query('select seq from plan_update where plan_id = $1', [plan.id]);
    expect(rows).toEqual([]);
    expect((await db.query('select 1 from plan_snapshot where plan_id = $1', [plan.id])).rows).toEqual([]);
  });
});

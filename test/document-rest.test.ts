import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { rawSocket, syncUpdate } from './helpers/raw-socket.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A quiet loaded plan rests: its Y.Doc goes, its committed state stays encoded
 * (src/documents/live-document.ts). Over real sockets with real y-websocket clients: editors,
 * joiners and presence go on while it rests, a join or a presence change does not wake it, an
 * edit or a read does, and what a hostile client sends is answered as before.
 */

const METRICS_TOKEN = 'document-rest-metrics-token-long-enough';
let t: TestApp;
let owner: SeededPerson;
let relative: SeededPerson;
let plan: SeededPlan;
const editors: Editor[] = [];

/** One of this server's own figures. */
async function metric(name: string): Promise<number> {
  const body = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const sample = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(body);
  if (!sample) throw new Error(`${name} is not among the metrics`);
  return Number(sample[1]);
}
const resting = () => metric('samplan_documents_resting{part="main"}');
const wakes = () => metric('samplan_document_wakes_total');
const restingNow = () => vi.waitFor(async () => expect(await resting()).toBe(1), { timeout: 10_000 });

const open = (token: string) => {
  const editor = connectEditor(t, plan.id, token);
  editors.push(editor);
  return editor;
};
const goals = (editor: Editor) => editor.section<Array<{ id: string; text: string }>>('goals').map((goal) => goal.text);
const add = (editor: Editor, id: string, words: string) => editor.doc.getArray('goals').push([newEntry({ id, text: text(words) })]);

async function goalsRead(token = owner.token): Promise<string[]> {
  const response = await t.gql<{ plan: { section: { content: Array<{ text: string }> } } }>('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, token);
  expect(response.errors).toBeUndefined();
  return response.data!.plan.section.content.map((goal) => goal.text);
}

/** The server handled everything `editor` sent before this: its presence change reached `witness` (one connection's messages are handled in order). */
async function handledSoFar(editor: Editor, witness: Editor, mark: number): Promise<void> {
  editor.provider.awareness.setLocalStateField('mark', mark);
  await vi.waitFor(() => expect(witness.provider.awareness.getStates().get(editor.doc.clientID)?.['mark']).toBe(mark));
}

beforeAll(async () => {
  // Rests after 200 ms of quiet; the sweep looks once a second.
  t = await startTestApp({ DOC_REST_AFTER_MS: '200', METRICS_TOKEN });
  const seed = seedFor(t);
  owner = await seed.citizen('rest-owner');
  relative = await seed.citizen('rest-relative');
  plan = await seed.plan().withOwner(owner).withRelative(relative).create();
});

afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy();
});

afterAll(async () => {
  await t?.close();
});

describe('a quiet plan rests', () => {
  it('keeps serving editors, joiners and presence, wakes for an edit or a read, and rests again', async () => {
    const writer = open(owner.token);
    const reader = open(relative.token);
    await Promise.all([writer.synced(), reader.synced()]);
    add(writer, 'g1', 'Before the rest');
    await vi.waitFor(() => expect(goals(reader)).toEqual(['Before the rest']));
    await restingNow();
    const wokeBefore = await wakes();

    // A joiner who has nothing is answered from the encoded state; its sync answer and presence
    // change nothing, so the document stays resting.
    const joiner = open(owner.token);
    await joiner.synced();
    expect(goals(joiner)).toEqual(['Before the rest']);
    await handledSoFar(joiner, writer, 1);
    writer.provider.awareness.setLocalStateField('cursor', 7);
    await vi.waitFor(() => expect(joiner.provider.awareness.getStates().get(writer.doc.clientID)).toMatchObject({ cursor: 7, user: { personId: owner.id } }));
    expect(await wakes()).toBe(wokeBefore);
    expect(await resting()).toBe(1);

    // An edit wakes it, and reaches everyone as always.
    add(writer, 'g2', 'Typed after the rest');
    await vi.waitFor(() => expect(goals(reader)).toEqual(['Before the rest', 'Typed after the rest']));
    await vi.waitFor(() => expect(goals(joiner)).toEqual(['Before the rest', 'Typed after the rest']));
    expect(await wakes()).toBe(wokeBefore + 1);

    // It rests again; a GraphQL read wakes it and reads what is committed.
    await restingNow();
    expect(await goalsRead()).toEqual(['Before the rest', 'Typed after the rest']);
    expect(await wakes()).toBe(wokeBefore + 2);
    await restingNow();

    // A client coming back with what it had (a state vector that is not empty) gets what it missed.
    const returning = new Y.Doc();
    Y.applyUpdate(returning, Y.encodeStateAsUpdate(joiner.doc));
    add(writer, 'g3', 'While one was away');
    await vi.waitFor(() => expect(goals(reader)).toHaveLength(3));
    await restingNow();
    const back = connectEditor(t, plan.id, owner.token, { doc: returning });
    editors.push(back);
    await back.synced();
    await vi.waitFor(() => expect(goals(back)).toEqual(['Before the rest', 'Typed after the rest', 'While one was away']));
  });

  it('a restart loads what the resting plan committed', async () => {
    const writer = open(owner.token);
    await writer.synced();
    const before = (await goalsRead()).length;
    add(writer, `restart-${before}`, 'Kept over a restart');
    await vi.waitFor(async () => expect(await goalsRead()).toHaveLength(before + 1));
    await restingNow();
    writer.destroy();
    await t.restart();
    const token = await t.token(owner.sub, 'citizen', `${owner.sub} name`);
    expect((await goalsRead(token)).at(-1)).toBe('Kept over a restart');
  });
});

describe('what a hostile client sends to a resting plan', () => {
  const collab = (token: string) => rawSocket(`${t.url.replace(/^http/, 'ws')}/collab/${plan.id}?token=${encodeURIComponent(token)}`);
  const syncMessage = (subtype: number, payload: Uint8Array) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, subtype);
    encoding.writeVarUint8Array(encoder, payload);
    return encoding.toUint8Array(encoder);
  };
  const syncStep1 = (stateVector: Uint8Array) => syncMessage(0, stateVector);
  const syncStep2 = (update: Uint8Array) => syncMessage(1, update);
  const seqOf = async () => (await t.gql<{ plan: { documentSeq: number } }>('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: plan.id }, owner.token)).data!.plan.documentSeq;

  it('is refused as when the plan is awake, and the plan goes on', async () => {
    const token = await t.token(relative.sub, 'citizen', `${relative.sub} name`);
    const writer = open(await t.token(owner.sub, 'citizen', `${owner.sub} name`));
    await writer.synced();
    await restingNow();
    const seqBefore = await seqOf();
    const cases: Array<{ bytes: Uint8Array; code: number }> = [
      // Malformed: refused, the connection closed.
      { bytes: syncUpdate(Uint8Array.from([0, 1, 0])), code: 4400 },
      { bytes: syncUpdate(Uint8Array.from([7, 7, 7, 7])), code: 4400 },
      // An edit of a section the relative may not change.
      {
        bytes: syncUpdate((() => {
          const doc = new Y.Doc();
          doc.getArray('goals').push([newEntry({ id: 'evil', text: text('Mine now') })]);
          return Y.encodeStateAsUpdate(doc);
        })()),
        code: 4403,
      },
    ];
    for (const { bytes, code } of cases) {
      const attacker = collab(token);
      await attacker.opened;
      await vi.waitFor(() => expect(attacker.messages.length).toBeGreaterThan(0)); // the server's sync step 1
      attacker.send(bytes);
      expect((await attacker.closed).code).toBe(code);
    }
    // Reading them woke it (an update is inspected against the document); it rests again.
    await restingNow();
    const wokeBefore = await wakes();
    // The empty update, as every joiner sends it, changes nothing, is no refusal and wakes nothing.
    const quiet = collab(token);
    await quiet.opened;
    await vi.waitFor(() => expect(quiet.messages.length).toBeGreaterThan(0));
    for (let index = 0; index < 3; index += 1) quiet.send(syncStep2(Uint8Array.from([0, 0])));
    // Barrier: a sync request after them is answered (one connection's messages are handled in order).
    const answered = quiet.messages.length;
    quiet.send(syncStep1(Uint8Array.from([0])));
    await vi.waitFor(() => expect(quiet.messages.slice(answered).some((bytes) => bytes[0] === 0 && bytes[1] === 1)).toBe(true));
    expect(quiet.socket.readyState).toBe(quiet.socket.OPEN);
    expect(await seqOf()).toBe(seqBefore);
    expect(await wakes()).toBe(wokeBefore);
    expect(await resting()).toBe(1);
    quiet.socket.close();
    // Everyone else is still served.
    add(writer, 'after-attacks', 'Still here');
    await vi.waitFor(async () => expect(await goalsRead()).toContain('Still here'));
    expect(await seqOf()).toBe(seqBefore + 1);
  });
});

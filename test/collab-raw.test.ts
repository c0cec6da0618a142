import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { rawSocket, syncUpdate, type RawSocket } from './helpers/raw-socket.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/** An attacker on a raw socket at /collab, sending what no honest y-websocket client would. */

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let stranger: SeededPerson;
let seed: ReturnType<typeof seedFor>;
const METRICS_TOKEN = 'collab-raw-metrics-token-long-enough';

/** Plan documents this server holds in memory now (its own metric). */
async function loadedDocuments(): Promise<number> {
  const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const sample = /^samplan_documents_loaded\{part="main"\} (\d+)$/m.exec(await response.text());
  if (!sample) throw new Error('samplan_documents_loaded{part="main"} is not among the metrics');
  return Number(sample[1]);
}
let writer: Editor;
let reader: Editor;

type Raw = RawSocket;
const raw = (path: string, headers: Record<string, string> = {}): Raw => rawSocket(`${t.url.replace(/^http/, 'ws')}${path}`, headers);

const collab = (token: string, planId = plan.id) => raw(`/collab/${planId}?token=${encodeURIComponent(token)}`);

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}
const syncStep1 = (stateVector: Uint8Array) => message((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 0); encoding.writeVarUint8Array(e, stateVector); });
const awareness = (entries: Array<{ clientId: number; clock: number; state: unknown }>) => message((e) => {
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, message((inner) => {
    encoding.writeVarUint(inner, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(inner, entry.clientId);
      encoding.writeVarUint(inner, entry.clock);
      encoding.writeVarString(inner, JSON.stringify(entry.state));
    }
  }));
});

/** The permission-denied reasons among the server's messages. */
function deniedReasons(messages: Uint8Array[]): string[] {
  return messages.flatMap((bytes) => {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== 2 || decoding.readVarUint(decoder) !== 0) return [];
    return [decoding.readVarString(decoder)];
  });
}

/** A client copy of the server's document, to craft updates against. */
async function serverCopy(): Promise<Y.Doc> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(reader.doc));
  return copy;
}
function updateFrom(doc: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  edit(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

async function documentSeq(): Promise<number> {
  const response = await t.gql<{ plan: { documentSeq: number } }>('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: plan.id }, person.token);
  return response.data!.plan.documentSeq;
}

let honestEdits = 0;
/** Honest editors still work, and the reader holds exactly what the server holds. */
async function everyoneElseStillServed(seqBefore: number): Promise<void> {
  const line = `honest ${++honestEdits}`;
  writer.doc.getArray('goals').push([newEntry({ id: `honest-${honestEdits}`, text: text(line) })]);
  await vi.waitFor(() => expect(JSON.stringify(reader.section('goals'))).toContain(line));
  expect(await documentSeq()).toBe(seqBefore + 1);
  const response = await t.gql<{ plan: { section: { content: unknown } } }>('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, person.token);
  expect(reader.section('goals')).toEqual(response.data!.plan.section.content);
}

/** Runs an attack by a participant (the relative) and checks the refusal and its aftermath. */
async function attack(send: (attacker: Raw) => void | Promise<void>, expected: { code: number; denied?: RegExp }) {
  const before = await documentSeq();
  const attacker = collab(relative.token);
  await attacker.opened;
  await vi.waitFor(() => expect(attacker.messages.length).toBeGreaterThan(0)); // the server's sync step 1
  await send(attacker);
  const closed = await attacker.closed;
  expect(closed.code).toBe(expected.code);
  if (expected.denied) expect(deniedReasons(attacker.messages).join(' ')).toMatch(expected.denied);
  expect(await documentSeq()).toBe(before);
  await everyoneElseStillServed(before);
}

beforeAll(async () => {
  t = await startTestApp({ ALLOWED_ORIGINS: 'https://app.samplan.test', METRICS_TOKEN });
  seed = seedFor(t);
  person = await seed.citizen('ellen');
  relative = await seed.citizen('ellen-sister');
  stranger = await seed.citizen('stranger');
  plan = await seed.plan().withOwner(person).withRelative(relative).create();
  writer = connectEditor(t, plan.id, person.token);
  reader = connectEditor(t, plan.id, relative.token);
  await Promise.all([writer.synced(), reader.synced()]);
  writer.doc.getArray('goals').push([newEntry({ id: 'g0', text: text('Start') })]);
  await vi.waitFor(() => expect(reader.section('goals')).toHaveLength(1));
});

afterAll(async () => {
  writer?.destroy();
  reader?.destroy();
  await t?.close();
});

describe('the /collab door refuses', () => {
  it('a missing or bad token (4401) and a non-participant (4404) before sending any content', async () => {
    for (const [attempt, code] of [[raw(`/collab/${plan.id}`), 4401], [collab('not-a-jwt'), 4401], [collab(stranger.token), 4404],
      [collab(person.token, '00000000-0000-4000-8000-000000000000'), 4404], [collab(person.token, 'not-a-uuid'), 4404]] as const) {
      expect((await attempt.closed).code).toBe(code);
      expect(attempt.messages).toEqual([]);
    }
  });

  it('a non-participant with a genuine token makes the server load nothing (the load waits for the facts to admit)', async () => {
    const other = await seed.plan().withOwner(relative).create();
    const before = await loadedDocuments();
    const attempt = collab(stranger.token, other.id);
    expect((await attempt.closed).code).toBe(4404);
    expect(attempt.messages).toEqual([]);
    expect(await loadedDocuments()).toBe(before);
    // Barrier: its owner opening the same door loads it, as the refusal would have had it happened.
    const owner = collab(relative.token, other.id);
    await vi.waitFor(() => expect(owner.messages.length).toBeGreaterThan(0));
    expect(await loadedDocuments()).toBe(before + 1);
    owner.socket.close();
  });

  it('browsers from origins not allowed, and paths that are no endpoint', async () => {
    const status = (socket: WebSocket) => new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    const base = `${t.url.replace(/^http/, 'ws')}`;
    expect(await status(new WebSocket(`${base}/collab/${plan.id}?token=${person.token}`, { origin: 'https://evil.example' }))).toBe(403);
    expect(await status(new WebSocket(`${base}/nope`))).toBe(404);
    const allowed = new WebSocket(`${base}/collab/${plan.id}?token=${person.token}`, { origin: 'https://app.samplan.test' });
    expect(await status(allowed)).toBe(101);
    allowed.close();
  });

  it('truncated messages, unknown message types, trailing bytes and text frames', async () => {
    await attack((a) => a.send(new Uint8Array([0, 2, 200])), { code: 4400 });
    await attack((a) => a.send(new Uint8Array([7])), { code: 4400 });
    await attack((a) => a.send(new Uint8Array([2, 0, 1, 65])), { code: 4400 });
    await attack((a) => a.send(new Uint8Array([3, 9])), { code: 4400 });
    await attack((a) => a.send('hello'), { code: 4400 });
    await attack((a) => a.send(new Uint8Array([0, 0, 3, 255, 255, 255])), { code: 4400 });
  });

  it('frames over the size limit', async () => {
    await attack((a) => a.send(new Uint8Array(3 * 1024 * 1024)), { code: 1009 });
  });

  it('updates that reference unknown items, add a root type, carry a sub-document or skip ahead', async () => {
    const stranger = new Y.Doc();
    stranger.getArray('goals').push([newEntry({ id: 'x', text: text('abc') })]);
    const unknownParent = updateFrom(stranger, (doc) => ((doc.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!).insert(1, 'zz'));
    await attack((a) => a.send(syncUpdate(unknownParent)), { code: 4400, denied: /does not have/ });
    await attack(async (a) => a.send(syncUpdate(updateFrom(await serverCopy(), (doc) => doc.getMap('secrets').set('x', 1)))), { code: 4400, denied: /not a section/ });
    await attack(async (a) => a.send(syncUpdate(updateFrom(await serverCopy(), (doc) => doc.getArray('contributions').push([newEntry({ id: 'c', personId: relative.id, text: new Y.Doc() })])))), { code: 4400, denied: /sub-documents/ });
    await attack((a) => a.send(syncUpdate(new Uint8Array([1, 1, 200, 1, 5, 0]))), { code: 4400 });
  });

  it('a change to a section the author may not edit, naming the section', async () => {
    await attack(async (a) => a.send(syncUpdate(updateFrom(await serverCopy(), (doc) => doc.getArray('goals').push([newEntry({ id: 'evil', text: text('Mine now') })])))),
      { code: 4403, denied: /goals/ });
  });

  it("presence for another connection's client id, and keeps names from the token", async () => {
    // y-protocols ignores a client's first (clock 0) state; a real editor sets a field, as here.
    writer.provider.awareness.setLocalStateField('cursor', 1);
    await vi.waitFor(() => expect(reader.provider.awareness.getStates().get(writer.doc.clientID)).toMatchObject({ cursor: 1, user: { personId: person.id, role: 'OWNER' } }));
    await attack((a) => a.send(awareness([{ clientId: writer.doc.clientID, clock: 999, state: { user: { name: 'Fake' } } }])), { code: 4403 });
    const forger = collab(relative.token);
    await forger.opened;
    forger.send(awareness([{ clientId: 424242, clock: 1, state: { user: { name: 'The Coordinator', role: 'COORDINATOR' }, cursor: 3 } }]));
    await vi.waitFor(() => expect(reader.provider.awareness.getStates().get(424242)).toMatchObject({ cursor: 3, user: { name: 'ellen-sister name', role: 'RELATIVE', personId: relative.id } }));
    forger.socket.close();
    await vi.waitFor(() => expect(reader.provider.awareness.getStates().has(424242)).toBe(false));
  });

  it('a flood of sync requests and a storm of messages, and stays within memory', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await attack((a) => {
      for (let index = 0; index < 50; index += 1) a.send(syncStep1(new Uint8Array([0])));
    }, { code: 4429 });
    await attack((a) => {
      for (let index = 0; index < 2_000; index += 1) a.send(new Uint8Array([3]));
    }, { code: 4429 });
    const attackers = Array.from({ length: 10 }, () => collab(relative.token));
    await Promise.all(attackers.map((a) => a.opened));
    for (const a of attackers) for (let index = 0; index < 5; index += 1) a.send(syncUpdate(new Uint8Array(900 * 1024).fill(7)));
    for (const a of attackers) expect((await a.closed).code).toBe(4400);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
    await everyoneElseStillServed(await documentSeq());
  });
});

describe('issue 11: one update can neither break a plan nor forge an owner', () => {
  const addGoal = (token: string, line: string) => t.gql<{ addPlanEntry: { seq: number } }>(
    'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: line } } }, token);
  /** A relative's raw update creating a contribution as themself, then handing it to `ownerId` in a second transaction. */
  async function forgedContribution(id: string, ownerId: string): Promise<Uint8Array> {
    const doc = await serverCopy();
    return updateFrom(doc, (draft) => {
      const contribution = newEntry({ id, personId: relative.id, text: text('I will drive') });
      draft.getArray('contributions').push([contribution]);
      draft.transact(() => contribution.set('personId', ownerId));
    });
  }

  it("finding 1: the 21-byte frame naming one client twice is refused (4400) and the plan keeps working, also after a restart", async () => {
    const frame = new Uint8Array(Buffer.from('0002120201d0f4820200000101d0f4820264000100', 'hex'));
    expect(frame.byteLength).toBe(21);
    await attack((a) => a.send(frame), { code: 4400, denied: /more than one part|gaps/ });
    const added = await addGoal(person.token, 'Added over GraphQL after the frame');
    expect(added.errors).toBeUndefined();
    await vi.waitFor(() => expect(JSON.stringify(reader.section('goals'))).toContain('Added over GraphQL after the frame'));
  });

  it('finding 2: a contribution created as oneself and handed to another in the same update is refused (4403)', async () => {
    // The honest form passes: a barrier showing that the relative may add their own contribution here.
    const honest = await serverCopy();
    const own = updateFrom(honest, (draft) => draft.getArray('contributions').push([newEntry({ id: 'own-1', personId: relative.id, text: text('I cook') })]));
    const sender = collab(relative.token);
    await sender.opened;
    sender.send(syncUpdate(own));
    await vi.waitFor(() => expect(JSON.stringify(reader.section('contributions'))).toContain('own-1'));
    sender.socket.close();
    await attack(async (a) => a.send(syncUpdate(await forgedContribution('forged-1', person.id))), { code: 4403, denied: /contributions/ });
  });

  it('after a restart the plan loads, holds no forged entry, and takes live edits', async () => {
    writer.destroy();
    reader.destroy();
    await t.restart();
    person = { ...person, token: await t.token(person.sub) };
    relative = { ...relative, token: await t.token(relative.sub) };
    const read = await t.gql<{ plan: { section: { content: Array<Record<string, unknown>> } } }>(
      'query($id: ID!) { plan(id: $id) { section(key: contributions) { content } } }', { id: plan.id }, person.token);
    expect(read.errors).toBeUndefined();
    const contributions = read.data!.plan.section.content;
    expect(contributions.map((entry) => entry['id'])).toContain('own-1');
    expect(contributions.filter((entry) => entry['personId'] === person.id).map((entry) => entry['id'])).not.toContain('forged-1');
    expect(contributions.map((entry) => entry['id'])).not.toContain('forged-1');
    writer = connectEditor(t, plan.id, person.token);
    reader = connectEditor(t, plan.id, relative.token);
    await Promise.all([writer.synced(), reader.synced()]);
    expect(JSON.stringify(reader.section('goals'))).toContain('Added over GraphQL after the frame');
    await everyoneElseStillServed(await documentSeq());
    expect((await addGoal(person.token, 'After the restart')).errors).toBeUndefined();
  });
});

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectEditor, newEntry, type Editor } from './helpers/editor.js';
import { rawSocket } from './helpers/raw-socket.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const JOINERS = 30;
const METRICS_TOKEN = 'join-storm-metrics-token-long-enough';
let t: TestApp;

/** This server's sync answers to joiners so far, by how each was made (its own metric). */
async function syncAnswers(): Promise<{ encoded: number; remembered: number }> {
  const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const count = (source: string) => Number(new RegExp(`^samplan_document_sync_answers_total\\{source="${source}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { encoded: count('encoded'), remembered: count('remembered') };
}
let owner: SeededPerson;
let plan: SeededPlan;
const editors: Editor[] = [];

beforeAll(async () => {
  // One person on many devices: the storm is theirs alone, so the per-person cap is raised for it.
  t = await startTestApp({ MAX_CONNECTIONS_PER_PERSON: String(JOINERS + 5), METRICS_TOKEN });
  const seed = seedFor(t);
  owner = await seed.citizen('anna');
  plan = await seed.plan().withOwner(owner).create();
});

afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy();
});

afterAll(async () => {
  await t?.close();
});

const open = () => {
  const editor = connectEditor(t, plan.id, owner.token);
  editors.push(editor);
  return editor;
};

/** The text of the plan's first goal, as one editor sees it. */
const goalOf = (editor: Editor) => ((editor.doc.getArray<Y.Map<unknown>>('goals').get(0)?.get('text')) as Y.Text | undefined)?.toString() ?? null;

describe('many people opening one plan at once', () => {
  it('all get the same committed plan, and a change made between joins reaches the later joiner', async () => {
    const writer = open();
    await writer.synced();
    const goal = new Y.Text('x'.repeat(20_000));
    writer.doc.getArray('goals').push([newEntry({ id: 'goal-1', text: goal })]);
    // Committed once another connection that joins afterwards receives it.
    await vi.waitFor(async () => {
      const probe = open();
      await probe.synced();
      expect(goalOf(probe)?.length).toBe(20_000);
    }, { timeout: 10_000 });

    const before = await syncAnswers();
    const storm = Array.from({ length: JOINERS }, open);
    await Promise.all(storm.map((editor) => editor.synced()));
    for (const editor of storm) expect(goalOf(editor)).toBe(goalOf(writer));
    // All with the same (empty) state vector: one answer each, at most one of them encoded (none,
    // when the last probe's is still remembered), the rest served from memory.
    const after = await syncAnswers();
    expect(after.encoded + after.remembered - (before.encoded + before.remembered)).toBe(JOINERS);
    expect(after.encoded - before.encoded).toBeLessThanOrEqual(1);

    goal.insert(0, 'changed: ');
    await vi.waitFor(() => expect(goalOf(storm[0]!)).toMatch(/^changed: /));
    const late = open();
    await late.synced();
    expect(goalOf(late)).toBe(goalOf(writer));
  });

  it('after a restart, a joiner with nothing gets the stored snapshot as it is, and the next change reaches later joiners', async () => {
    await t.restart();
    const [stored] = await t.asOwner<{ state: Buffer; seq: string }>('select "state", "seq" from "plan_snapshot" where "plan_id" = $1 and "part" = $2 order by "seq" desc limit 1', [plan.id, 'main']);
    const [tail] = await t.asOwner<{ count: string }>('select count(*) from "plan_update" where "plan_id" = $1 and "part" = $2 and "seq" > $3', [plan.id, 'main', stored!.seq]);
    // The barrier: the plan rests as its snapshot alone, which is when the stored bytes are the answer.
    expect(Number(tail!.count)).toBe(0);

    const answers = await Promise.all(Array.from({ length: 3 }, () => syncAnswerOfEmptyJoiner()));
    for (const answer of answers) expect(Buffer.from(answer).equals(stored!.state)).toBe(true);
    // Served as stored: nothing encoded (the new server counts from zero).
    expect(await syncAnswers()).toEqual({ encoded: 0, remembered: 3 });

    const writer = open();
    await writer.synced();
    (writer.doc.getArray<Y.Map<unknown>>('goals').get(0)!.get('text') as Y.Text).insert(0, 'after restart: ');
    await vi.waitFor(async () => {
      const reader = new Y.Doc();
      Y.applyUpdate(reader, await syncAnswerOfEmptyJoiner());
      expect(goalOf({ doc: reader } as Editor)).toMatch(/^after restart: /);
    }, { timeout: 10_000 });
    // The barrier for the count above: after a change, an empty joiner's answer is encoded.
    expect((await syncAnswers()).encoded).toBeGreaterThanOrEqual(1);
  });
});

/** Opens the plan on a raw socket with an empty state vector and returns the server's step-2 answer. */
async function syncAnswerOfEmptyJoiner(): Promise<Uint8Array> {
  const socket = rawSocket(`${t.url.replace(/^http/, 'ws')}/collab/${plan.id}?token=${encodeURIComponent(owner.token)}`);
  await socket.opened;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
  socket.send(encoding.toUint8Array(encoder));
  const answer = await vi.waitFor(() => {
    for (const bytes of socket.messages) {
      const decoder = decoding.createDecoder(bytes);
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 1) return decoding.readVarUint8Array(decoder);
    }
    throw new Error('no sync answer yet');
  }, { timeout: 10_000 });
  socket.socket.close();
  return answer;
}

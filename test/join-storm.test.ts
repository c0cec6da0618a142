import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectEditor, newEntry, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const JOINERS = 30;
let t: TestApp;
let owner: SeededPerson;
let plan: SeededPlan;
const editors: Editor[] = [];

beforeAll(async () => {
  // One person on many devices: the storm is theirs alone, so the per-person cap is raised for it.
  t = await startTestApp({ MAX_CONNECTIONS_PER_PERSON: String(JOINERS + 5) });
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

    const storm = Array.from({ length: JOINERS }, open);
    await Promise.all(storm.map((editor) => editor.synced()));
    for (const editor of storm) expect(goalOf(editor)).toBe(goalOf(writer));

    goal.insert(0, 'changed: ');
    await vi.waitFor(() => expect(goalOf(storm[0]!)).toMatch(/^changed: /));
    const late = open();
    await late.synced();
    expect(goalOf(late)).toBe(goalOf(writer));
  });
});

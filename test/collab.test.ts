import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let provider: SeededPerson;
let coordinator: SeededPerson;
let homeCareId: string;
const editors: Editor[] = [];
const open = (who: SeededPerson) => {
  const editor = connectEditor(t, plan.id, who.token);
  editors.push(editor);
  return editor;
};

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const homeCare = await seed.organization('Home care');
  homeCareId = homeCare.id;
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  person = await seed.citizen('ingrid');
  provider = await seed.staff('nurse', homeCare.id);
  coordinator = await seed.staff('coordinator', unit.id);
  plan = await seed.plan().withOwner(person).withProvider(provider, homeCare.id).withCoordinator(coordinator, unit.id).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('live plan document', () => {
  it('three editors converge on concurrent edits of different and the same sections', async () => {
    const [a, b, c] = [open(person), open(provider), open(coordinator)];
    await Promise.all([a.synced(), b.synced(), c.synced()]);
    a.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('Walk to the shop') })]);
    b.doc.getArray('measures').push([newEntry({ id: 'm1', organizationId: homeCareId, title: text('Morning help') })]);
    c.doc.getMap('period').set('start', '2026-12-01');
    await vi.waitFor(() => {
      for (const editor of [a, b, c]) {
        expect(editor.section<unknown[]>('goals')).toHaveLength(1);
        expect(editor.section<unknown[]>('measures')).toHaveLength(1);
        expect(editor.section('period')).toEqual({ start: '2026-12-01' });
      }
    });
    // The same text field, typed into at once by two people.
    const goalText = (editor: Editor) => (editor.doc.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!;
    goalText(a).insert(0, 'Every day: ');
    goalText(c).insert(goalText(c).length, ' with a friend');
    await vi.waitFor(() => {
      for (const editor of [a, b, c]) expect(goalText(editor).toString()).toBe('Every day: Walk to the shop with a friend');
    });
    expect(a.denied).toEqual([]);
  });
});

describe('presence', () => {
  it('shows everyone to everyone, named from their tokens, and clears those who leave', async () => {
    const [a, b, c] = [open(person), open(provider), open(coordinator)];
    await Promise.all([a.synced(), b.synced(), c.synced()]);
    for (const editor of [a, b, c]) editor.provider.awareness.setLocalStateField('user', { name: 'Whoever I say' });
    // What others are shown; each client's own local state is its own business.
    const seen = (editor: Editor) => [...editor.provider.awareness.getStates()]
      .filter(([clientId]) => clientId !== editor.doc.clientID)
      .map(([, state]) => (state as { user?: { name: string; role: string } }).user);
    const users = {
      [person.id]: { personId: person.id, name: 'ingrid name', role: 'OWNER' },
      [provider.id]: { personId: provider.id, name: 'nurse name', role: 'PROVIDER' },
      [coordinator.id]: { personId: coordinator.id, name: 'coordinator name', role: 'COORDINATOR' },
    };
    await vi.waitFor(() => {
      for (const [editor, self] of [[a, person], [b, provider], [c, coordinator]] as const) {
        const others = Object.values(users).filter((user) => user.personId !== self.id);
        expect(seen(editor)).toEqual(expect.arrayContaining(others));
        expect(seen(editor)).not.toContainEqual({ name: 'Whoever I say' });
      }
    });
    c.destroy();
    await vi.waitFor(() => expect(seen(a).map((user) => user?.role)).not.toContain('COORDINATOR'));
    // Relayed presence (y-websocket echoes what it hears) never costs anyone their connection.
    expect([...a.closes, ...b.closes]).toEqual([]);
  });
});

describe('GraphQL beside live editors', () => {
  it('a GraphQL edit reaches a live editor, and sections show content and who changed them', async () => {
    const live = open(coordinator);
    await live.synced();
    const added = await t.gql(
      `mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId seq section { key canEdit content } } }`,
      { input: { planId: plan.id, section: 'contributions', fields: { text: 'I cook on Sundays' } } },
      person.token,
    );
    expect(added.errors).toBeUndefined();
    const entryId = added.data!.addPlanEntry.entryId as string;
    await vi.waitFor(() =>
      expect(live.section<Array<{ id: string; text: string; personId: string }>>('contributions')).toContainEqual({
        id: entryId, text: 'I cook on Sundays', personId: person.id,
      }),
    );
    const read = await t.gql(
      `query($id: ID!) { plan(id: $id) { documentSeq sections { key canEdit access lastChange { by { id } at } } history(first: 10) { edges { node { section by { id } changes } } } } }`,
      { id: plan.id },
      person.token,
    );
    expect(read.errors).toBeUndefined();
    const contributions = read.data!.plan.sections.find((section: { key: string }) => section.key === 'contributions');
    expect(contributions).toMatchObject({ canEdit: false, access: 'OWN', lastChange: { by: { id: person.id } } });
    expect(read.data!.plan.history.edges).toContainEqual({ node: { section: 'contributions', by: { id: person.id }, changes: 1 } });
  });
});

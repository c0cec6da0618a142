import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let coordinator: SeededPerson;
const editors: Editor[] = [];

const END = `mutation($input: EndPlanInput!) { endPlan(input: $input) {
  __typename ... on PlanEnded { plan { status endReason endedAt endedBy { id } } } } }`;

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
  person = await seed.citizen('per');
  relative = await seed.citizen('rut');
  coordinator = await seed.staff('kim', unit.id);
  plan = await seed.plan().withOwner(person).withRelative(relative).withCoordinator(coordinator, unit.id).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('ending a plan', () => {
  it('is refused to a relative', async () => {
    const response = await t.gql(END, { input: { planId: plan.id, reason: 'I think so' } }, relative.token);
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('freezes the live document and saves a CLOSED version', async () => {
    const editor = connectEditor(t, plan.id, person.token);
    editors.push(editor);
    await editor.synced();
    editor.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('Back to work') })]);
    await vi.waitFor(async () => {
      const read = await t.gql('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: plan.id }, person.token);
      expect(read.data?.plan.documentSeq).toBeGreaterThan(0);
    });

    const ended = await t.gql(END, { input: { planId: plan.id, reason: 'The need has ended' } }, coordinator.token);
    expect(ended.errors).toBeUndefined();
    expect(ended.data!.endPlan).toMatchObject({ __typename: 'PlanEnded', plan: { status: 'ENDED', endReason: 'The need has ended', endedBy: { id: coordinator.id } } });

    // The next live edit is refused; GraphQL refuses the same change.
    editor.doc.getArray('goals').push([newEntry({ id: 'g-late', text: text('More help') })]);
    await vi.waitFor(() => expect(editor.closes).toEqual([expect.objectContaining({ code: 4403 })]));
    const add = await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'goals', fields: { text: 'One more' } } },
      person.token,
    );
    expect(errorCode(add)).toBe('FORBIDDEN');

    await vi.waitFor(async () => {
      const read = await t.gql(
        'query($id: ID!) { plan(id: $id) { sections { key canEdit access content } versions { edges { node { kind author { id } } } } } }',
        { id: plan.id },
        person.token,
      );
      expect(read.data!.plan.versions.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({ kind: 'CLOSED', author: { id: coordinator.id } });
      for (const section of read.data!.plan.sections) expect(section).toMatchObject({ canEdit: false, access: 'NONE' });
      expect(read.data!.plan.sections.find((section: { key: string }) => section.key === 'situation').content).toEqual({});
    });
    const again = await t.gql(END, { input: { planId: plan.id, reason: 'Again' } }, coordinator.token);
    expect(errorCode(again)).toBe('FORBIDDEN');
  });
});

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let coordinator: SeededPerson;
let outsider: SeededPerson;
const editors: Editor[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  person = await seed.citizen('ingrid');
  relative = await seed.citizen('erik');
  outsider = await seed.citizen('stranger');
  coordinator = await seed.staff('coordinator', unit.id);
  plan = await seed.plan().withOwner(person).withRelative(relative).withCoordinator(coordinator, unit.id).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await Promise.all(clients.map((client) => client.dispose()));
  await t?.close();
});

const open = (who: SeededPerson) => {
  const editor = connectEditor(t, plan.id, who.token);
  editors.push(editor);
  return editor;
};

async function addGoal(who: SeededPerson, goal: string): Promise<string> {
  const added = await t.gql(
    'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
    { input: { planId: plan.id, section: 'goals', fields: { text: goal } } },
    who.token,
  );
  expect(added.errors).toBeUndefined();
  return added.data!.addPlanEntry.entryId as string;
}

const goalTexts = (content: { goals: Array<{ text: string }> }) => content.goals.map((goal) => goal.text);

describe('versions', () => {
  it('saves a named version whose content stays as it was, readable only by participants', async () => {
    await addGoal(person, 'Walk to the shop');
    const created = await t.gql(
      'mutation($input: CreateVersionInput!) { createVersion(input: $input) { id label kind author { id } seq } }',
      { input: { planId: plan.id, label: 'Before the summer' } },
      person.token,
    );
    expect(created.errors).toBeUndefined();
    const version = created.data!.createVersion;
    expect(version).toMatchObject({ label: 'Before the summer', kind: 'NAMED', author: { id: person.id } });
    await addGoal(person, 'Cook dinner once a week');

    const read = await t.gql('query($id: ID!) { version(id: $id) { seq content } }', { id: version.id }, relative.token);
    expect(goalTexts(read.data!.version.content)).toEqual(['Walk to the shop']);
    const listed = await t.gql('query($id: ID!) { plan(id: $id) { versions { edges { node { id label } } } } }', { id: plan.id }, relative.token);
    expect(listed.data!.plan.versions.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({ id: version.id, label: 'Before the summer' });

    const stranger = await t.gql('query($id: ID!) { version(id: $id) { content } }', { id: version.id }, outsider.token);
    // The one not-found rule (docs/graphql.md): null for the field, with NOT_FOUND, as for a plan.
    expect(stranger.data!.version).toBeNull();
    expect(errorCode(stranger)).toBe('NOT_FOUND');
    const badLabel = await t.gql('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }', { input: { planId: plan.id, label: '  ' } }, person.token);
    expect(errorCode(badLabel)).toBe('BAD_USER_INPUT');
  });

  it('restores a version as a new change by the restorer, seen at once by live editors; refused to those who may not edit it', async () => {
    const created = await t.gql(
      'mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }',
      { input: { planId: plan.id, label: 'Checkpoint' } },
      coordinator.token,
    );
    const versionId = created.data!.createVersion.id as string;
    const saved = await t.gql('query($id: ID!) { version(id: $id) { content } }', { id: versionId }, person.token);
    const savedGoals = goalTexts(saved.data!.version.content);
    await addGoal(person, 'A goal added after the checkpoint');

    const live = open(relative);
    await live.synced();
    expect(live.section<Array<{ text: string }>>('goals').map((goal) => goal.text)).toContain('A goal added after the checkpoint');

    // The relative may not edit goals, so may not restore a version that changes them.
    const refused = await t.gql('mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) { seq } }', { input: { versionId } }, relative.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    const unknown = await t.gql('mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) { seq } }', { input: { versionId } }, outsider.token);
    expect(errorCode(unknown)).toBe('NOT_FOUND');

    const restored = await t.gql(
      'mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) { sections seq plan { documentSeq } } }',
      { input: { versionId } },
      person.token,
    );
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreVersion.sections).toEqual(['goals']);
    await vi.waitFor(() => expect(live.section<Array<{ text: string }>>('goals').map((goal) => goal.text)).toEqual(savedGoals));

    const history = await t.gql(
      'query($id: ID!, $by: ID!) { plan(id: $id) { history(first: 5, section: goals, personId: $by) { edges { node { lastSeq by { id } } } } } }',
      { id: plan.id, by: person.id },
      person.token,
    );
    expect(history.data!.plan.history.edges[0].node).toMatchObject({ lastSeq: restored.data!.restoreVersion.seq, by: { id: person.id } });
  });

  it('saves an EVALUATION version when an evaluation is recorded', async () => {
    const added = await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
      { input: { planId: plan.id, section: 'evaluations', fields: { date: '2026-11-20', text: 'Good progress' } } },
      coordinator.token,
    );
    expect(added.errors).toBeUndefined();
    await vi.waitFor(async () => {
      const listed = await t.gql('query($id: ID!) { plan(id: $id) { versions { edges { node { kind author { id } } } } } }', { id: plan.id }, person.token);
      expect(listed.data!.plan.versions.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({ kind: 'EVALUATION', author: { id: coordinator.id } });
    });
  });
});

describe('history', () => {
  it('filters by section and person, and pages with a cursor', async () => {
    const contribution = await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
      { input: { planId: plan.id, section: 'contributions', fields: { text: 'I drive her on Tuesdays' } } },
      relative.token,
    );
    expect(contribution.errors).toBeUndefined();
    const query = 'query($id: ID!, $section: SectionKey, $by: ID, $after: String) { plan(id: $id) { history(first: 1, section: $section, personId: $by, after: $after) { edges { node { section by { id } } } pageInfo { hasNextPage endCursor } } } }';

    const byRelative = await t.gql(query, { id: plan.id, by: relative.id }, person.token);
    expect(byRelative.data!.plan.history.edges.map((edge: any) => edge.node)).toEqual([{ section: 'contributions', by: { id: relative.id } }]);
    const goals = await t.gql(query, { id: plan.id, section: 'goals' }, person.token);
    expect(goals.data!.plan.history.edges[0].node.section).toBe('goals');

    // Walk every page of the whole history: each node once, and the last page says so.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const response: any = await t.gql(query, { id: plan.id, after }, person.token);
      seen.push(...response.data.plan.history.edges.map((edge: any) => `${edge.node.section}/${edge.node.by.id}`));
      if (!response.data.plan.history.pageInfo.hasNextPage) break;
      after = response.data.plan.history.pageInfo.endCursor;
    }
    expect(seen).toEqual(expect.arrayContaining([`contributions/${relative.id}`, `goals/${person.id}`, `evaluations/${coordinator.id}`]));

    const badCursor = await t.gql(query, { id: plan.id, after: 'not-a-cursor' }, person.token);
    expect(errorCode(badCursor)).toBe('BAD_USER_INPUT');
    const stranger = await t.gql(query, { id: plan.id }, outsider.token);
    expect(errorCode(stranger)).toBe('NOT_FOUND');
  });
});

describe('planChanged', () => {
  function subscribe(who: SeededPerson) {
    const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: who.token }, retryAttempts: 0 });
    clients.push(client);
    const events: Array<{ seq: number; sections: string[]; by: Array<{ id: string }> }> = [];
    const errors: unknown[] = [];
    let completed = false;
    client.subscribe(
      { query: 'subscription($planId: ID!) { planChanged(planId: $planId) { planId seq sections by { id } at } }', variables: { planId: plan.id } },
      { next: (value) => events.push(value.data!.planChanged as (typeof events)[number]), error: (error) => errors.push(error), complete: () => (completed = true) },
    );
    return { events, errors, isComplete: () => completed };
  }

  it('tells which sections changed, by whom and the new seq, one event per typing burst', async () => {
    const subscription = subscribe(relative);
    const typist = open(person);
    await typist.synced();
    typist.doc.getArray('goals').push([newEntry({ id: crypto.randomUUID(), text: text('') })]);
    // The subscription is live once it has heard something.
    await vi.waitFor(() => expect(subscription.events.length).toBeGreaterThan(0), { timeout: 10_000 });
    await vi.waitFor(() => expect(typist.provider.synced).toBe(true));
    const before = subscription.events.length;

    const field = (typist.doc.getArray('goals').get(typist.doc.getArray('goals').length - 1) as any).get('text');
    const typed = 'Take the bus to the day centre';
    for (const [index, char] of [...typed].entries()) field.insert(index, char);

    const seq = async () => (await t.gql('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: plan.id }, person.token)).data!.plan.documentSeq as number;
    await vi.waitFor(async () => expect(subscription.events.at(-1)?.seq).toBe(await seq()), { timeout: 10_000 });
    const burst = subscription.events.slice(before);
    // Each keystroke is its own committed update, yet the burst arrives as a few events.
    expect(burst.length).toBeLessThan(typed.length / 3);
    expect(burst.every((event) => event.sections.includes('goals') && event.by.some((by) => by.id === person.id))).toBe(true);
  });

  it('re-checks on every event: someone removed from the plan hears no more', async () => {
    const subscription = subscribe(relative);
    await vi.waitFor(async () => {
      if (!subscription.events.length) await addGoal(person, `ping ${Math.random()}`);
      expect(subscription.events.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 400 });
    const removed = await plansFor(t).removeParticipant(person, plan.participantIds[relative.sub]!);
    expect(removed.errors).toBeUndefined();
    const heard = subscription.events.length;
    await addGoal(person, 'After Erik left');
    await vi.waitFor(() => expect(subscription.isComplete() || subscription.errors.length > 0).toBe(true), { timeout: 10_000 });
    expect(subscription.events.length).toBe(heard);
  });
});

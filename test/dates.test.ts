import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, type Editor } from './helpers/editor.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type GraphQLResponse, type TestApp } from './helpers/test-app.js';

/**
 * Dates are real calendar dates, and "today" is Oslo's. The clock stands at 00:30 on 1 July 2026
 * in Oslo (CEST), which is still 30 June in UTC: anything counted in UTC would be a day off.
 */
const NOW = '2026-06-30T22:30:00.000Z';
let t: TestApp;
let clock: ManualClock;
let intake: ReturnType<typeof intakeFor>;
let unit: { id: string };
let person: SeededPerson;
let coordinator: SeededPerson;
let plan: SeededPlan;
const editors: Editor[] = [];

const ADD = 'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq section { content } } }';
const UPDATE = 'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }';
const RECORD = 'mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { id date } }';

function expectBadInput(response: GraphQLResponse, message: string): void {
  expect(response.data ?? null).toBeNull();
  expect(response.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
}

beforeAll(async () => {
  clock = new ManualClock(NOW);
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  const seed = seedFor(t);
  intake = intakeFor(t);
  unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  person = await seed.citizen('per');
  coordinator = await seed.staff('kim', unit.id);
  plan = await seed.plan().withOwner(person).withCoordinator(coordinator, unit.id).create();
  // A coordinator from the coordinating unit brings the plan under that unit (docs/requests-and-complaints.md).
  expect(plan.coordinatingUnitId).toBe(unit.id);
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('plan content dates', () => {
  it('addPlanEntry refuses a measure evaluateBy of 2026-02-31, naming the field, and takes 2024-02-29', async () => {
    const bad = await t.gql(ADD, { input: { planId: plan.id, section: 'measures', fields: { evaluateBy: '2026-02-31' } } }, coordinator.token);
    // The one check is the inspector's, the same for GraphQL and live edits: it names section and field.
    expectBadInput(bad, 'measures: "evaluateBy" in measures must be a real calendar date (yyyy-mm-dd)');
    const good = await t.gql(ADD, { input: { planId: plan.id, section: 'measures', fields: { evaluateBy: '2024-02-29' } } }, coordinator.token);
    expect(good.errors).toBeUndefined();
    expect(good.data!.addPlanEntry.section.content).toEqual([expect.objectContaining({ evaluateBy: '2024-02-29' })]);
  });

  it('updatePlanEntry refuses an impossible revision date in the period', async () => {
    const bad = await t.gql(UPDATE, { input: { planId: plan.id, section: 'period', fields: { revisionDates: ['2026-09-01', '2025-02-29'] } } }, coordinator.token);
    expectBadInput(bad, 'period: "revisionDates" in period must be a list of real calendar dates (yyyy-mm-dd)');
    const end = await t.gql(UPDATE, { input: { planId: plan.id, section: 'period', fields: { end: '2026-13-01' } } }, coordinator.token);
    expectBadInput(end, 'period: "end" in period must be a real calendar date (yyyy-mm-dd)');
    const good = await t.gql(UPDATE, { input: { planId: plan.id, section: 'period', fields: { end: '2028-02-29', revisionDates: ['2026-09-01'] } } }, coordinator.token);
    expect(good.errors).toBeUndefined();
  });

  it('a raw live edit setting evaluateBy to 2026-02-31 is refused and never committed', async () => {
    const editor = connectEditor(t, plan.id, coordinator.token);
    editors.push(editor);
    await editor.synced();
    // What no honest client writes: an impossible date straight into the shared document.
    editor.doc.getArray('measures').push([newEntry({ id: 'raw-1', evaluateBy: '2026-02-31' })]);
    // The barrier: the server answered this very change with a refusal (it commits or refuses each update).
    await vi.waitFor(() => expect([...editor.denied, ...editor.closes.map((close) => close.reason)].join(' ')).toMatch(/real calendar date/));
    const stored = await t.gql('query($id: ID!) { plan(id: $id) { section(key: measures) { content } } }', { id: plan.id }, coordinator.token);
    expect(JSON.stringify(stored.data!.plan.section.content)).not.toContain('2026-02-31');
  });
});

describe('evaluations', () => {
  it('refuses an evaluation dated 2026-02-30, naming the field', async () => {
    const response = await t.gql(RECORD, { input: { planId: plan.id, date: '2026-02-30', participantIds: [person.id], outcome: 'Fine' } }, coordinator.token);
    expectBadInput(response, 'date must be a real calendar date (yyyy-mm-dd)');
  });

  it('today is 1 July in Oslo: an evaluation that day is taken, one dated 2 July is in the future', async () => {
    const future = await t.gql(RECORD, { input: { planId: plan.id, date: '2026-07-02', participantIds: [person.id], outcome: 'Fine' } }, coordinator.token);
    expect(future.errors?.[0]).toMatchObject({ message: expect.stringMatching(/future/), extensions: { code: 'BAD_USER_INPUT' } });
    const today = await t.gql(RECORD, { input: { planId: plan.id, date: '2026-07-01', participantIds: [person.id], outcome: 'Fine' } }, coordinator.token);
    expect(today.errors).toBeUndefined();
    expect(today.data!.recordEvaluation.date).toBe('2026-07-01');
  });
});

describe('requests count in Oslo', () => {
  it('a child born on 1 July 2008 is 18 at 00:30 on 1 July 2026 in Oslo, though UTC says 30 June', async () => {
    const seed = seedFor(t);
    const child = await seed.citizen('child');
    const parent = await seed.citizen('parent');
    await seed.guardianship(parent, child);
    const input = { person: { id: child.id }, source: 'GUARDIAN', wants: 'CHILD_COORDINATOR' };
    const eighteen = await intake.submit(parent, { ...input, childBirthDate: '2008-07-01' });
    expect(eighteen.errors?.[0]).toMatchObject({ message: expect.stringMatching(/under 18/), extensions: { code: 'BAD_USER_INPUT' } });
    expectBadInput(await intake.submit(parent, { ...input, childBirthDate: '2008-02-30' }), 'childBirthDate must be a real calendar date (yyyy-mm-dd)');

    const request = await intake.submit(parent, { ...input, childBirthDate: '2008-07-02' });
    expect(request.errors).toBeUndefined();
    // One calendar month at the same Oslo time: 00:30 on 1 August (UTC arithmetic would say 30 July).
    expect(request.data!.submitRequest).toMatchObject({ childBirthDate: '2008-07-02', decisionDueAt: '2026-07-31T22:30:00.000Z' });

    // "After today" is after 1 July in Oslo.
    const kari = await seed.staff('kari', unit.id);
    const notice = { requestId: request.data!.submitRequest.id, reason: 'We need the school report' };
    const todayNotice = await intake.interimNotice(kari, { ...notice, expectedDecisionDate: '2026-07-01' });
    expect(todayNotice.errors?.[0]).toMatchObject({ message: 'expectedDecisionDate must be after today', extensions: { code: 'BAD_USER_INPUT' } });
    expectBadInput(await intake.interimNotice(kari, { ...notice, expectedDecisionDate: '2026-09-31' }), 'expectedDecisionDate must be a real calendar date (yyyy-mm-dd)');
    const recorded = await intake.interimNotice(kari, { ...notice, expectedDecisionDate: '2026-07-02' });
    expect(recorded.errors).toBeUndefined();
    // The promised date ends at midnight in Oslo (summer time: 22:00 UTC).
    expect(await intake.deadline(`decision:${request.data!.submitRequest.id}`)).toEqual({ dueAt: '2026-07-02T22:00:00.000Z', resolved: false });
  });
});

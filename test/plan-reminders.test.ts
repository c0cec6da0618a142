import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscribeTo } from './helpers/consent.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Rule 9: reminders go out before revision dates and measures' evaluate-by dates fall due. Each
 * comes up 14 days ahead (REVISION_DUE / EVALUATION_DUE to the unit, a reminder to the
 * coordinator), then falls due (EVALUATION_OVERDUE, another reminder), each exactly once, and
 * never for a plan that has ended.
 */
const clock = new ManualClock('2026-11-02T09:00:00.000Z');
let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let kari: SeededPerson;
let live: ReturnType<typeof subscribeTo>;

const CASE_EVENTS = 'subscription($u: ID!) { caseEvents(unitId: $u) { kind planId detail } }';
const REMINDER_KINDS = ['REVISION_DUE', 'EVALUATION_DUE', 'EVALUATION_OVERDUE'];

/** A revision date on 15 December and a measure to evaluate by 20 December, over GraphQL. */
async function datePlan(planId: string): Promise<string> {
  const period = await t.gql(
    'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
    { input: { planId, section: 'period', fields: { start: '2026-11-01', revisionDates: ['2026-12-15'] } } },
    kari.token,
  );
  expect(period.errors).toBeUndefined();
  const measure = await t.gql(
    'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
    { input: { planId, section: 'measures', fields: { title: 'Home care, mornings', evaluateBy: '2026-12-20', status: 'ONGOING' } } },
    kari.token,
  );
  expect(measure.errors).toBeUndefined();
  return measure.data!.addPlanEntry.entryId as string;
}

const openDeadlines = async (planId: string) =>
  (await t.app.orm.em.fork().execute<Array<{ key: string }>>('select "key" from "deadline" where "plan_id" = ? and "resolved_at" is null order by "key"', [planId])).map((row) => row.key);

const reminders = async (planId: string) => {
  const response = await t.gql('{ notifications(first: 50) { edges { node { kind link } } } }', {}, kari.token);
  expect(response.errors).toBeUndefined();
  return response.data!.notifications.edges.filter((edge: any) => edge.node.link === `/plans/${planId}` && edge.node.kind === 'EVALUATION_DUE').length as number;
};

const heard = (planId: string) => live.events.map((event) => event.data?.caseEvents).filter((event) => event?.planId === planId && REMINDER_KINDS.includes(event.kind));

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  kari = await seed.staff('kari', unitId);
  live = subscribeTo(t, kari.token, CASE_EVENTS, { u: unitId });
});

afterAll(async () => {
  await live?.client.dispose();
  await t?.close();
});

describe('revision and evaluate-by reminders', () => {
  it('come up 14 days before, fall due after, each once, and not for an ended plan', async () => {
    const { id: running } = await seed.plan().withOwner(await seed.citizen('anna')).openedBy(kari).withConsent().create();
    const { id: ended } = await seed.plan().withOwner(await seed.citizen('tor')).openedBy(kari).withConsent().create();
    const measureId = await datePlan(running);
    await datePlan(ended);
    await vi.waitFor(async () => {
      expect(await openDeadlines(running)).toHaveLength(2);
      expect(await openDeadlines(ended)).toHaveLength(2);
    });

    const end = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId: ended, reason: 'The need has ended' } }, kari.token);
    expect(end.errors).toBeUndefined();
    // The subscription is live (it hears the end), and the ended plan's dates are closed.
    await vi.waitFor(() => expect(live.events.map((event) => event.data?.caseEvents)).toContainEqual(expect.objectContaining({ kind: 'PLAN_ENDED', planId: ended })));
    await vi.waitFor(async () => expect(await openDeadlines(ended)).toEqual([]));

    // 15 December ends at 2026-12-15T23:00Z; 14 days earlier at the same Oslo time is 1 December 23:00Z.
    clock.set('2026-12-01T22:59:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(0);

    clock.set('2026-12-01T23:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    await vi.waitFor(() => expect(heard(running)).toEqual([
      { kind: 'REVISION_DUE', planId: running, detail: { what: 'revision', ref: '2026-12-15', dueAt: '2026-12-15T23:00:00.000Z' } },
    ]));
    expect(await reminders(running)).toBe(1);
    expect(await t.app.scheduler.runDue()).toBe(0);

    // The measure's reminder: 14 days before 20 December ends.
    clock.set('2026-12-06T23:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    await vi.waitFor(() => expect(heard(running).at(-1)).toEqual(
      { kind: 'EVALUATION_DUE', planId: running, detail: { what: 'measure', ref: measureId, dueAt: '2026-12-20T23:00:00.000Z' } },
    ));
    expect(await reminders(running)).toBe(2);

    // Both dates pass: each falls due once.
    clock.set('2026-12-21T08:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(2);
    expect(await t.app.scheduler.runDue()).toBe(0);
    await vi.waitFor(() => expect(heard(running).map((event) => [event.kind, event.detail.what])).toEqual([
      ['REVISION_DUE', 'revision'],
      ['EVALUATION_DUE', 'measure'],
      ['EVALUATION_OVERDUE', 'revision'],
      ['EVALUATION_OVERDUE', 'measure'],
    ]));
    expect(await reminders(running)).toBe(4);

    // The ended plan: nothing, in the very runs that fired the running plan's.
    expect(heard(ended)).toEqual([]);
    expect(await reminders(ended)).toBe(0);
    const [row] = await t.app.orm.em.fork().execute<[{ count: number }]>(
      `select count(*)::int as "count" from "case_event" where "plan_id" = ? and "kind" in ('REVISION_DUE', 'EVALUATION_DUE', 'EVALUATION_OVERDUE')`,
      [ended],
    );
    expect(row.count).toBe(0);
  });

  it('a date of an ended plan that comes up anyway (re-armed as the plan ended) fires nothing', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('liv')).openedBy(kari).withConsent().create();
    await datePlan(planId);
    await vi.waitFor(async () => expect(await openDeadlines(planId)).toHaveLength(2));
    const end = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId, reason: 'Moved away' } }, kari.token);
    expect(end.errors).toBeUndefined();
    await vi.waitFor(async () => expect(await openDeadlines(planId)).toEqual([]));
    // What a document sync racing the end could leave behind: its dates open again.
    await t.app.orm.em.fork().execute('update "deadline" set "resolved_at" = null, "fired_at" = null, "warned_at" = null where "plan_id" = ?', [planId]);

    clock.set('2027-01-10T08:00:00.000Z');
    // The barrier: the scheduler took both and ran their handlers.
    expect(await t.app.scheduler.runDue()).toBe(2);
    expect(await reminders(planId)).toBe(0);
    const [row] = await t.app.orm.em.fork().execute<[{ count: number }]>(
      `select count(*)::int as "count" from "case_event" where "plan_id" = ? and "kind" in ('REVISION_DUE', 'EVALUATION_DUE', 'EVALUATION_OVERDUE')`,
      [planId],
    );
    expect(row.count).toBe(0);
  });
});

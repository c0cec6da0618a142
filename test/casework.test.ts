import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app/create-app.js';
import { parseConfig } from '../src/config/config.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

const clock = new ManualClock('2026-03-02T09:00:00Z');
let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let coordinator: SeededPerson;
let otherUnitStaff: SeededPerson;
const clients: Client[] = [];

const DASHBOARD = `query($unit: ID!, $filter: CaseFilter, $first: Int, $after: String) { unitDashboard(unitId: $unit) {
  counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }
  cases(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id status planId person { id } coordinator { id } nextDeadline { kind dueAt overdue } } } }
  recentEvents(first: 20) { kind planId } } }`;

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  const unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  const otherUnit = await seed.organization('Another municipality', 'COORDINATING_UNIT');
  unitId = unit.id;
  coordinator = await seed.staff('kari', unit.id);
  otherUnitStaff = await seed.staff('ola', otherUnit.id);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t?.close();
});

function subscribeCaseEvents(url: string, token: string, unit = unitId) {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0 });
  clients.push(client);
  const events: Array<{ kind: string; planId: string | null; detail: Record<string, unknown> }> = [];
  const errors: unknown[] = [];
  client.subscribe(
    { query: 'subscription($unit: ID!) { caseEvents(unitId: $unit) { id kind planId detail person { id } } }', variables: { unit } },
    { next: (value) => events.push(value.data!.caseEvents as (typeof events)[number]), error: (error) => errors.push(error), complete: () => undefined },
  );
  return { events, errors };
}

const dashboard = async (variables: Record<string, unknown> = {}, token = coordinator.token) =>
  t.gql(DASHBOARD, { unit: unitId, ...variables }, token);

const addMeasure = (planId: string, evaluateBy: string) =>
  t.gql(
    'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
    { input: { planId, section: 'measures', fields: { title: 'Home care, mornings', evaluateBy, status: 'ONGOING' } } },
    coordinator.token,
  );

describe('the coordinating unit dashboard', () => {
  it('is for the unit’s own staff only', async () => {
    expect(errorCode(await dashboard({}, otherUnitStaff.token))).toBe('NOT_FOUND');
    const citizen = await seed.citizen('curious');
    expect(errorCode(await dashboard({}, citizen.token))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(DASHBOARD, { unit: 'not-an-id' }, coordinator.token))).toBe('NOT_FOUND');
    const refused = subscribeCaseEvents(t.wsUrl, otherUnitStaff.token);
    await vi.waitFor(() => expect(refused.errors.length).toBe(1));
  });

  it('turns a measure’s evaluate-by date into reminders, then an overdue count, each fired once', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('ingrid')).openedBy(coordinator).withConsent().create();
    const live = subscribeCaseEvents(t.wsUrl, coordinator.token);
    // Live once it hears something: a case event the test causes, with no deadline involved.
    const measure = await addMeasure(planId, '2026-03-20');
    expect(measure.errors).toBeUndefined();
    const entryId = measure.data!.addPlanEntry.entryId as string;

    await vi.waitFor(async () => {
      const read = await dashboard({ filter: { dueWithinDays: 30 } });
      const node = read.data!.unitDashboard.cases.edges.find((edge: any) => edge.node.planId === planId)?.node;
      expect(node?.nextDeadline).toEqual({ kind: 'MEASURE_EVALUATION', dueAt: '2026-03-20T23:00:00.000Z', overdue: false });
    });
    expect(await t.app.scheduler.runDue()).toBe(0);

    clock.advanceDays(5); // past the warning, 14 days before
    await vi.waitFor(async () => {
      await t.app.scheduler.runDue();
      expect(live.events.map((event) => event.kind)).toContain('EVALUATION_DUE');
    });
    expect(live.events.find((event) => event.kind === 'EVALUATION_DUE')).toMatchObject({ planId, detail: { what: 'measure', ref: entryId } });
    expect(await t.app.scheduler.runDue()).toBe(0);

    clock.set('2026-03-21T08:00:00Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    await vi.waitFor(() => expect(live.events.map((event) => event.kind)).toContain('EVALUATION_OVERDUE'));
    const overdue = await dashboard({ filter: { overdue: true } });
    expect(overdue.data!.unitDashboard.counts.measuresPastEvaluation).toBe(1);
    expect(overdue.data!.unitDashboard.cases.edges.map((edge: any) => edge.node.planId)).toEqual([planId]);

    const reminders = await t.app.orm.em.fork().execute(`select "kind", "link" from "notification" where "recipient_id" = ? and "kind" = 'EVALUATION_DUE'`, [coordinator.id]);
    expect(reminders).toEqual([
      { kind: 'EVALUATION_DUE', link: `/plans/${planId}` },
      { kind: 'EVALUATION_DUE', link: `/plans/${planId}` },
    ]);

    // Done: nothing is owed any more.
    const done = await t.gql(
      'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
      { input: { planId, section: 'measures', entryId, fields: { status: 'DONE' } } },
      coordinator.token,
    );
    expect(done.errors).toBeUndefined();
    await vi.waitFor(async () => expect((await dashboard()).data!.unitDashboard.counts.measuresPastEvaluation).toBe(0));
  });

  it('counts revision dates coming up, and hears the plan end', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('per')).openedBy(coordinator).withConsent().create();
    const live = subscribeCaseEvents(t.wsUrl, coordinator.token);
    const period = await t.gql(
      'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
      { input: { planId, section: 'period', fields: { start: '2026-03-01', revisionDates: ['2026-04-10', '2026-09-10'] } } },
      coordinator.token,
    );
    expect(period.errors).toBeUndefined();
    await vi.waitFor(async () => expect((await dashboard()).data!.unitDashboard.counts.revisionsDue).toBe(1));

    const ended = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId, reason: 'The need has ended' } }, coordinator.token);
    expect(ended.errors).toBeUndefined();
    await vi.waitFor(() => expect(live.events).toContainEqual(expect.objectContaining({ kind: 'PLAN_ENDED', planId })));
    await vi.waitFor(async () => {
      const read = await dashboard({ filter: { status: ['ENDED'] } });
      expect(read.data!.unitDashboard.counts.revisionsDue).toBe(0);
      expect(read.data!.unitDashboard.cases.edges.map((edge: any) => edge.node)).toContainEqual(expect.objectContaining({ planId, status: 'ENDED', nextDeadline: null }));
    });
  });

  it('pages through the caseload and filters by coordinator; refuses bad arguments', async () => {
    await seed.plan().withOwner(await seed.citizen('anna')).openedBy(coordinator).withConsent().create();
    const all = await dashboard({ first: 100 });
    const total = all.data!.unitDashboard.cases.totalCount as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const read: any = await dashboard({ first: 2, after });
      seen.push(...read.data.unitDashboard.cases.edges.map((edge: any) => edge.node.id));
      if (!read.data.unitDashboard.cases.pageInfo.hasNextPage) break;
      after = read.data.unitDashboard.cases.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.data!.unitDashboard.cases.edges.map((edge: any) => edge.node.id));
    const mine = await dashboard({ filter: { coordinatorId: coordinator.id } });
    expect(mine.data!.unitDashboard.cases.edges.every((edge: any) => edge.node.coordinator?.id === coordinator.id)).toBe(true);
    expect((await dashboard({ filter: { coordinatorId: otherUnitStaff.id } })).data!.unitDashboard.cases.totalCount).toBe(0);

    expect(errorCode(await dashboard({ after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await dashboard({ first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await dashboard({ filter: { dueWithinDays: -1 } }))).toBe('BAD_USER_INPUT');
  });
});

describe('two servers on one database', () => {
  let second: App;

  beforeAll(async () => {
    second = await createApp(
      parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: t.databaseUrl, SCHEDULER_INTERVAL_MS: '3600000' }),
      { clock },
    );
  });
  afterAll(() => second?.dispose());

  it('fire each deadline and its notification once, and both servers hear the event', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('sara')).openedBy(coordinator).withConsent().create();
    const onFirst = subscribeCaseEvents(t.wsUrl, coordinator.token);
    // Each server has its own development signing key: the coordinator signs in to the second one anew.
    const minted = await fetch(`${second.url}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: coordinator.sub, name: 'kari', kind: 'personnel' }),
    });
    const { token: secondToken } = (await minted.json()) as { token: string };
    const onSecond = subscribeCaseEvents(`${second.url.replace(/^http/, 'ws')}/graphql`, secondToken);
    const dates = ['2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28'];
    for (const date of dates) expect((await addMeasure(planId, date)).errors).toBeUndefined();
    await vi.waitFor(async () => {
      const [row] = await t.app.orm.em.fork().execute<[{ count: number }]>(`select count(*)::int as "count" from "deadline" where "plan_id" = ? and "resolved_at" is null`, [planId]);
      expect(row.count).toBe(dates.length);
    });

    clock.set('2026-04-01T08:00:00Z');
    const [fromFirst, fromSecond] = await Promise.all([t.app.scheduler.runDue(), second.scheduler.runDue()]);
    expect(fromFirst + fromSecond).toBe(dates.length);

    const [events] = await t.app.orm.em.fork().execute<[{ count: number }]>(`select count(*)::int as "count" from "case_event" where "plan_id" = ? and "kind" = 'EVALUATION_OVERDUE'`, [planId]);
    expect(events.count).toBe(dates.length);
    const [notifications] = await t.app.orm.em.fork().execute<[{ count: number }]>(
      `select count(*)::int as "count" from "notification" where "link" = ? and "kind" = 'EVALUATION_DUE'`,
      [`/plans/${planId}`],
    );
    expect(notifications.count).toBe(dates.length);
    for (const subscriber of [onFirst, onSecond]) {
      await vi.waitFor(() => expect(subscriber.events.filter((event) => event.kind === 'EVALUATION_OVERDUE' && event.planId === planId)).toHaveLength(dates.length));
    }
  });
});

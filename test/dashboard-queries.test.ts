import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { statementsDuring } from './helpers/statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const clock = new ManualClock('2026-03-02T09:00:00Z');
const CASES = 24;
let t: TestApp;
let unitId: string;
let lead: SeededPerson;

const DASHBOARD = `query($unit: ID!, $first: Int, $filter: CaseFilter) { unitDashboard(unitId: $unit) {
  counts { openRequests nextDecisionDueAt interimNoticesDue plansWithoutCoordinator measuresPastEvaluation measuresIncomplete revisionsDue consentsExpiring openComplaints }
  cases(first: $first, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id status person { displayName } planId requestId coordinator { displayName } openedAt nextDeadline { kind dueAt overdue } incompleteMeasures } } } } }`;

beforeAll(async () => {
  // The scheduler stays quiet, so every statement counted below is the request's own.
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  const seed = seedFor(t);
  const intake = intakeFor(t);
  const unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  unitId = unit.id;
  lead = await seed.staff('kari', unit.id, 'UNIT_LEAD');
  for (let index = 0; index < CASES; index += 1) {
    const person = await seed.citizen(`person-${index}`);
    const request = expectData(await intake.submit(person, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', title: `Plan ${index}` }), 'submitRequest').submitRequest as { id: string };
    // Every third is granted: a plan under the unit, with its deadlines, beside requests still waiting.
    if (index % 3 === 0) expectData(await intake.decide(lead, { requestId: request.id, decision: 'GRANTED' }), 'decideRequest');
  }
});

afterAll(async () => {
  await t?.close();
});

/** The SQL statements one dashboard request runs, counted at `pg` (knex's and the prepared reads alike). */
async function statementsOf(variables: Record<string, unknown>): Promise<{ statements: string[]; data: any }> {
  let data: any;
  const statements = await statementsDuring(async () => {
    data = expectData(await t.gql(DASHBOARD, { unit: unitId, ...variables }, lead.token), 'unitDashboard');
  });
  return { statements, data };
}

describe('the unit dashboard', () => {
  it('runs as many statements for a page of 50 as for a page of 5', async () => {
    const small = await statementsOf({ first: 5 });
    const large = await statementsOf({ first: 50 });
    // The barrier: the counter sees the request's statements, and the pages are what was asked.
    expect(small.statements.length).toBeGreaterThan(0);
    expect(small.data.unitDashboard.cases.edges).toHaveLength(5);
    expect(large.data.unitDashboard.cases.edges).toHaveLength(CASES);
    expect(large.statements.length).toBe(small.statements.length);
    // The prepared reads' texts are the same too: the page size is bound, so each is prepared once per connection, whatever the size.
    const prepared = (statements: string[]) => statements.filter((sql) => /\$1\b/.test(sql)).sort();
    expect(prepared(small.statements).length).toBeGreaterThanOrEqual(2);
    // The unit, its counts, and its caseload with the count and the page's people (no read per person shown).
    expect(small.statements).toHaveLength(3);
    expect(small.data.unitDashboard.cases.edges.every((edge: any) => typeof edge.node.person.displayName === 'string')).toBe(true);
    expect(prepared(large.statements)).toEqual(prepared(small.statements));
  });

  it('keeps the same count with a filter on deadlines, which dates every case', async () => {
    const small = await statementsOf({ first: 5, filter: { dueWithinDays: 365 } });
    const large = await statementsOf({ first: 50, filter: { dueWithinDays: 365 } });
    expect(small.data.unitDashboard.cases.totalCount).toBe(large.data.unitDashboard.cases.totalCount);
    expect(large.data.unitDashboard.cases.totalCount).toBeGreaterThan(5);
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('filters by any number of statuses with one statement text, and counts each status once', async () => {
    const one = await statementsOf({ first: 50, filter: { status: ['REQUESTED'] } });
    const two = await statementsOf({ first: 50, filter: { status: ['REQUESTED', 'AWAITING_CONSENT'] } });
    const each = async (status: string) => (await statementsOf({ first: 50, filter: { status: [status] } })).data.unitDashboard.cases.totalCount as number;
    // The barrier: both kinds of case are there (every third request was granted), so the filters differ in what they find.
    const [requested, awaiting] = [await each('REQUESTED'), await each('AWAITING_CONSENT')];
    expect(requested).toBeGreaterThan(0);
    expect(awaiting).toBeGreaterThan(0);
    expect(one.data.unitDashboard.cases.totalCount).toBe(requested);
    expect(two.data.unitDashboard.cases.totalCount).toBe(requested + awaiting);
    expect(two.data.unitDashboard.cases.edges.every((edge: any) => ['REQUESTED', 'AWAITING_CONSENT'].includes(edge.node.status))).toBe(true);
    const prepared = (statements: string[]) => statements.filter((sql) => /\$1\b/.test(sql)).sort();
    expect(prepared(two.statements)).toEqual(prepared(one.statements));
  });

  it('pages through every case once, each with the earliest open deadline of its plan or request', async () => {
    const all = (await statementsOf({ first: 50 })).data.unitDashboard.cases;
    expect(all.totalCount).toBe(CASES);
    const seen = new Set<string>();
    let after: string | null = null;
    do {
      const response: any = expectData(await t.gql(
        'query($unit: ID!, $after: String) { unitDashboard(unitId: $unit) { cases(first: 7, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id nextDeadline { dueAt } } } } } }',
        { unit: unitId, after },
        lead.token,
      ), 'a page of cases');
      const page = response.unitDashboard.cases;
      for (const edge of page.edges) seen.add(edge.node.id);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(new Set(all.edges.map((edge: any) => edge.node.id)));
    // Each case's deadline is the earliest open one of its plan or its request, asked plainly.
    const requests = all.edges.filter((edge: any) => edge.node.planId === null);
    expect(requests.every((edge: any) => edge.node.nextDeadline !== null)).toBe(true);
    for (const { node } of all.edges) {
      const [row] = await t.asOwner<{ due_at: Date | null }>(
        'select min("due_at") as "due_at" from "deadline" where "resolved_at" is null and ("plan_id" = $1 or "request_id" = $2)',
        [node.planId, node.requestId],
      );
      expect(node.nextDeadline?.dueAt ?? null).toBe(row?.due_at ? new Date(row.due_at).toISOString() : null);
    }
  });
});

/** What a unit's caseload is, from the owners' tables read plainly: the reference the one statement is held to. */
async function referenceCases(unit: string, now: Date) {
  const rows = await t.asOwner<{ id: string; status: string; person_id: string; plan_id: string | null; request_id: string | null; opened_at: Date; plan_status: string | null }>(
    `select r."id", case r."status" when 'RECEIVED' then 'REQUESTED' when 'GRANTED' then 'AWAITING_CONSENT' else r."status" end as "status",
            r."person_id", null::uuid as "plan_id", r."id" as "request_id", r."received_at" as "opened_at", null as "plan_status"
       from "service_request" r where r."unit_id" = $1 and r."plan_id" is null
     union all
     select p."id", case p."status" when 'REQUESTED' then 'AWAITING_CONSENT' else p."status" end, p."owner_id", p."id",
            (select r."id" from "service_request" r where r."plan_id" = p."id" order by r."received_at" limit 1), p."created_at", p."status"
       from "plan" p where p."unit_id" = $1`,
    [unit],
  );
  const deadlines = await t.asOwner<{ plan_id: string | null; request_id: string | null; kind: string; due_at: Date }>('select "plan_id", "request_id", "kind", "due_at" from "deadline" where "resolved_at" is null');
  const coordinators = await t.asOwner<{ plan_id: string; person_id: string }>(
    `select "plan_id", "person_id" from "participant" where "role" = 'COORDINATOR' and "removed_at" is null and "active_from" <= $1 and ("active_to" is null or "active_to" > $1)`,
    [now],
  );
  const gaps = await t.asOwner<{ plan_id: string }>('select "plan_id" from "measure_gap"');
  return rows.map((row) => {
    const open = deadlines
      .filter((deadline) => (row.plan_id !== null && deadline.plan_id === row.plan_id) || (row.request_id !== null && deadline.request_id === row.request_id))
      .sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
    return {
      id: row.id,
      status: row.status,
      personId: row.person_id,
      planId: row.plan_id,
      requestId: row.request_id,
      openedAt: new Date(row.opened_at),
      coordinators: coordinators.filter((coordinator) => coordinator.plan_id === row.plan_id).map((coordinator) => coordinator.person_id),
      dueAt: open[0] ? new Date(open[0].due_at) : null,
      incompleteMeasures: row.plan_status === null || row.plan_status === 'ENDED' ? 0 : gaps.filter((gap) => gap.plan_id === row.plan_id).length,
    };
  }).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime() || (a.id < b.id ? 1 : -1));
}

describe('the caseload against a plain reading of the owners\' tables', () => {
  it('gives every filter, page size and cursor the cases, order, deadlines and people the tables say', async () => {
    const seed = seedFor(t);
    const intake = intakeFor(t);
    const unit = await seed.organization('Koordinerende enhet, referanse', 'COORDINATING_UNIT', '4601');
    const [kari, per] = [await seed.staff('ref-kari', unit.id, 'UNIT_LEAD'), await seed.staff('ref-per', unit.id)];
    for (let index = 0; index < 9; index += 1) {
      const person = await seed.citizen(`ref-person-${index}`);
      const request = expectData(await intake.submit(person, { municipality: '4601', source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', title: `Plan ${index}` }), 'submitRequest').submitRequest as { id: string };
      if (index % 3 === 0) expectData(await intake.decide(kari, { requestId: request.id, decision: 'GRANTED' }), 'decideRequest');
      if (index % 3 === 1) expectData(await intake.decide(kari, { requestId: request.id, decision: 'REFUSED', reason: 'Not needed' }), 'decideRequest');
      clock.advance(60_000);
    }
    // Plans staff opened, each coordinated by who opened it: the coordinator filter has two people to tell apart.
    for (const [index, staff] of [kari, per, kari].entries()) {
      await seed.plan().withOwner(await seed.citizen(`ref-owner-${index}`)).openedBy(staff).withConsent().create();
      clock.advance(60_000);
    }
    // Ties: two requests and a plan opened at the same instant. The order between them falls to the id, across the two kinds too.
    const open = await t.asOwner<{ id: string; received_at: Date }>('select "id", "received_at" from "service_request" where "unit_id" = $1 and "plan_id" is null order by "received_at"', [unit.id]);
    const [planOfUnit] = await t.asOwner<{ id: string }>('select "id" from "plan" where "unit_id" = $1 and "status" <> \'ENDED\' order by "created_at" limit 1', [unit.id]);
    const tied = open[0]!.received_at;
    await t.asOwner('update "service_request" set "received_at" = $2 where "id" = $1', [open.at(-1)!.id, tied]);
    await t.asOwner('update "plan" set "created_at" = $2 where "id" = $1', [planOfUnit!.id, tied]);
    // Some decisions fall due: the overdue filter has cases on both sides.
    clock.advanceDays(40);
    const now = clock.now();
    const reference = await referenceCases(unit.id, now);
    const viewer = kari;
    // The barrier: the unit has cases of several statuses, with and without deadlines and coordinators.
    expect(new Set(reference.map((item) => item.status)).size).toBeGreaterThanOrEqual(3);
    expect(reference.some((item) => item.dueAt && item.dueAt <= now)).toBe(true);
    expect(reference.some((item) => item.coordinators.length > 0)).toBe(true);
    const atTie = reference.filter((item) => item.openedAt.getTime() === new Date(tied).getTime());
    expect(atTie).toHaveLength(3);
    expect(new Set(atTie.map((item) => item.planId === null))).toEqual(new Set([true, false]));

    const statuses = ['REQUESTED', 'REFUSED', 'WITHDRAWN', 'AWAITING_CONSENT', 'ACTIVE', 'ENDED'] as const;
    await fc.assert(fc.asyncProperty(
      fc.record({
        status: fc.option(fc.subarray([...statuses], { minLength: 1 }), { nil: undefined }),
        coordinatorId: fc.option(fc.constantFrom(kari.id, per.id), { nil: undefined }),
        overdue: fc.option(fc.boolean(), { nil: undefined }),
        dueWithinDays: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      }),
      fc.integer({ min: 1, max: 8 }),
      async (filter, first) => {
        const expected = reference.filter((item) => (!filter.status || filter.status.includes(item.status as never))
          && (!filter.coordinatorId || item.coordinators.includes(filter.coordinatorId))
          && (!filter.overdue || (item.dueAt !== null && item.dueAt <= now))
          && (filter.dueWithinDays === undefined || (item.dueAt !== null && item.dueAt.getTime() <= now.getTime() + filter.dueWithinDays * 86_400_000)));
        const seen: any[] = [];
        let after: string | null = null;
        for (let pages = 0; pages <= expected.length; pages += 1) {
          const response: any = expectData(await t.gql(
            `query($unit: ID!, $first: Int, $after: String, $filter: CaseFilter) { unitDashboard(unitId: $unit) { cases(first: $first, after: $after, filter: $filter) {
              totalCount pageInfo { hasNextPage endCursor }
              edges { node { id status planId requestId openedAt person { id } coordinator { id } nextDeadline { dueAt overdue } incompleteMeasures } } } } }`,
            { unit: unit.id, first, after, filter },
            viewer.token,
          ), 'a page of the caseload');
          const page = response.unitDashboard.cases;
          expect(page.totalCount).toBe(expected.length);
          expect(page.edges.length).toBeLessThanOrEqual(first);
          seen.push(...page.edges.map((edge: any) => edge.node));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
          if (!after) break;
        }
        expect(seen.map((node) => node.id)).toEqual(expected.map((item) => item.id));
        for (const [index, node] of seen.entries()) {
          const item = expected[index]!;
          expect(node).toMatchObject({ status: item.status, planId: item.planId, requestId: item.requestId, openedAt: item.openedAt.toISOString(), incompleteMeasures: item.incompleteMeasures });
          expect(node.person.id).toBe(item.personId);
          expect(node.coordinator?.id ?? null).toBe(item.coordinators[0] ?? null);
          expect(node.nextDeadline?.dueAt ?? null).toBe(item.dueAt?.toISOString() ?? null);
          expect(node.nextDeadline?.overdue ?? null).toBe(item.dueAt ? item.dueAt <= now : null);
        }
      },
    ), { numRuns: 40 });
  });
});

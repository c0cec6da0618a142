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
    expect(prepared(small.statements).length).toBeGreaterThanOrEqual(3);
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

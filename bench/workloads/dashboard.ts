import { DEV_ISSUERS } from '../../src/config/config.js';
import { analyzeDatabase } from '../lib/database.js';
import type { BenchOptions } from '../lib/options.js';
import { startSamplan, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { gql, mintToken } from '../lib/samplan-plans.js';
import { inParallel } from '../lib/stats.js';
import { hammer, type HammerResult } from './graphql.js';

const MUNICIPALITY = '4601';
const ADMIN = 'bench-dashboard-admin';
const COORDINATOR = 'bench-dashboard-coordinator';
/** One in this many requests is granted (a plan under the unit, with its deadlines); the rest wait for a decision. */
const GRANT_EVERY = 4;

/** What a coordinator's dashboard shows first: every count and the first page of the caseload. */
export const dashboardQuery = (first: number) => `query($unitId: ID!) { unitDashboard(unitId: $unitId) {
  counts { openRequests nextDecisionDueAt interimNoticesDue plansWithoutCoordinator measuresPastEvaluation measuresIncomplete revisionsDue consentsExpiring openComplaints }
  cases(first: ${first}) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id status person { displayName } planId requestId coordinator { displayName } openedAt nextDeadline { kind dueAt overdue } incompleteMeasures } } }
} }`;

interface DashboardResult {
  cases: number;
  load: HammerResult;
}

/**
 * Workload 7: the coordinating unit's dashboard (counts and the first page of cases) for a unit
 * with 2,000 cases, at 20 connections. Its own Samplan and database; the cases are made through
 * the API as people make them: each person asks the municipality for a plan and a coordinator,
 * and the unit grants one in four (a plan under the unit, with its deadlines).
 */
export async function runDashboard(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<void> {
  const samplan = await startSamplan(databaseUrl, { BOOTSTRAP_ADMIN_ISSUER: DEV_ISSUERS.personnel, BOOTSTRAP_ADMIN_SUBJECT: ADMIN }, 'samplan (dashboard)');
  try {
    const { unitId, coordinatorToken } = await unitWithCases(samplan, options.dashboard.cases);
    await analyzeDatabase(databaseUrl);
    const body = (first: number) => JSON.stringify({ query: dashboardQuery(first), variables: { unitId } });
    const headers = { authorization: `Bearer ${coordinatorToken}` };
    const probe = await gql<{ unitDashboard: { cases: { totalCount: number } } }>(samplan.url, coordinatorToken, dashboardQuery(20), { unitId });
    const cases = probe.unitDashboard.cases.totalCount;
    const load = await hammer('samplan dashboard', samplan, body(20), headers, options.dashboard);
    const result: DashboardResult = { cases, load };
    report.add('7. unit dashboard under load', result, [{
      cases,
      connections: options.dashboard.connections,
      'req/s': load.rps,
      'p50 ms': load.p50Ms,
      'p99 ms': load.p99Ms,
      'non-2xx': load.non2xx,
      errors: load.errors,
      'server CPU': load.cpuCores,
      'PostgreSQL CPU': load.postgresCpuCores,
    }]);
    report.target({ workload: 'dashboard', goal: `p99 < 100 ms at ${options.dashboard.connections} connections, ${cases} cases`, measured: `${load.p99Ms} ms`, met: load.p99Ms < 100 });
    // The statements a request runs are counted exactly, per page size, in test/dashboard-queries.test.ts.
  } finally {
    await samplan.stop();
  }
}

/** A coordinating unit with `count` cases, made through the API; returns the unit and a token of its lead. */
export async function unitWithCases(samplan: ServerChild, count: number): Promise<{ unitId: string; coordinatorToken: string }> {
    progress.phase(`dashboard setup: a unit with ${count} cases through GraphQL (not measured)`);
    const adminToken = await mintToken(samplan.url, ADMIN, 'personnel');
    const unit = await gql<{ createOrganization: { id: string } }>(samplan.url, adminToken, 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', {
      input: { name: 'Koordinerende enhet, bench', kind: 'COORDINATING_UNIT', municipality: MUNICIPALITY },
    });
    const unitId = unit.createOrganization.id;
    await gql(samplan.url, adminToken, 'mutation($input: AddMembershipInput!) { addMembership(input: $input) { id } }', {
      input: { organizationId: unitId, role: 'UNIT_LEAD', person: { issuer: DEV_ISSUERS.personnel, subject: COORDINATOR, displayName: 'Bench coordinator' } },
    });
    const coordinatorToken = await mintToken(samplan.url, COORDINATOR, 'personnel');
    let made = 0;
    await inParallel(Array.from({ length: count }, (_, index) => index), 8, async (index) => {
      const token = await mintToken(samplan.url, `bench-dashboard-person-${index}`);
      const submitted = await gql<{ submitRequest: { id: string } }>(samplan.url, token, 'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }', {
        input: { municipality: MUNICIPALITY, source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', title: `Plan ${index}` },
      });
      if (index % GRANT_EVERY === 0) {
        await gql(samplan.url, coordinatorToken, 'mutation($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }', {
          input: { requestId: submitted.submitRequest.id, decision: 'GRANTED' },
        });
      }
      progress.status(`${++made}/${count} cases`);
    });
    progress.done();

  return { unitId, coordinatorToken };
}

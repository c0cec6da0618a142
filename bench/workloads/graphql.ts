import autocannon from 'autocannon';
import type { BenchOptions } from '../lib/options.js';
import { startBareApollo } from '../lib/peers.js';
import { cpuMeter, postgresCpuMeter, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import type { BenchPlan } from '../lib/samplan-plans.js';
import { round } from '../lib/stats.js';

const PLAN_QUERY = 'query($id: ID!) { plan(id: $id) { sections { key content } participants { role person { displayName } } } }';

export interface HammerResult {
  server: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  cpuCores: number;
  postgresCpuCores: number;
}

/** One POST body sent over and over by `connections` connections for `seconds` (autocannon). */
export async function hammer(name: string, server: ServerChild, body: string, headers: Record<string, string>, load: { connections: number; seconds: number }): Promise<HammerResult> {
  progress.phase(`graphql: ${name}, ${load.connections} connections for ${load.seconds}s`);
  const meter = cpuMeter(server.child.pid!);
  const database = postgresCpuMeter();
  meter.start();
  database.start();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: `${server.url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      connections: load.connections,
      duration: load.seconds,
    }, (error, finished) => (error ? reject(error) : resolve(finished)));
    let responses = 0;
    instance.on('response', () => responses++);
    const ticker = setInterval(() => progress.status(`${responses} responses`), 1_000);
    instance.on('done', () => clearInterval(ticker));
  });
  const usage = meter.stop();
  const databaseUsage = database.stop();
  progress.done(`${name}: ${Math.round(result.requests.average)} req/s`);
  return {
    server: name,
    rps: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuCores: round(usage.cores, 2),
    postgresCpuCores: round(databaseUsage.cores, 2),
  };
}

/**
 * Workload 4: an authenticated plan query (sections and participants) against Samplan; in the same
 * run, the same shape from a bare Apollo Server that reads the plan by its key and commits one
 * access-log row per answer (the floor of a logged read, on `floorDatabaseUrl`), and from one that
 * answers a constant.
 */
export async function runGraphql(report: BenchReport, options: BenchOptions, samplan: ServerChild, plans: BenchPlan[], floorDatabaseUrl: string): Promise<void> {
  const plan = plans[0]!;
  const owner = plan.editors[0]!;
  const body = JSON.stringify({ query: PLAN_QUERY, variables: { id: plan.id } });
  // One request first: it must answer with data, or the figures below measure error responses.
  const probe = await fetch(`${samplan.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body });
  const probeBody = (await probe.json()) as { data?: unknown; errors?: unknown };
  if (!probeBody.data || probeBody.errors) throw new Error(`plan query failed: ${JSON.stringify(probeBody.errors)}`);
  const ours = await hammer('samplan', samplan, body, { authorization: `Bearer ${owner.token}` }, options.graphql);
  const floor = await hammerBareApollo(body, options, { databaseUrl: floorDatabaseUrl, planId: plan.id });
  const baseline = await hammerBareApollo(body, options);
  const results = [ours, floor, baseline];
  report.add('4. GraphQL plan query under load', results, results.map((result) => ({
    server: result.server,
    'req/s': result.rps,
    'p50 ms': result.p50Ms,
    'p99 ms': result.p99Ms,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'server CPU': result.cpuCores,
    'PostgreSQL CPU': result.postgresCpuCores,
  })));
  const ratio = ours.rps / baseline.rps;
  const floorRatio = floor.rps / baseline.rps;
  report.target({
    workload: 'graphql',
    goal: '≥ 0.25× the req/s of bare Apollo',
    measured: `${ratio.toFixed(2)}× (${ours.rps} vs ${baseline.rps} req/s; the logged-read floor ${floorRatio.toFixed(2)}×, ${floor.rps} req/s)`,
    met: ratio >= 0.25,
  });
  report.target({ workload: 'graphql', goal: `p99 < 50 ms at ${options.graphql.connections} connections`, measured: `${ours.p99Ms} ms (the floor ${floor.p99Ms} ms, bare Apollo ${baseline.p99Ms} ms)`, met: ours.p99Ms < 50 });
}

async function hammerBareApollo(body: string, options: BenchOptions, floor?: { databaseUrl: string; planId: string }): Promise<HammerResult> {
  const bare = await startBareApollo(floor);
  const probe = await fetch(`${bare.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const probeBody = (await probe.json()) as { data?: { plan?: unknown }; errors?: unknown };
  if (!probeBody.data?.plan || probeBody.errors) throw new Error(`${bare.name}: plan query failed: ${JSON.stringify(probeBody)}`);
  try {
    return await hammer(bare.name, bare, body, {}, options.graphql);
  } finally {
    await bare.stop();
  }
}

import autocannon from 'autocannon';
import type { BenchOptions } from '../lib/options.js';
import { ALLOCATION_PROFILE_DIR, AllocationSampler } from '../lib/allocation-profile.js';
import { analyzeDatabase } from '../lib/database.js';
import { startBareApollo } from '../lib/peers.js';
import { cpuMeter, postgresCpuMeter, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import type { BenchPlan } from '../lib/samplan-plans.js';
import { round } from '../lib/stats.js';

const PLAN_QUERY = 'query($id: ID!) { plan(id: $id) { sections { key content } participants { role person { displayName } } } }';

/**
 * The plan query taken apart (workload 4b): each shape adds one part of the request to the one
 * before it, so the server's CPU a request of each says what that part costs.
 */
const LAYERS = [
  { layer: 'the frame: HTTP, middleware, token, Apollo', query: '{ __typename }' },
  { layer: '+ the plan read with its policy facts, the check', query: 'query($id: ID!) { plan(id: $id) { id } }' },
  { layer: '+ its participants and their persons', query: 'query($id: ID!) { plan(id: $id) { id participants { role person { displayName } } } }' },
  { layer: '+ its sections and their access-log row (the plan query)', query: PLAN_QUERY },
] as const;

export interface HammerResult {
  server: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  cpuCores: number;
  /** Of `cpuCores`, the server's main thread: JavaScript runs there alone, so it bounds a Node server's throughput. */
  mainThreadCpuCores: number;
  postgresCpuCores: number;
  /** The bench process's (autocannon's) CPU over the measured window. */
  loadGeneratorCpuCores: number;
  /** KB the server allocated a request in the measured window (V8's sampling estimate), with `BENCH_ALLOC_PROF` only. */
  allocatedKbPerRequest?: number;
}

/** How a workload hammers: `warmupSeconds` of the same load first, unmeasured, then `seconds` measured. */
export interface HammerLoad {
  connections: number;
  seconds: number;
  warmupSeconds?: number;
}

/** `connections` connections sending `body` for `seconds`; `onResponse` counts answers for the progress line. */
function autocannonRun(url: string, body: string, headers: Record<string, string>, connections: number, seconds: number, onResponse?: () => void): Promise<autocannon.Result> {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      connections,
      duration: seconds,
    }, (error, finished) => (error ? reject(error) : resolve(finished)));
    if (onResponse) instance.on('response', onResponse);
  });
}

/**
 * One POST body sent over and over by `connections` connections for `seconds` (autocannon), after
 * `warmupSeconds` of the same unmeasured: a Node server answers its first few thousand requests
 * at up to twice the CPU of its steady state while V8 compiles the hot path (Samplan's plan
 * query took 10 to 15 s at 50 connections to settle), and a short window would mostly measure
 * that. Every server gets the same warm-up. The bench process's own CPU (autocannon) is measured
 * too: the load generator shares the machine's cores with the server and PostgreSQL.
 */
export async function hammer(name: string, server: ServerChild, body: string, headers: Record<string, string>, load: HammerLoad, allocations?: { sampler: AllocationSampler; profile: string }): Promise<HammerResult> {
  const url = `${server.url}/graphql`;
  if (load.warmupSeconds) {
    progress.phase(`graphql: ${name}, warming up: ${load.connections} connections for ${load.warmupSeconds}s`);
    const warm = await autocannonRun(url, body, headers, load.connections, load.warmupSeconds);
    progress.done(`${name}: warmed up (${Math.round(warm.requests.average)} req/s, not counted)`);
  }
  progress.phase(`graphql: ${name}, ${load.connections} connections for ${load.seconds}s`);
  const meter = cpuMeter(server.child.pid!);
  const database = postgresCpuMeter();
  const generatorBefore = process.cpuUsage();
  const generatorAt = performance.now();
  meter.start();
  database.start();
  let responses = 0;
  const ticker = setInterval(() => progress.status(`${responses} responses`), 1_000);
  const measured = () => autocannonRun(url, body, headers, load.connections, load.seconds, () => responses++);
  const { result, allocatedBytes } = await (allocations ? allocations.sampler.around(allocations.profile, measured) : measured().then((run) => ({ result: run, allocatedBytes: undefined }))).finally(() => clearInterval(ticker));
  const usage = meter.stop();
  const databaseUsage = database.stop();
  const generator = process.cpuUsage(generatorBefore);
  const generatorCores = (generator.user + generator.system) / 1_000 / (performance.now() - generatorAt);
  progress.done(`${name}: ${Math.round(result.requests.average)} req/s`);
  return {
    server: name,
    rps: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuCores: round(usage.cores, 2),
    mainThreadCpuCores: round(usage.mainThreadCores, 2),
    postgresCpuCores: round(databaseUsage.cores, 2),
    loadGeneratorCpuCores: round(generatorCores, 2),
    ...(allocatedBytes === undefined ? {} : { allocatedKbPerRequest: round(allocatedBytes / result.requests.total / 1024, 1) }),
  };
}

/**
 * Workload 4: an authenticated plan query (sections and participants) against Samplan; in the same
 * run, the same shape from a bare Apollo Server that reads the plan by its key and commits one
 * access-log row per answer (the floor of a logged read, on `floorDatabaseUrl`), and from one that
 * answers a constant.
 */
export async function runGraphql(report: BenchReport, options: BenchOptions, samplan: ServerChild, samplanDatabaseUrl: string, plans: BenchPlan[], floorDatabaseUrl: string, inspectPort: number | null): Promise<void> {
  const plan = plans[0]!;
  const owner = plan.editors[0]!;
  const body = JSON.stringify({ query: PLAN_QUERY, variables: { id: plan.id } });
  // The planner's statistics, as autovacuum would have them on a running system: run on its own
  // (`--only=graphql`), the workload starts seconds after its plans were made, and without them
  // PostgreSQL read all 2,000 participants for each plan read (0.9 ms against 0.15).
  await analyzeDatabase(samplanDatabaseUrl);
  await probe(samplan, owner.token, body);
  const ours = await hammer('samplan', samplan, body, { authorization: `Bearer ${owner.token}` }, options.graphql);
  const floor = await hammerBareApollo(body, options.graphql, { databaseUrl: floorDatabaseUrl, planId: plan.id });
  const baseline = await hammerBareApollo(body, options.graphql);
  const results = [ours, floor, baseline];
  report.add('4. GraphQL plan query under load', results, results.map((result) => ({
    server: result.server,
    'req/s': result.rps,
    'p50 ms': result.p50Ms,
    'p99 ms': result.p99Ms,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'server CPU': result.cpuCores,
    'of it main thread': result.mainThreadCpuCores,
    'PostgreSQL CPU': result.postgresCpuCores,
    'load generator CPU': result.loadGeneratorCpuCores,
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
  await runGraphqlLayers(report, options, samplan, plan.id, owner.token, { floor, baseline, body }, inspectPort);
}

/** One request first: it must answer with data, or the figures measure error responses (GraphQL's errors come with 200). */
async function probe(samplan: ServerChild, token: string, body: string): Promise<void> {
  const response = await fetch(`${samplan.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const answer = (await response.json()) as { data?: unknown; errors?: unknown };
  if (!answer.data || answer.errors) throw new Error(`query failed (${body}): ${JSON.stringify(answer.errors)}`);
}

/** CPU milliseconds a request: a server's (and its main thread's), PostgreSQL's for it, the load generator's; KB allocated when sampled. */
const cpuPerRequest = (result: HammerResult) => ({
  'server CPU ms / request': round((result.cpuCores / result.rps) * 1000, 3),
  'of it main thread': round((result.mainThreadCpuCores / result.rps) * 1000, 3),
  'PostgreSQL CPU ms / request': round((result.postgresCpuCores / result.rps) * 1000, 3),
  'load generator CPU ms / request': round((result.loadGeneratorCpuCores / result.rps) * 1000, 3),
  ...(result.allocatedKbPerRequest === undefined ? {} : { 'KB allocated / request': result.allocatedKbPerRequest }),
});

/**
 * Workload 4b: where a plan query's CPU goes. Samplan answers each of `LAYERS` in turn under the
 * same load, a third as long as the main run each; beside them the floor's and bare Apollo's CPU
 * a request from the main run.
 */
async function runGraphqlLayers(report: BenchReport, options: BenchOptions, samplan: ServerChild, planId: string, token: string, peers: { floor: HammerResult; baseline: HammerResult; body: string }, inspectPort: number | null): Promise<void> {
  // The server is warm from workload 4, whose query holds every shape's path: a short warm-up each,
  // for the shape's own parse and the connections.
  const load = { connections: options.graphql.connections, seconds: Math.max(2, Math.round(options.graphql.seconds / 3)), warmupSeconds: Math.min(2, options.graphql.warmupSeconds) };
  const rows: Array<Record<string, unknown>> = [];
  const results: Array<HammerResult & { layer: string }> = [];
  // BENCH_ALLOC_PROF: each shape's allocations in its measured window (bench/lib/allocation-profile.ts).
  const sampler = ALLOCATION_PROFILE_DIR && inspectPort !== null ? await AllocationSampler.connect(inspectPort, ALLOCATION_PROFILE_DIR) : null;
  try {
    for (const [index, { layer, query }] of LAYERS.entries()) {
      // Every shape gets the plan's id; the frame's query declares no variable, so graphql-js ignores it.
      const body = JSON.stringify({ query, variables: { id: planId } });
      await probe(samplan, token, body);
      const result = await hammer(`samplan: ${layer}`, samplan, body, { authorization: `Bearer ${token}` }, load, sampler ? { sampler, profile: `graphql-${index + 1}` } : undefined);
      if (result.non2xx || result.errors) throw new Error(`${layer}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      results.push({ ...result, layer });
      rows.push({ server: 'samplan', request: layer, 'req/s': result.rps, ...cpuPerRequest(result) });
    }
  } finally {
    sampler?.close();
  }
  // What Samplan's frame costs without Samplan's own middleware (token check, rate limit, request
  // scope, metrics): the constant through Express, its body parser and Samplan's request logging.
  // A fresh process: the main run's warm-up, then the layers' window.
  const framed = await hammerBareApollo(peers.body, { ...load, warmupSeconds: options.graphql.warmupSeconds }, undefined, 'express');
  if (framed.non2xx || framed.errors) throw new Error(`${framed.server}: ${framed.non2xx} non-2xx answers, ${framed.errors} errors`);
  const framedRequest = "a constant, in Express with its body parser and Samplan's request logging";
  results.push({ ...framed, layer: framedRequest });
  rows.push({ server: framed.server, request: framedRequest, 'req/s': framed.rps, ...cpuPerRequest(framed) });
  rows.push({ server: peers.floor.server, request: 'the plan read by its key, one access-log row', 'req/s': peers.floor.rps, ...cpuPerRequest(peers.floor) });
  rows.push({ server: peers.baseline.server, request: 'a constant', 'req/s': peers.baseline.rps, ...cpuPerRequest(peers.baseline) });
  report.add('4b. GraphQL plan query by layer', results, rows);
}

async function hammerBareApollo(body: string, load: HammerLoad, floor?: { databaseUrl: string; planId: string }, frame?: 'express'): Promise<HammerResult> {
  const bare = await startBareApollo(floor, frame);
  const response = await fetch(`${bare.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { data?: { plan?: unknown }; errors?: unknown };
  if (!answer.data?.plan || answer.errors) throw new Error(`${bare.name}: plan query failed: ${JSON.stringify(answer)}`);
  try {
    return await hammer(bare.name, bare, body, {}, load);
  } finally {
    await bare.stop();
  }
}

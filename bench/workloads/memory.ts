import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { findFreePort } from '../../src/db/embedded-postgres.js';
import { Inspector } from '../lib/inspector.js';
import { ROOT, rssBytes, startSamplan } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, remintTokens, type BenchPlan } from '../lib/samplan-plans.js';
import { inParallel, round, sleep } from '../lib/stats.js';

/**
 * How long a measurement waits after the last connection opened: past the time a plan keeps the
 * sync answers of the joins just made (10 s, then its sweep: src/documents/sync-answers.ts) and
 * past the time a quiet plan takes to rest (DOC_REST_AFTER_MS, 10 s, then within a second), so
 * what is measured is what plans and connections hold at rest, not a join's leftovers.
 */
const AT_REST_MS = 16_000;

/**
 * Memory once garbage is collected (through the inspector): the process's RSS (lowest of a few
 * samples) and what its JavaScript holds (V8 heap in use plus Buffers and other external memory).
 * RSS deltas are the target's measure but move in allocator-sized steps; the JS figure is exact
 * for what the code keeps, so both are reported and the target is judged on the larger.
 */
async function settled(pid: number, inspector: Inspector): Promise<{ rss: number; js: number; code: number }> {
  await sleep(AT_REST_MS);
  const usage = await inspector.settle();
  const { result } = await inspector.call<{ result: { value: number } }>('Runtime.evaluate', { expression: CODE_SPACE_USED });
  await sleep(500);
  const samples: number[] = [];
  for (let index = 0; index < 4; index += 1) {
    samples.push(rssBytes(pid));
    await sleep(250);
  }
  return { rss: Math.min(...samples), js: usage.heapUsed + usage.external, code: result.value };
}

/** V8's machine code in use: compiled once per function, whatever the number of plans, so shown beside the per-plan figure. */
const CODE_SPACE_USED = `process.getBuiltinModule('v8').getHeapSpaceStatistics().find((space) => space.space_name === 'code_space')?.space_used_size ?? 0`;

/**
 * Share of the plans that are opened, each by one connection that then leaves, before the base is
 * measured; they stay loaded in the base and the rest are measured. V8 compiles (and optimizes)
 * the join and load paths while the first few hundred plans open, once per process: with one
 * warm-up plan that was counted as the plans' own (1.4 KB of JS memory a plan against 50 warm-up
 * plans, bench/README.md).
 */
const WARM_UP_SHARE = 0.1;

/**
 * BENCH_HEAP_SNAPSHOT=<dir>: the server's heap, written there at rest before and after one plan per
 * connection is loaded (`memory-base.heapsnapshot`, `memory-plans.heapsnapshot`), to compare in
 * Chrome's DevTools or by constructor (bench/README.md).
 */
async function heapSnapshot(inspector: Inspector, name: string): Promise<void> {
  const dir = process.env['BENCH_HEAP_SNAPSHOT'];
  if (!dir) return;
  const file = path.resolve(dir, `memory-${name}.heapsnapshot`);
  await inspector.call('Runtime.evaluate', { expression: `process.getBuiltinModule('v8').writeHeapSnapshot(${JSON.stringify(file)})` });
  progress.status(`heap snapshot: ${file}`);
}

interface MemoryLevel {
  connections: number;
  rssMb: number;
  perConnectionKb: number;
  perConnectionJsKb: number;
  perPlanKb: number;
  perPlanJsKb: number;
  perPlanCodeKb: number;
}

/**
 * How the server holds its quiet plans in each pass: as it is configured by default (a plan with
 * no change for `DOC_REST_AFTER_MS` keeps its state encoded, src/documents/live-document.ts), and
 * with every plan kept as a `Y.Doc`, as a plan being edited is held. The target is judged on the
 * first; the second says what a plan costs while someone edits it.
 */
const PASSES = [
  { name: 'resting', label: 'at rest (the default)', env: {} },
  { name: 'awake', label: 'kept awake (DOC_REST_AFTER_MS=0), as while edited', env: { DOC_REST_AFTER_MS: '0' } },
] as const;

/**
 * Workload 5: a fresh Samplan process on the plans of workload 1, in each pass (`PASSES`). First
 * one idle editor per plan (each loads its plan), then more idle connections spread over the plans
 * and their editors, up to each level. Per connection = growth over the connections added since
 * the level before; per plan = growth from the first round less one connection.
 */
export async function runMemory(report: BenchReport, options: BenchOptions, databaseUrl: string, createdPlans: BenchPlan[]): Promise<void> {
  const passes: Array<{ name: string; levels: MemoryLevel[]; planBytes: number; floor: ReturnType<typeof bareDocumentFloor> }> = [];
  for (const pass of PASSES) {
    const measured = await measurePass(report, options, databaseUrl, createdPlans, pass);
    passes.push({ name: pass.name, ...measured });
  }
  const [atRest, awake] = passes;
  for (const level of atRest!.levels) {
    const worse = Math.max(level.perConnectionKb, level.perConnectionJsKb);
    report.target({ workload: 'memory', goal: `≤ 30 KB per idle connection (${level.connections})`, measured: `${worse} KB (RSS ${level.perConnectionKb}, JS ${level.perConnectionJsKb})`, met: worse <= 30 });
  }
  const worsePerPlan = (levels: MemoryLevel[]) => {
    const last = levels[levels.length - 1]!;
    return { kb: Math.max(last.perPlanKb, last.perPlanJsKb), last };
  };
  const { kb: perPlan, last } = worsePerPlan(atRest!.levels);
  const { kb: awakePerPlan, last: awakeLast } = worsePerPlan(awake!.levels);
  const { planBytes, floor } = atRest!;
  const ratio = (kb: number) => round((kb * 1024) / planBytes);
  report.target({
    workload: 'memory',
    goal: '≤ 10× encoded size per loaded plan',
    measured: `${perPlan} KB at rest (RSS ${last.perPlanKb}, JS ${last.perPlanJsKb}) for ${Math.round(planBytes)} bytes encoded (${ratio(perPlan)}×); kept awake ${awakePerPlan} KB (RSS ${awakeLast.perPlanKb}, JS ${awakeLast.perPlanJsKb}, ${ratio(awakePerPlan)}×); a bare Y.Doc of it ${round(floor.jsBytesPerDocument / planBytes)}× of JS memory`,
    met: perPlan * 1024 <= 10 * planBytes,
  });
}

async function measurePass(
  report: BenchReport,
  options: BenchOptions,
  databaseUrl: string,
  createdPlans: BenchPlan[],
  pass: (typeof PASSES)[number],
): Promise<{ levels: MemoryLevel[]; planBytes: number; floor: ReturnType<typeof bareDocumentFloor> }> {
  const inspectPort = await findFreePort();
  const samplan = await startSamplan(databaseUrl, { DOC_IDLE_UNLOAD_MS: '3600000', ...pass.env }, `samplan (memory, ${pass.name})`, [`--inspect=127.0.0.1:${inspectPort}`]);
  const inspector = await Inspector.connect(inspectPort);
  const clients: LeanClient[] = [];
  try {
    progress.phase(`memory, plans ${pass.label}: idle connections at ${options.memory.levels.join(', ')}`);
    const allPlans = await remintTokens(samplan.url, createdPlans);
    const warmUpPlans = allPlans.slice(0, Math.max(1, Math.round(allPlans.length * WARM_UP_SHARE)));
    const plans = allPlans.slice(warmUpPlans.length);
    const pid = samplan.child.pid!;
    let slot = 0;
    /** `count` more connections, spread over `among` and then over their editors. */
    const connect = async (count: number, among: readonly BenchPlan[]) => {
      await inParallel(Array.from({ length: count }, () => slot++), 100, async (index) => {
        const plan = among[index % among.length]!;
        const editor = plan.editors[Math.floor(index / among.length) % plan.editors.length]!;
        const client = new LeanClient({ url: collabUrl(samplan.url, plan.id, editor.token), dialect: 'y-websocket', documentName: plan.id, senderId: index });
        await client.whenSynced(60_000);
        progress.status(`${clients.length + 1} connections`);
        clients.push(client);
      });
    };
    // Warm-up: one connection to each warm-up plan, gone again, so first-use costs (compiled code, pools, caches) are in the base.
    await connect(warmUpPlans.length, warmUpPlans);
    for (const client of clients.splice(0)) client.destroy();
    slot = 0;
    const base = await settled(pid, inspector);
    await heapSnapshot(inspector, `${pass.name}-base`);
    await connect(plans.length, plans);
    const planBytes = clients.reduce((sum, client) => sum + Y.encodeStateAsUpdate(client.doc).byteLength, 0) / clients.length; // exactly the synced state
    const withPlans = await settled(pid, inspector);
    await heapSnapshot(inspector, `${pass.name}-plans`);
    const floor = bareDocumentFloor(clients.map((client) => Y.encodeStateAsUpdate(client.doc)));
    const rows: Array<Record<string, unknown>> = [];
    const levels: MemoryLevel[] = [];
    // Each level's growth over the level before (the first over one connection per plan).
    let previous = { ...withPlans, connections: plans.length };
    for (const level of options.memory.levels) {
      await connect(level - clients.length, plans);
      const now = await settled(pid, inspector);
      const added = level - previous.connections;
      const perConnection = { rss: (now.rss - previous.rss) / added, js: (now.js - previous.js) / added };
      previous = { ...now, connections: level };
      const perPlan = { rss: (withPlans.rss - base.rss) / plans.length - perConnection.rss, js: (withPlans.js - base.js) / plans.length - perConnection.js };
      const kb = (bytes: number) => round(bytes / 1024);
      levels.push({ connections: level, rssMb: round(now.rss / 2 ** 20), perConnectionKb: kb(perConnection.rss), perConnectionJsKb: kb(perConnection.js), perPlanKb: kb(perPlan.rss), perPlanJsKb: kb(perPlan.js), perPlanCodeKb: kb((withPlans.code - base.code) / plans.length) });
      rows.push({
        plans: pass.label,
        connections: level,
        'loaded plans': plans.length,
        'RSS MB': round(now.rss / 2 ** 20),
        'per idle connection KB (RSS)': kb(perConnection.rss),
        'per idle connection KB (JS)': kb(perConnection.js),
        'per loaded plan KB (RSS)': kb(perPlan.rss),
        'per loaded plan KB (JS)': kb(perPlan.js),
        'of it machine code KB': kb((withPlans.code - base.code) / plans.length),
        'plan encoded bytes': Math.round(planBytes),
      });
    }
    const closedEarly = clients.filter((client) => client.closed).length;
    progress.done(`${clients.length} connections${closedEarly ? `, ${closedEarly} closed early` : ''}`);
    const floorKb = { js: round(floor.jsBytesPerDocument / 1024), rss: round(floor.rssBytesPerDocument / 1024) };
    for (const row of rows) Object.assign(row, { 'floor: bare Y.Doc KB (JS)': floorKb.js, 'floor: bare Y.Doc KB (RSS)': floorKb.rss });
    report.add(`5. memory (Samplan, idle editors; plans ${pass.label})`, { plans: pass.name, baseRssMb: round(base.rss / 2 ** 20), baseJsMb: round(base.js / 2 ** 20), plansLoaded: plans.length, warmUpPlans: warmUpPlans.length, planEncodedBytes: Math.round(planBytes), levels, closedEarly, floor }, rows);
    return { levels, planBytes, floor };
  } finally {
    inspector.close();
    for (const client of clients) client.destroy();
    await samplan.stop();
  }
}

/**
 * The floor of a loaded plan: the same states, each in a bare `Y.Doc` in a process of its own
 * (bench/lib/ydoc-memory.ts), so nothing of Samplan's is counted. Its JS figure is the one to read:
 * the RSS of a process this small grows in the steps V8 reserves its heap in.
 */
function bareDocumentFloor(states: readonly Uint8Array[]): { documents: number; encodedBytes: number; jsBytesPerDocument: number; rssBytesPerDocument: number } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'samplan-ydoc-'));
  try {
    const file = path.join(directory, 'states.bin');
    writeFileSync(file, Buffer.concat(states.flatMap((state) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(state.byteLength);
      return [length, Buffer.from(state)];
    })));
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/lib/ydoc-memory.ts', file], { cwd: ROOT, encoding: 'utf8' });
    return JSON.parse(output) as ReturnType<typeof bareDocumentFloor>;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

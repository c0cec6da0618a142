/**
 * `npm run bench` (`-- --quick` for a short run, `-- --only=live,graphql` for some workloads: floor, live,
 * graphql, memory, section-check, update-inspection, cold-load, cross-server, dashboard, join-storm):
 * Samplan measured side by side with the systems people would pick instead, in one invocation on
 * one machine. See bench/README.md.
 */
import { findFreePort } from '../src/db/embedded-postgres.js';
import { ALLOCATION_PROFILE_DIR } from './lib/allocation-profile.js';
import { openBenchDatabase } from './lib/database.js';
import { parseOptions } from './lib/options.js';
import { startSamplan } from './lib/processes.js';
import * as progress from './lib/progress.js';
import { BenchReport } from './lib/results.js';
import { createPlans } from './lib/samplan-plans.js';
import { runAppendCost } from './workloads/append-cost.js';
import { runColdLoad } from './workloads/cold-load.js';
import { runCommitFloor, type CommitFloor } from './workloads/commit-floor.js';
import { runDashboard } from './workloads/dashboard.js';
import { runJoinStorm } from './workloads/join-storm.js';
import { runCrossServer } from './workloads/cross-server.js';
import { runGraphql } from './workloads/graphql.js';
import { compareLiveEditing } from './workloads/live-comparison.js';
import { runMemory } from './workloads/memory.js';
import { runSectionCheck } from './workloads/section-check.js';
import { runUpdateInspection } from './workloads/update-inspection.js';

const options = parseOptions(process.argv.slice(2), process.env);
const wanted = (name: string) => options.only.length === 0 || options.only.includes(name);
const report = new BenchReport(options.quick, options.only.length > 0);
const database = await openBenchDatabase();
const failed: string[] = [];
/** Runs one workload; a failure is reported and the others still run, so one broken workload does not cost the run. */
async function attempt<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    failed.push(name);
    progress.done(`${name} failed`);
    report.note(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
try {
  // First: the live targets are stated in commits of this machine's PostgreSQL.
  const floor: CommitFloor | null = wanted('floor') || wanted('live') ? await attempt('floor', () => runCommitFloor(report, options, database.url)) : null;
  // Beside it: what one live edit's own statement costs PostgreSQL, and which of its parts.
  if (wanted('floor') || wanted('live')) await attempt('append-cost', async () => runAppendCost(report, options, await database.create('append')));
  if (wanted('live') || wanted('graphql') || wanted('memory')) {
    // BENCH_ALLOC_PROF: workload 4b samples this server's allocations through its inspector (bench/lib/allocation-profile.ts).
    const inspectPort = ALLOCATION_PROFILE_DIR && wanted('graphql') ? await findFreePort() : null;
    const samplan = await startSamplan(database.url, {}, 'samplan', inspectPort === null ? [] : [`--inspect=127.0.0.1:${inspectPort}`]);
    try {
      progress.phase(`setup: ${options.live.plans} Samplan plans × ${options.live.editorsPerPlan} participants through GraphQL (not measured)`);
      const plans = await createPlans(samplan.url, 'live', options.live.plans, options.live.editorsPerPlan, (done) => progress.status(`${done}/${options.live.plans} plans`));
      progress.done();
      if (wanted('live')) await attempt('live', async () => compareLiveEditing(report, options, samplan, plans, await database.create('hocuspocus'), floor));
      if (wanted('graphql')) await attempt('graphql', async () => runGraphql(report, options, samplan, database.url, plans, await database.create('graphql_floor'), inspectPort));
      await samplan.stop();
      if (wanted('memory')) await attempt('memory', () => runMemory(report, options, database.url, plans));
    } finally {
      await samplan.stop();
    }
  }
  if (wanted('section-check')) await attempt('section-check', () => runSectionCheck(report, options));
  if (wanted('update-inspection')) await attempt('update-inspection', () => runUpdateInspection(report));
  if (wanted('cold-load')) await attempt('cold-load', async () => runColdLoad(report, options, await database.create('cold')));
  if (wanted('cross-server')) await attempt('cross-server', async () => runCrossServer(report, options, await database.create('cluster')));
  if (wanted('dashboard')) await attempt('dashboard', async () => runDashboard(report, options, await database.create('dashboard')));
  if (wanted('join-storm')) await attempt('join-storm', async () => runJoinStorm(report, options, await database.create('storm')));
  report.printTargets();
  const file = await report.write();
  process.stdout.write(`\nResults written to ${file}\n`);
  if (failed.length) {
    process.stderr.write(`\nWorkloads that failed: ${failed.join(', ')} (see the notes)\n`);
    process.exitCode = 1;
  }
} finally {
  await database.dispose();
}

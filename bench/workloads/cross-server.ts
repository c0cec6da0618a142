import { startRedisProcess, type RedisProcess } from '../../test/helpers/redis-process.js';
import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { startSamplan, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, createPlans, remintTokens, type BenchPlan } from '../lib/samplan-plans.js';
import { sleep, summarize } from '../lib/stats.js';
import { runLiveEditing } from './live-editing.js';

const EDITORS = 4;

/** Does an edit made on one server reach an editor of the same plan on the other? */
async function propagates(plan: { a: BenchPlan; b: BenchPlan }, a: ServerChild, b: ServerChild): Promise<boolean> {
  let received = false;
  const sender = new LeanClient({ url: collabUrl(a.url, plan.a.id, plan.a.editors[0]!.token), dialect: 'y-websocket', documentName: plan.a.id, senderId: 1 });
  const receiver = new LeanClient({ url: collabUrl(b.url, plan.b.id, plan.b.editors[1]!.token), dialect: 'y-websocket', documentName: plan.b.id, senderId: 2, onEdit: () => (received = true) });
  try {
    await Promise.all([sender.whenSynced(), receiver.whenSynced()]);
    sender.createEntry('contributions', plan.a.editors[0]!.personId);
    sender.edit();
    for (let waited = 0; waited < 3_000 && !received; waited += 50) await sleep(50);
    return received;
  } finally {
    sender.destroy();
    receiver.destroy();
  }
}

/**
 * Workload 6: two Samplan servers sharing PostgreSQL and Redis, half of each plan's editors on
 * each; cross-server propagation p99 against the same load on one server. Reports "not available"
 * only when this machine has no redis-server to start.
 */
export async function runCrossServer(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<void> {
  progress.phase('cross-server: two Samplan processes with Redis');
  const unavailable = (reason: string) => {
    progress.done(`not available: ${reason}`);
    report.add('6. two servers with Redis', { available: false, reason }, [{ available: 'no', reason }]);
    report.target({ workload: 'cross-server', goal: 'cross-server p99 ≤ 2× single-server p99', measured: `not available: ${reason}`, met: null });
  };
  let redis: RedisProcess;
  try {
    redis = await startRedisProcess();
  } catch (error) {
    return unavailable(`redis-server did not start (${(error as Error).message})`);
  }
  const servers: ServerChild[] = [];
  try {
    servers.push(await startSamplan(databaseUrl, { REDIS_URL: redis.url, SERVER_ID: 'bench-a' }, 'samplan A'));
    servers.push(await startSamplan(databaseUrl, { REDIS_URL: redis.url, SERVER_ID: 'bench-b' }, 'samplan B'));
    const [a, b] = servers as [ServerChild, ServerChild];
    const onA = await createPlans(a.url, 'cluster', options.crossServer.plans, EDITORS, (done) => progress.status(`${done}/${options.crossServer.plans} plans`));
    const onB = await remintTokens(b.url, onA);
    if (!(await propagates({ a: onA[0]!, b: onB[0]! }, a, b))) throw new Error('an edit on server A did not reach an editor on server B within 3 s');
    const live = { warmupSeconds: 2, seconds: options.crossServer.seconds };
    const single = await runLiveEditing({
      name: 'one server',
      server: a,
      plans: onA.length,
      editorsPerPlan: EDITORS,
      connect: (plan, editor, senderId, onEdit) => new LeanClient({ url: collabUrl(a.url, onA[plan]!.id, onA[plan]!.editors[editor]!.token), dialect: 'y-websocket', documentName: onA[plan]!.id, senderId, onEdit }),
      entryFor: (plan, editor) => ({ section: 'contributions', personId: onA[plan]!.editors[editor]!.personId }),
    }, live);
    // Editors 0 and 1 of each plan on A, 2 and 3 on B; a sender's server follows from its slot.
    const onServerB = (slot: number) => slot % EDITORS >= EDITORS / 2;
    const split = await runLiveEditing({
      name: 'two servers',
      server: a,
      plans: onA.length,
      editorsPerPlan: EDITORS,
      connect: (plan, editor, senderId, onEdit) => {
        const [plans, server] = onServerB(senderId) ? [onB, b] : [onA, a];
        return new LeanClient({ url: collabUrl(server.url, plans[plan]!.id, plans[plan]!.editors[editor]!.token), dialect: 'y-websocket', documentName: plans[plan]!.id, senderId, onEdit });
      },
      entryFor: (plan, editor) => ({ section: 'contributions', personId: onA[plan]!.editors[editor]!.personId }),
      group: (sender, receiver) => (onServerB(sender) === onServerB(receiver) ? 'same server' : 'cross server'),
    }, live);
    const cross = split.byGroup['cross server'] ?? summarize([]);
    report.add('6. two servers with Redis', { single, split, cross }, [
      { case: 'one server', connections: single.connections, 'p50 ms': single.latencyMs.p50.toFixed(1), 'p99 ms': single.latencyMs.p99.toFixed(1) },
      { case: 'two servers, cross-server deliveries', connections: split.connections, 'p50 ms': cross.p50.toFixed(1), 'p99 ms': cross.p99.toFixed(1) },
      { case: 'two servers, same-server deliveries', connections: split.connections, 'p50 ms': split.byGroup['same server']?.p50.toFixed(1), 'p99 ms': split.byGroup['same server']?.p99.toFixed(1) },
    ]);
    report.target({ workload: 'cross-server', goal: 'cross-server p99 ≤ 2× single-server p99', measured: `${cross.p99.toFixed(1)} vs ${single.latencyMs.p99.toFixed(1)} ms`, met: cross.p99 <= 2 * single.latencyMs.p99 });
  } finally {
    for (const server of servers) await server.stop();
    await redis.stop();
  }
}

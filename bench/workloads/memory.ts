import * as Y from 'yjs';
import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { rssBytes, startSamplan } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, remintTokens, type BenchPlan } from '../lib/samplan-plans.js';
import { inParallel, round, sleep } from '../lib/stats.js';

/** RSS once it has settled: the lowest of a few samples a little apart (GC runs between them). */
async function settledRss(pid: number): Promise<number> {
  await sleep(2_000);
  const samples: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    samples.push(rssBytes(pid));
    await sleep(400);
  }
  return Math.min(...samples);
}

/**
 * Workload 5: a fresh Samplan process on the plans of workload 1. First one idle editor per plan
 * (each loads its plan), then more idle connections spread over the plans and their editors, up
 * to each level. Per connection = growth over the added connections; per plan = growth from the
 * first round less one connection.
 */
export async function runMemory(report: BenchReport, options: BenchOptions, databaseUrl: string, createdPlans: BenchPlan[]): Promise<void> {
  const samplan = await startSamplan(databaseUrl, { DOC_IDLE_UNLOAD_MS: '3600000' }, 'samplan (memory)');
  const clients: LeanClient[] = [];
  try {
    progress.phase(`memory: idle connections at ${options.memory.levels.join(', ')}`);
    const plans = await remintTokens(samplan.url, createdPlans);
    const pid = samplan.child.pid!;
    const base = await settledRss(pid);
    let slot = 0;
    const connect = async (count: number) => {
      const added = await inParallel(Array.from({ length: count }, () => slot++), 100, async (index) => {
        const plan = plans[index % plans.length]!;
        const editor = plan.editors[Math.floor(index / plans.length) % plan.editors.length]!;
        const client = new LeanClient({ url: collabUrl(samplan.url, plan.id, editor.token), dialect: 'y-websocket', documentName: plan.id, senderId: index });
        await client.whenSynced(60_000);
        progress.status(`${clients.length + 1} connections`);
        clients.push(client);
        return client;
      });
      return added.length;
    };
    await connect(plans.length);
    const planBytes = clients.reduce((sum, client) => sum + Y.encodeStateAsUpdate(client.doc).byteLength, 0) / clients.length; // exactly the synced state
    const withPlans = await settledRss(pid);
    const rows: Array<Record<string, unknown>> = [];
    const levels: Array<{ connections: number; rssMb: number; perConnectionKb: number; perPlanKb: number }> = [];
    for (const level of options.memory.levels) {
      await connect(level - clients.length);
      const rss = await settledRss(pid);
      const perConnection = (rss - withPlans) / (level - plans.length);
      const perPlan = (withPlans - base) / plans.length - perConnection;
      levels.push({ connections: level, rssMb: round(rss / 2 ** 20), perConnectionKb: round(perConnection / 1024), perPlanKb: round(perPlan / 1024) });
      rows.push({ connections: level, 'loaded plans': plans.length, 'RSS MB': round(rss / 2 ** 20), 'per idle connection KB': round(perConnection / 1024), 'per loaded plan KB': round(perPlan / 1024), 'plan encoded bytes': Math.round(planBytes) });
    }
    const closedEarly = clients.filter((client) => client.closed).length;
    progress.done(`${clients.length} connections${closedEarly ? `, ${closedEarly} closed early` : ''}`);
    report.add('5. memory (Samplan, idle editors)', { baseRssMb: round(base / 2 ** 20), plansLoaded: plans.length, planEncodedBytes: Math.round(planBytes), levels, closedEarly }, rows);
    for (const level of levels) {
      report.target({ workload: 'memory', goal: `≤ 30 KB RSS per idle connection (${level.connections})`, measured: `${level.perConnectionKb} KB`, met: level.perConnectionKb <= 30 });
    }
    const last = levels[levels.length - 1]!;
    report.target({ workload: 'memory', goal: '≤ 10× encoded size per loaded plan', measured: `${last.perPlanKb} KB for ${Math.round(planBytes)} bytes encoded (${round((last.perPlanKb * 1024) / planBytes)}×)`, met: last.perPlanKb * 1024 <= 10 * planBytes });
  } finally {
    for (const client of clients) client.destroy();
    await samplan.stop();
  }
}

import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { startHocuspocus, startYWebsocketReference } from '../lib/peers.js';
import type { ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, type BenchPlan } from '../lib/samplan-plans.js';
import { runLiveEditing, type LeanClientEdit, type LiveResult, type LiveTarget } from './live-editing.js';

/**
 * Workload 1: the same live-editing load on Samplan (checks and durable log on, real participants
 * of real plans), the reference y-websocket server and Hocuspocus, one after the other.
 */
export async function compareLiveEditing(report: BenchReport, options: BenchOptions, samplan: ServerChild, plans: BenchPlan[], peerDatabaseUrl: string): Promise<void> {
  const { plans: planCount, editorsPerPlan } = options.live;
  const samplanTarget: LiveTarget = {
    name: 'samplan',
    server: samplan,
    plans: planCount,
    editorsPerPlan,
    connect: (plan, editor, senderId, onEdit) =>
      new LeanClient({ url: collabUrl(samplan.url, plans[plan]!.id, plans[plan]!.editors[editor]!.token), dialect: 'y-websocket', documentName: plans[plan]!.id, senderId, onEdit }),
    entryFor: (plan, editor) => ({ section: 'contributions', personId: plans[plan]!.editors[editor]!.personId }),
  };
  const results: LiveResult[] = [await runLiveEditing(samplanTarget, options.live)];

  /** A peer gets the same load; its editors need no participants, and its documents are named per plan. */
  const runPeer = async (server: ServerChild, client: (plan: number, senderId: number, onEdit: LeanClientEdit) => LeanClient) => {
    try {
      results.push(await runLiveEditing({
        name: server.name,
        server,
        plans: planCount,
        editorsPerPlan,
        connect: (plan, _editor, senderId, onEdit) => client(plan, senderId, onEdit),
        entryFor: () => ({ section: 'contributions', personId: null }),
      }, options.live));
    } finally {
      await server.stop();
    }
  };
  const reference = await startYWebsocketReference();
  await runPeer(reference, (plan, senderId, onEdit) =>
    new LeanClient({ url: `ws://127.0.0.1:${reference.port}/plan-${plan}`, dialect: 'y-websocket', documentName: `plan-${plan}`, senderId, onEdit }));
  const hocuspocus = await startHocuspocus(peerDatabaseUrl);
  await runPeer(hocuspocus, (plan, senderId, onEdit) =>
    new LeanClient({ url: `ws://127.0.0.1:${hocuspocus.port}`, dialect: 'hocuspocus', documentName: `plan-${plan}`, token: 'bench', senderId, onEdit }));

  report.add('1. live editing', results, results.map((result) => ({
    server: result.server,
    connections: result.connections,
    'edits/s': result.editsPerSecond,
    'deliveries/s': result.deliveriesPerSecond,
    delivered: `${(result.delivered * 100).toFixed(2)}%`,
    'p50 ms': result.latencyMs.p50.toFixed(1),
    'p95 ms': result.latencyMs.p95.toFixed(1),
    'p99 ms': result.latencyMs.p99.toFixed(1),
    'CPU cores': result.cpuCores,
    'generator CPU': result.generatorCpuCores,
    'peak RSS MB': result.peakRssMb,
    'closed early': result.closedEarly,
  })));

  const [ours, ...peers] = results;
  const fasterPeer = peers.reduce((best, peer) => (peer.deliveriesPerSecond > best.deliveriesPerSecond ? peer : best));
  report.target({ workload: 'live editing', goal: `p99 < 25 ms at ${ours!.connections} connections`, measured: `${ours!.latencyMs.p99.toFixed(1)} ms`, met: ours!.latencyMs.p99 < 25 });
  report.target({
    workload: 'live editing',
    goal: `throughput ≥ faster peer (${fasterPeer.server}) at no worse p99`,
    measured: `${ours!.deliveriesPerSecond} vs ${fasterPeer.deliveriesPerSecond} deliveries/s, p99 ${ours!.latencyMs.p99.toFixed(1)} vs ${fasterPeer.latencyMs.p99.toFixed(1)} ms`,
    met: ours!.deliveriesPerSecond >= fasterPeer.deliveriesPerSecond * 0.99 && ours!.latencyMs.p99 <= fasterPeer.latencyMs.p99,
  });
  if (options.live.plans * options.live.editorsPerPlan < 2_000) report.note('quick mode: live editing ran below the 2,000 connections its targets are set for');
  progress.done('live editing compared');
}

import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { installedVersion, startHocuspocus, startYWebsocketReference } from '../lib/peers.js';
import { postgresScopeOf, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, type BenchPlan } from '../lib/samplan-plans.js';
import type { CommitFloor } from './commit-floor.js';
import { runLiveEditing, type LeanClientEdit, type LiveResult, type LiveTarget } from './live-editing.js';

/** One server's results at every load step, in the order of `options.live.steps`. */
interface LiveSeries {
  server: string;
  /** Peers the targets compare with (the durable Hocuspocus variant is shown, not compared). */
  comparedWith: boolean;
  steps: LiveResult[];
  /** Hocuspocus only: stores its database extension made over all steps (warm-ups included), printed by the server as it stops. */
  stores?: number;
}

/** Steps up to this many connections hold Samplan to the median and tail bounds; above, to the tail alone. */
const FULL_TARGETS_UP_TO = 1_000;

/**
 * Workload 1: the same live-editing load at each step (250, 500, 1,000, 2,000 connections) on
 * Samplan (checks and durable log on, real participants of real plans), the reference y-websocket
 * server, Hocuspocus as shipped and Hocuspocus storing every change: every step of one server,
 * then the next server. Each server is started once and keeps its documents between steps.
 */
export async function compareLiveEditing(report: BenchReport, options: BenchOptions, samplan: ServerChild, plans: BenchPlan[], peerDatabaseUrl: string, floor: CommitFloor | null): Promise<void> {
  const { editorsPerPlan, steps } = options.live;
  const plansAt = (connections: number) => Math.min(plans.length, Math.ceil(connections / editorsPerPlan));
  const series: LiveSeries[] = [];
  // Every server here uses the one PostgreSQL (Samplan its database, Hocuspocus another on the same server).
  const postgres = await postgresScopeOf(peerDatabaseUrl);

  const samplanSteps: LiveResult[] = [];
  for (const connections of steps) {
    samplanSteps.push(await runLiveEditing({
      name: samplan.name,
      server: samplan,
      postgres,
      plans: plansAt(connections),
      editorsPerPlan,
      connect: (plan, editor, senderId, onEdit) =>
        new LeanClient({ url: collabUrl(samplan.url, plans[plan]!.id, plans[plan]!.editors[editor]!.token), dialect: 'y-websocket', documentName: plans[plan]!.id, senderId, onEdit }),
      entryFor: (plan, editor) => ({ section: 'contributions', personId: plans[plan]!.editors[editor]!.personId }),
    } satisfies LiveTarget, options.live));
  }
  series.push({ server: samplan.name, comparedWith: false, steps: samplanSteps });

  /** A peer gets the same loads; its editors need no participants, and its documents are named per plan. */
  const runPeer = async (server: ServerChild, comparedWith: boolean, client: (plan: number, senderId: number, onEdit: LeanClientEdit) => LeanClient) => {
    const results: LiveResult[] = [];
    let stores: number | undefined;
    const stopListening = server.onOutput((chunk) => {
      const match = /hocuspocus stores: (\d+)/.exec(chunk);
      if (match) stores = Number(match[1]);
    });
    try {
      for (const connections of steps) {
        results.push(await runLiveEditing({
          name: server.name,
          server,
          postgres,
          plans: plansAt(connections),
          editorsPerPlan,
          connect: (plan, _editor, senderId, onEdit) => client(plan, senderId, onEdit),
          entryFor: () => ({ section: 'contributions', personId: null }),
        }, options.live));
      }
    } finally {
      await server.stop();
      stopListening();
    }
    series.push({ server: server.name, comparedWith, steps: results, ...(stores === undefined ? {} : { stores }) });
    if (stores !== undefined) {
      // Edits sent over every step's measured window; warm-ups and entry creation add more, so every-change storing shows stores ≥ this.
      const measuredEdits = results.reduce((sum, result) => sum + result.editsPerSecond * result.seconds, 0);
      report.note(`${server.name}: ${stores} stores for ${Math.round(measuredEdits)} edits sent in the measured windows (${(stores / measuredEdits).toFixed(2)} per edit)`);
    }
  };
  const reference = await startYWebsocketReference(installedVersion('y-websocket-server'));
  await runPeer(reference, true, (plan, senderId, onEdit) =>
    new LeanClient({ url: `ws://127.0.0.1:${reference.port}/plan-${plan}`, dialect: 'y-websocket', documentName: `plan-${plan}`, senderId, onEdit }));
  for (const mode of ['as shipped', 'store every change'] as const) {
    const hocuspocus = await startHocuspocus(peerDatabaseUrl, mode);
    await runPeer(hocuspocus, mode === 'as shipped', (plan, senderId, onEdit) =>
      new LeanClient({ url: `ws://127.0.0.1:${hocuspocus.port}`, dialect: 'hocuspocus', documentName: `${mode === 'as shipped' ? 'plan' : 'durable-plan'}-${plan}`, token: 'bench', senderId, onEdit }));
  }

  report.add('1. live editing against load', series, series.flatMap((one) => one.steps.map((result) => ({
    server: result.server,
    connections: result.connections,
    'deliveries/s': result.deliveriesPerSecond,
    delivered: `${(result.delivered * 100).toFixed(2)}%`,
    'p50 ms': result.latencyMs.p50.toFixed(1),
    'p95 ms': result.latencyMs.p95.toFixed(1),
    'p99 ms': result.latencyMs.p99.toFixed(1),
    'server CPU': result.cpuCores,
    'PostgreSQL CPU': result.postgresCpuCores,
    'CPU µs / delivery': result.cpuPerDeliveryUs,
    'generator CPU': result.generatorCpuCores,
    'peak RSS MB': result.peakRssMb,
    'closed early': result.closedEarly,
  }))));
  targetsPerStep(report, series, floor);
  if (Math.max(...steps) < 2_000) report.note('quick mode: live editing ran below the 1,000 and 2,000 connections its targets are set for');
  progress.done('live editing compared');
}

/**
 * The goals at each step, against the better peer for each figure (y-websocket or
 * Hocuspocus as shipped): up to 1,000 connections p50 ≤ peer p50 + 2 commits (the floor's p50) and
 * p99 ≤ 1.5 × peer p99 + 3 commits (the floor's p99); at 2,000, p99 ≤ peer p99; at every step,
 * CPU per delivered update (server + PostgreSQL) ≤ 3 × the peer's.
 */
function targetsPerStep(report: BenchReport, series: LiveSeries[], floor: CommitFloor | null): void {
  const [ours, ...rest] = series;
  const peers = rest.filter((one) => one.comparedWith);
  if (!ours || peers.length === 0) return;
  ours.steps.forEach((result, index) => {
    const atStep = peers.map((peer) => peer.steps[index]).filter((peer): peer is LiveResult => peer !== undefined);
    const best = (figure: (peer: LiveResult) => number) => atStep.reduce((winner, peer) => (figure(peer) < figure(winner) ? peer : winner));
    const p50Peer = best((peer) => peer.latencyMs.p50);
    const p99Peer = best((peer) => peer.latencyMs.p99);
    const cpuPeer = best((peer) => peer.cpuPerDeliveryUs);
    const at = `${result.connections} connections`;
    if (result.connections <= FULL_TARGETS_UP_TO) {
      const p50Bound = floor ? p50Peer.latencyMs.p50 + 2 * floor.latencyMs.p50 : Number.NaN;
      const p99Bound = floor ? 1.5 * p99Peer.latencyMs.p99 + 3 * floor.latencyMs.p99 : Number.NaN;
      report.target({
        workload: `live, ${at}`,
        goal: `p50 ≤ ${p50Peer.server} p50 + 2 commits`,
        measured: `${result.latencyMs.p50.toFixed(1)} ms vs bound ${p50Bound.toFixed(1)} ms`,
        met: floor ? result.latencyMs.p50 <= p50Bound : null,
      });
      report.target({
        workload: `live, ${at}`,
        goal: `p99 ≤ 1.5 × ${p99Peer.server} p99 + 3 commits`,
        measured: `${result.latencyMs.p99.toFixed(1)} ms vs bound ${p99Bound.toFixed(1)} ms`,
        met: floor ? result.latencyMs.p99 <= p99Bound : null,
      });
    } else {
      report.target({
        workload: `live, ${at}`,
        goal: `p99 ≤ ${p99Peer.server} p99`,
        measured: `${result.latencyMs.p99.toFixed(1)} vs ${p99Peer.latencyMs.p99.toFixed(1)} ms`,
        met: result.latencyMs.p99 <= p99Peer.latencyMs.p99,
      });
    }
    report.target({
      workload: `live, ${at}`,
      goal: `CPU per delivery (server + PostgreSQL) ≤ 3 × ${cpuPeer.server}`,
      measured: `${result.cpuPerDeliveryUs} vs ${cpuPeer.cpuPerDeliveryUs} µs (${(result.cpuPerDeliveryUs / cpuPeer.cpuPerDeliveryUs).toFixed(1)}×)`,
      met: result.cpuPerDeliveryUs <= 3 * cpuPeer.cpuPerDeliveryUs,
    });
    if (result.delivered < 0.999) report.note(`live, ${at}: Samplan delivered ${(result.delivered * 100).toFixed(2)}% of the expected updates`);
  });
}

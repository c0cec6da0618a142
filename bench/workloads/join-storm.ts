import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { LeanClient } from '../lib/lean-client.js';
import { startBareSync } from '../lib/peers.js';
import type { BenchOptions } from '../lib/options.js';
import { rssBytes, startSamplan, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, createPlans, remintTokens, type BenchPlan } from '../lib/samplan-plans.js';
import { round, sleep, summarize, type LatencySummary } from '../lib/stats.js';

/** Under DOC_MAX_UPDATE_BYTES (1 MiB by default) with room for the update's framing. */
const CHUNK_CHARS = 800_000;

interface JoinStormResult {
  clients: number;
  /** The plan's encoded state as a joining client receives it. */
  stateBytes: number;
  /** From the moment every client was started to each one's sync answer. */
  syncedMs: LatencySummary;
  allSyncedMs: number;
  failed: number;
  serverPeakRssMb: number;
  serverRssBeforeMb: number;
  /** The same storm against a server that only sends the same state, framed once (bench/servers/bare-sync.ts). */
  floor: { syncedMs: LatencySummary; allSyncedMs: number; failed: number };
}

/** Opens `clients` lean clients at once on `urlOf(index)`; each one's time to its sync answer, and the time until all had it. */
async function storm(clients: number, urlOf: (index: number) => string, documentName: string) {
  const started = performance.now();
  const opened = Array.from({ length: clients }, (_, index) =>
    new LeanClient({ url: urlOf(index), dialect: 'y-websocket', documentName, senderId: 10 + index, applySync: false }));
  const outcomes = await Promise.allSettled(opened.map(async (client) => {
    await client.whenSynced(120_000);
    return performance.now() - started;
  }));
  const allSyncedMs = performance.now() - started;
  for (const client of opened) client.destroy();
  const times = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const firstFailure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  return { times, allSyncedMs, failed: outcomes.length - times.length, firstFailure: firstFailure ? String(firstFailure.reason) : null };
}

/**
 * Workload 8: the join storm. One plan of 5 MB encoded with 200 participants, written through the
 * live door by its owner; the server restarted so nothing is in memory; then every participant
 * opens it at once. Measured: time until
 * each has its sync answer, and the server's peak RSS meanwhile. y/hub publishes p50 19 s for
 * 150 clients on a 20 MB document as a point of reference.
 */
export async function runJoinStorm(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<void> {
  const { clients, planBytes } = options.joinStorm;
  let samplan: ServerChild = await startSamplan(databaseUrl, {}, 'samplan (join storm)');
  let plan: BenchPlan;
  let stateBytes = 0;
  let state: Uint8Array | undefined;
  try {
    progress.phase(`join storm setup: a plan with ${clients} participants, ${(planBytes / 1e6).toFixed(1)} MB written through /collab (not measured)`);
    [plan] = (await createPlans(samplan.url, 'storm', 1, clients, () => undefined)) as [BenchPlan];
    const owner = plan.editors[0]!;
    const writer = new LeanClient({ url: collabUrl(samplan.url, plan.id, owner.token), dialect: 'y-websocket', documentName: plan.id, senderId: 0 });
    await writer.whenSynced(60_000);
    writer.createEntry('contributions', owner.personId);
    const chunk = 'Samplan join storm. '.repeat(Math.ceil(CHUNK_CHARS / 20)).slice(0, CHUNK_CHARS);
    for (let written = 0; written < planBytes; written += chunk.length) {
      writer.append(chunk.slice(0, planBytes - written));
      progress.status(`${(Math.min(planBytes, written + chunk.length) / 1e6).toFixed(1)} MB sent`);
    }
    // The server answers a sync with committed state only: a fresh client that gets it all proves it durable.
    const deadline = Date.now() + 120_000;
    while (stateBytes < planBytes) {
      if (Date.now() > deadline) throw new Error(`the plan reached only ${stateBytes} bytes`);
      const checker = new LeanClient({ url: collabUrl(samplan.url, plan.id, owner.token), dialect: 'y-websocket', documentName: plan.id, senderId: 1, applySync: false });
      await checker.whenSynced(60_000);
      stateBytes = checker.syncBytes;
      checker.destroy();
      if (stateBytes < planBytes) await sleep(500);
    }
    // The state itself, for the floor below: one client that applies it.
    const reader = new LeanClient({ url: collabUrl(samplan.url, plan.id, owner.token), dialect: 'y-websocket', documentName: plan.id, senderId: 2 });
    await reader.whenSynced(60_000);
    state = Y.encodeStateAsUpdate(reader.doc);
    reader.destroy();
    writer.destroy();
    progress.done(`plan of ${(stateBytes / 1e6).toFixed(2)} MB committed`);
  } finally {
    await samplan.stop();
  }

  samplan = await startSamplan(databaseUrl, {}, 'samplan (join storm)');
  try {
    // Tokens are signed by the process that minted them.
    const [{ editors }] = (await remintTokens(samplan.url, [plan])) as [BenchPlan];
    progress.phase(`join storm: ${clients} clients open the ${(stateBytes / 1e6).toFixed(1)} MB plan at once`);
    const pid = samplan.child.pid!;
    const rssBefore = rssBytes(pid);
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 50);
    const samplanStorm = await storm(clients, (index) => collabUrl(samplan.url, plan.id, editors[index]!.token), plan.id);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssBytes(pid));
    const { times, allSyncedMs } = samplanStorm;
    if (samplanStorm.firstFailure) report.note(`join storm: ${samplanStorm.failed} clients failed, the first with ${samplanStorm.firstFailure}`);
    // Samplan stops first (stop is idempotent), so the floor has the machine to itself.
    await samplan.stop();
    if (!state) throw new Error('the join storm setup read no state');
    const floor = await stormFloor(clients, state, plan.id);
    const result: JoinStormResult = {
      clients,
      stateBytes,
      syncedMs: summarize(times),
      allSyncedMs: round(allSyncedMs),
      failed: samplanStorm.failed,
      serverPeakRssMb: round(peakRss / 2 ** 20),
      serverRssBeforeMb: round(rssBefore / 2 ** 20),
      floor: { syncedMs: summarize(floor.times), allSyncedMs: round(floor.allSyncedMs), failed: floor.failed },
    };
    progress.done(`${times.length}/${clients} synced in ${result.allSyncedMs} ms`);
    report.add('8. join storm', result, [{
      clients,
      'plan MB': round(stateBytes / 1e6, 2),
      'synced p50 ms': round(result.syncedMs.p50),
      'synced p99 ms': round(result.syncedMs.p99),
      'all synced ms': result.allSyncedMs,
      failed: result.failed,
      'server RSS before MB': result.serverRssBeforeMb,
      'server peak RSS MB': result.serverPeakRssMb,
      'floor: synced p50 ms': round(result.floor.syncedMs.p50),
      'floor: all synced ms': result.floor.allSyncedMs,
    }]);
    report.target({ workload: 'join storm', goal: `all ${clients} synced within 2 s`, measured: `${result.allSyncedMs} ms${result.failed ? `, ${result.failed} failed` : ''} (floor ${result.floor.allSyncedMs} ms)`, met: result.failed === 0 && result.allSyncedMs <= 2_000 });
  } finally {
    await samplan.stop();
  }
}

/**
 * The floor of the storm on this machine: the same clients and the same state, from a server that
 * does nothing but send it (framed once) to each sync request. Run after Samplan's storm, so each
 * has the machine to itself.
 */
async function stormFloor(clients: number, state: Uint8Array, documentName: string) {
  progress.phase(`join storm floor: ${clients} clients, the same ${(state.byteLength / 1e6).toFixed(1)} MB from a server that only sends it`);
  const directory = await mkdtemp(path.join(os.tmpdir(), 'samplan-storm-'));
  const stateFile = path.join(directory, 'state.bin');
  await writeFile(stateFile, state);
  const server = await startBareSync(stateFile);
  try {
    const result = await storm(clients, () => `ws://127.0.0.1:${server.port}/${documentName}`, documentName);
    progress.done(`floor: ${result.times.length}/${clients} synced in ${round(result.allSyncedMs)} ms`);
    return result;
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

import type { LeanClient } from '../lib/lean-client.js';
import { cpuMeter, postgresCpuMeter, type PostgresScope, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import { inParallel, round, sleep, summarize, type LatencySummary } from '../lib/stats.js';

/** How to reach one server under test: a client per editor, and where that editor types. */
export interface LiveTarget {
  name: string;
  server: ServerChild;
  plans: number;
  editorsPerPlan: number;
  connect(plan: number, editor: number, senderId: number, onEdit: LeanClientEdit): LeanClient;
  /** The section and owner the editor's entry needs (Samplan: their own contributions entry). */
  entryFor(plan: number, editor: number): { section: string; personId: string | null };
  /** Sorts deliveries into groups reported apart (say, across servers), by sender and receiver slot. */
  group?(senderSlot: number, receiverSlot: number): string;
  /** The PostgreSQL whose CPU counts with the server's; every process named `postgres` when absent. */
  postgres?: PostgresScope;
}
export type LeanClientEdit = (senderId: number, sentAtMs: number, receivedAtMs: number) => void;

export interface LiveResult {
  server: string;
  connections: number;
  seconds: number;
  editsPerSecond: number;
  deliveriesPerSecond: number;
  /** Deliveries seen over deliveries expected (each edit to every other editor of its plan). */
  delivered: number;
  latencyMs: LatencySummary;
  /** The server process's CPU over the window, in cores. */
  cpuCores: number;
  /** Every PostgreSQL process's CPU over the same window: the database work the server asked for. */
  postgresCpuCores: number;
  /** Server and PostgreSQL CPU per delivered update, in µs: the cost of one edit reaching one editor. */
  cpuPerDeliveryUs: number;
  /** CPU of this process (the load generator) over the same window: near 1 core, it adds to every latency. */
  generatorCpuCores: number;
  peakRssMb: number;
  closedEarly: number;
  byGroup: Record<string, LatencySummary>;
}

/**
 * P plans × E editors, each editor typing one small edit per second (a random phase each, so the
 * load is even). Latency runs from the sender's `performance.now()` written into the edit to its
 * receipt by each other editor of the plan, all in this process (one clock).
 */
export async function runLiveEditing(target: LiveTarget, options: { warmupSeconds: number; seconds: number }): Promise<LiveResult> {
  progress.phase(`live editing: ${target.name}, ${target.plans} plans × ${target.editorsPerPlan} editors`);
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  const groups = new Map<string, number[]>();
  const onEditOf = (receiver: number): LeanClientEdit => (sender, sentAt, receivedAt) => {
    if (sentAt < windowStart || sentAt >= windowEnd) return;
    latencies.push(receivedAt - sentAt);
    if (!target.group) return;
    const key = target.group(sender, receiver);
    const list = groups.get(key) ?? [];
    list.push(receivedAt - sentAt);
    groups.set(key, list);
  };
  const slots = Array.from({ length: target.plans * target.editorsPerPlan }, (_, index) => index);
  let connected = 0;
  const clients = await inParallel(slots, 100, async (slot) => {
    const plan = Math.floor(slot / target.editorsPerPlan);
    const editor = slot % target.editorsPerPlan;
    const client = target.connect(plan, editor, slot, onEditOf(slot));
    await client.whenSynced(60_000);
    const entry = target.entryFor(plan, editor);
    client.createEntry(entry.section, entry.personId);
    progress.status(`connected ${++connected}/${slots.length}`);
    return client;
  });
  await sleep(1_000);

  let sentInWindow = 0;
  const timers = clients.map((client) => {
    const start = setTimeout(() => {
      const tick = () => {
        if (!client.open) return;
        const sentAt = client.edit();
        if (sentAt >= windowStart && sentAt < windowEnd) sentInWindow++;
      };
      tick();
      timers.push(setInterval(tick, 1_000));
    }, Math.random() * 1_000);
    return start;
  });
  for (let second = options.warmupSeconds; second > 0; second -= 1) {
    progress.status(`warming up, ${second}s`);
    await sleep(1_000);
  }
  const meter = cpuMeter(target.server.child.pid!);
  const database = postgresCpuMeter(target.postgres);
  meter.start();
  database.start();
  const generatorCpu = process.cpuUsage();
  windowStart = performance.now();
  windowEnd = windowStart + options.seconds * 1_000;
  while (performance.now() < windowEnd) {
    await sleep(1_000);
    const sorted = [...latencies].sort((a, b) => a - b);
    progress.status(`measuring: ${sentInWindow} edits, ${latencies.length} deliveries, p99 so far ${round(sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN)} ms`);
  }
  const usage = meter.stop();
  const databaseUsage = database.stop();
  const generator = process.cpuUsage(generatorCpu);
  for (const timer of timers) clearTimeout(timer);
  await sleep(2_000); // let the window's last edits arrive
  const closedEarly = clients.filter((client) => client.closed !== null).length;
  const firstClose = clients.find((client) => client.closed)?.closed;
  for (const client of clients) client.destroy();
  const expected = sentInWindow * (target.editorsPerPlan - 1);
  progress.done(`${target.name}: ${latencies.length}/${expected} deliveries${firstClose ? `, ${closedEarly} closed early (first: ${firstClose.code} ${firstClose.reason})` : ''}`);
  return {
    server: target.name,
    connections: clients.length,
    seconds: options.seconds,
    editsPerSecond: round(sentInWindow / options.seconds),
    deliveriesPerSecond: round(latencies.length / options.seconds),
    delivered: round(expected ? latencies.length / expected : Number.NaN, 4),
    latencyMs: summarize(latencies),
    cpuCores: round(usage.cores, 2),
    postgresCpuCores: round(databaseUsage.cores, 2),
    cpuPerDeliveryUs: round(latencies.length ? ((usage.cpuSeconds + databaseUsage.cpuSeconds) * 1e6) / latencies.length : Number.NaN),
    generatorCpuCores: round((generator.user + generator.system) / 1e6 / options.seconds, 2),
    peakRssMb: round(usage.peakRssBytes / 1024 / 1024),
    closedEarly,
    byGroup: Object.fromEntries([...groups].map(([key, values]) => [key, summarize(values)])),
  };
}

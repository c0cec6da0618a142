import pg from 'pg';
import * as Y from 'yjs';
import { LeanClient } from '../lib/lean-client.js';
import type { BenchOptions } from '../lib/options.js';
import { startSamplan, type ServerChild } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { collabUrl, createPlans, mintToken, type BenchPlan } from '../lib/samplan-plans.js';
import { median, round, sleep, waitUntil } from '../lib/stats.js';

/**
 * No snapshot while writing, so the log holds every edit; unload quickly once nobody is connected.
 * The writers and the watcher are one person on many connections (a load generator, not a person),
 * more than the per-person cap of 20 allows.
 */
const SERVER_ENV = { DOC_SNAPSHOT_EVERY: '1000000', DOC_IDLE_UNLOAD_MS: '300', LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_PERSON: '64' };
const EDITS_PER_SECOND_PER_WRITER = 40; // under the per-connection budget of 600 messages per 10 s

/**
 * Opens the plan as a client would: connect, authenticate, wait for the sync answer. Also returns
 * the server's own figure for building the document (read from PostgreSQL and applied), which it
 * logs as `document.loaded`, so the fixed cost of a connection can be told apart from the load.
 */
async function open(server: ServerChild, plan: BenchPlan): Promise<{ ms: number; loadMs: number; client: LeanClient }> {
  const token = await mintToken(server.url, plan.editors[0]!.sub);
  let loadMs = Number.NaN;
  const stop = server.onOutput((chunk) => {
    for (const line of chunk.split('\n')) {
      if (!line.includes('"document.loaded"') || !line.includes(plan.id)) continue;
      loadMs = (JSON.parse(line) as { ms: number }).ms;
    }
  });
  try {
    const started = performance.now();
    const client = new LeanClient({ url: collabUrl(server.url, plan.id, token), dialect: 'y-websocket', documentName: plan.id, senderId: 0 });
    await client.whenSynced(120_000);
    const ms = performance.now() - started;
    await waitUntil(() => !Number.isNaN(loadMs), 5_000, 'the server did not log document.loaded');
    return { ms, loadMs, client };
  } finally {
    stop();
  }
}

/** The pause before each open from the snapshot: the idle unload (300 ms) writes the snapshot and drops the document. */
const PAUSE_BEFORE_OPEN_MS = 1_500;

/**
 * The least a server that keeps plans in PostgreSQL can do to load one: read the newest snapshot
 * by its key on a connection already open, through `pg` with the statement prepared, and apply it
 * to an empty Y.Doc. Timed after the same pause as the server's opens, in turn with them, so both
 * start from an idle process and an idle database alike.
 */
async function readStoredFloor(client: pg.Client, planId: string): Promise<number> {
  const started = performance.now();
  const { rows } = await client.query<{ state: Buffer }>({
    name: 'cold_load_floor',
    text: `select state from plan_snapshot where plan_id = $1 and part = 'main' order by seq desc limit 1`,
    values: [planId],
  });
  if (!rows[0]) throw new Error(`plan ${planId} has no snapshot to read`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, rows[0].state);
  const ms = performance.now() - started;
  doc.destroy();
  return ms;
}

/** Writes `edits` keystrokes through W live connections, and waits until a watcher has seen them all. */
async function writeLog(server: ServerChild, plan: BenchPlan, edits: number, writers: number): Promise<void> {
  let seen = 0;
  const owner = plan.editors[0]!;
  const watcher = new LeanClient({ url: collabUrl(server.url, plan.id, owner.token), dialect: 'y-websocket', documentName: plan.id, senderId: 1_000_000, onEdit: () => seen++ });
  await watcher.whenSynced();
  const clients = await Promise.all(Array.from({ length: writers }, async (_, index) => {
    const client = new LeanClient({ url: collabUrl(server.url, plan.id, owner.token), dialect: 'y-websocket', documentName: plan.id, senderId: index + 1 });
    await client.whenSynced();
    client.createEntry('contributions', owner.personId);
    return client;
  }));
  const perWriter = Math.ceil(edits / writers);
  for (let sent = 0; sent < perWriter; sent += EDITS_PER_SECOND_PER_WRITER / 10) {
    for (const client of clients) for (let burst = 0; burst < EDITS_PER_SECOND_PER_WRITER / 10; burst += 1) client.edit();
    progress.status(`writing the log: ${seen}/${perWriter * writers} edits committed`);
    await sleep(100);
  }
  await waitUntil(() => seen >= perWriter * writers, 120_000, `only ${seen} of ${perWriter * writers} edits came back`);
  const closed = clients.find((client) => client.closed)?.closed;
  if (closed) throw new Error(`a writer was closed: ${closed.code} ${closed.reason}`);
  for (const client of [watcher, ...clients]) client.destroy();
}

/**
 * Workload 3: opening a plan whose log holds N edits, through the server (connect, wait for sync),
 * with the document not in memory; against applying the same merged state to an empty Y.Doc.
 * Two cases: after a crash (the whole log is replayed) and after a clean unload (a snapshot).
 */
export async function runColdLoad(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<void> {
  const { edits, writers, opens } = options.coldLoad;
  progress.phase(`cold load: a plan with ${edits} edits in its log`);
  let server = await startSamplan(databaseUrl, SERVER_ENV, 'samplan (cold load)');
  const replay = { ms: [] as number[], loadMs: [] as number[] };
  const snapshot = { ms: [] as number[], loadMs: [] as number[] };
  const storedFloorMs: number[] = [];
  const floorClient = new pg.Client({ connectionString: databaseUrl });
  let state: Uint8Array = new Uint8Array();
  try {
    const [plan, warmPlan] = await createPlans(server.url, 'cold', 2, 1, () => undefined);
    await writeLog(server, plan!, edits, writers);
    for (let round = 0; round < opens; round += 1) {
      // SIGKILL leaves the log as it is: no unload, no snapshot. A small plan is opened first so
      // the measured open does not also pay for the new process's first-use (JIT) costs.
      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.once('exit', resolve));
      server = await startSamplan(databaseUrl, SERVER_ENV, 'samplan (cold load)');
      (await open(server, warmPlan!)).client.destroy();
      const opened = await open(server, plan!);
      replay.ms.push(opened.ms);
      replay.loadMs.push(opened.loadMs);
      state = Y.encodeStateAsUpdate(opened.client.doc);
      opened.client.destroy();
      progress.status(`log replay ${round + 1}/${opens}: ${opened.ms.toFixed(0)} ms`);
    }
    await floorClient.connect();
    // Once the last replay's copy has unloaded and written its snapshot: prepares the statement.
    await sleep(PAUSE_BEFORE_OPEN_MS);
    await readStoredFloor(floorClient, plan!.id);
    for (let round = 0; round < opens; round += 1) {
      await sleep(PAUSE_BEFORE_OPEN_MS);
      const opened = await open(server, plan!);
      snapshot.ms.push(opened.ms);
      snapshot.loadMs.push(opened.loadMs);
      opened.client.destroy();
      await sleep(PAUSE_BEFORE_OPEN_MS);
      storedFloorMs.push(await readStoredFloor(floorClient, plan!.id));
      progress.status(`from snapshot ${round + 1}/${opens}: ${opened.ms.toFixed(0)} ms (load ${opened.loadMs} ms, the stored floor ${storedFloorMs.at(-1)!.toFixed(1)} ms)`);
    }
  } finally {
    await floorClient.end().catch(() => undefined);
    await server.stop();
  }
  const floorMs = median(Array.from({ length: 21 }, () => {
    const started = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const ms = performance.now() - started;
    doc.destroy();
    return ms;
  }));
  progress.done();
  const result = {
    edits,
    stateBytes: state.byteLength,
    logReplay: { openMs: round(median(replay.ms)), serverLoadMs: round(median(replay.loadMs)) },
    fromSnapshot: { openMs: round(median(snapshot.ms)), serverLoadMs: round(median(snapshot.loadMs)) },
    floorMs: round(floorMs, 2),
    storedFloorMs: round(median(storedFloorMs), 2),
  };
  const times = (ms: number) => round(ms / floorMs);
  report.add('3. cold load', result, [
    { case: `log replay, every one of ${edits} edits (after a crash, no snapshot)`, 'open ms (client)': result.logReplay.openMs, 'load ms (server)': result.logReplay.serverLoadMs, 'load × floor': times(median(replay.loadMs)) },
    { case: 'snapshot (compacted log, as the server keeps it)', 'open ms (client)': result.fromSnapshot.openMs, 'load ms (server)': result.fromSnapshot.serverLoadMs, 'load × floor': times(median(snapshot.loadMs)) },
    { case: `floor: apply merged state (${state.byteLength} B) in-process`, 'open ms (client)': '', 'load ms (server)': result.floorMs, 'load × floor': 1 },
    { case: 'stored floor: read the snapshot by key (pg, prepared) and apply it, after the same pause', 'open ms (client)': '', 'load ms (server)': result.storedFloorMs, 'load × floor': times(result.storedFloorMs) },
  ]);
  report.target({ workload: 'cold load', goal: `server load within 2× the in-process floor (snapshot, ${edits} edits)`, measured: `${result.fromSnapshot.serverLoadMs} ms vs ${result.floorMs} ms (${times(median(snapshot.loadMs))}×; the stored floor ${result.storedFloorMs} ms, ${times(result.storedFloorMs)}×); client open ${result.fromSnapshot.openMs} ms`, met: median(snapshot.loadMs) <= 2 * floorMs });
  report.target({ workload: 'cold load', goal: 'server load within 2× the floor (whole log replayed, no snapshot)', measured: `${result.logReplay.serverLoadMs} ms vs ${result.floorMs} ms (${times(median(replay.loadMs))}×)`, met: median(replay.loadMs) <= 2 * floorMs });
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findFreePort } from '../../src/db/embedded-postgres.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ServerChild {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Calls `listener` with each chunk the server writes (stdout and stderr); returns the function that stops it. */
  onOutput(listener: (chunk: string) => void): () => void;
  stop(): Promise<void>;
}

/**
 * Starts a server under test as its own process, so its CPU and RSS are its own, and resolves once
 * its stderr/stdout shows `ready` (a regex whose first group, if any, is the base URL).
 */
export async function startChild(name: string, args: string[], env: Record<string, string>, ready: RegExp, port: number): Promise<ServerChild> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = ready.exec(output);
      if (match) resolve(match[1] ?? `http://127.0.0.1:${port}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url,
    port,
    child,
    onOutput(listener) {
      const onChunk = (chunk: Buffer) => listener(chunk.toString());
      child.stdout!.on('data', onChunk);
      child.stderr!.on('data', onChunk);
      return () => {
        child.stdout!.off('data', onChunk);
        child.stderr!.off('data', onChunk);
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

let built = false;

/** Builds what `npm start` runs (scripts/build.mjs, which skips what is up to date), once a bench run. */
function buildOnce(): void {
  if (built) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/build.mjs failed (status ${result.status})`);
  built = true;
}

/** Runs one of Samplan's compiled command-line tools (`dist/src/cli/<name>.js`: migrate, seed) on `databaseUrl`, to its end. */
export function runSamplanCli(name: string, databaseUrl: string): void {
  buildOnce();
  const result = spawnSync(process.execPath, [`dist/src/cli/${name}.js`], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${name} failed (status ${result.status}): ${result.stderr?.toString().slice(-500)}`);
}

/** Starts Samplan as `npm start` does (compiled, `dist/src/main.js`) on a free port. */
export async function startSamplan(databaseUrl: string, env: Record<string, string> = {}, name = 'samplan', nodeArgs: string[] = []): Promise<ServerChild> {
  const port = await findFreePort();
  // BENCH_CPU_PROF=<dir>: each Samplan process writes a V8 CPU profile there when it stops (bench/README.md).
  const profile = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env['BENCH_CPU_PROF'])}`] : [];
  buildOnce();
  return startChild(name, [...profile, ...nodeArgs, '--enable-source-maps', 'dist/src/main.js'], {
    NODE_ENV: 'development',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DEV_AUTH: 'true',
    // One bench account sends thousands of requests a second: the per-person budget would measure itself.
    GRAPHQL_RATE_LIMIT_POINTS: '100000000',
    ...env,
  }, /Samplan is up: (\S+)\/graphql/, port);
}

/**
 * Cumulative CPU seconds (user + system) of a process, from /proc/<pid>/stat; with `mainThread`,
 * of its main thread alone (/proc/<pid>/task/<pid>/stat), without V8's helper threads (parallel
 * garbage collection, compilation) and libuv's pool.
 */
export function cpuSeconds(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * CPU use over a window: call `start()` then `stop()`; reports cores used (1.0 = one full core), by
 * the whole process and by its main thread (a Node server's one thread for JavaScript: the bound
 * of a server that saturates it).
 */
export function cpuMeter(pid: number) {
  let cpu = 0;
  let mainThreadCpu = 0;
  let at = 0;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | null = null;
  return {
    start() {
      cpu = cpuSeconds(pid);
      mainThreadCpu = cpuSeconds(pid, true);
      at = performance.now();
      peakRss = rssBytes(pid);
      sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 500);
    },
    stop() {
      if (sampler) clearInterval(sampler);
      const seconds = (performance.now() - at) / 1000;
      const used = cpuSeconds(pid) - cpu;
      return { cores: used / seconds, cpuSeconds: used, mainThreadCores: (cpuSeconds(pid, true) - mainThreadCpu) / seconds, peakRssBytes: Math.max(peakRss, rssBytes(pid)) };
    },
  };
}

/** The command name of a process (`/proc/<pid>/comm`), or null when it is gone. */
function commandOf(pid: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The PostgreSQL a workload uses: its postmaster, and the prefix of the databases the bench made there. */
export interface PostgresScope {
  postmasterPid: number;
  databasePrefix: string;
}

/**
 * The scope of `databaseUrl`'s server: the postmaster is the parent of the backend serving a
 * connection. The machine may run other clusters (a shared test server, another bench's embedded
 * one), whose CPU is not this server's work.
 */
export async function postgresScopeOf(databaseUrl: string, databasePrefix = 'samplan_bench_'): Promise<PostgresScope> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const backend = Number(((await client.query('select pg_backend_pid() as pid')).rows[0] as { pid: number }).pid);
    return { postmasterPid: parentOf(String(backend)) ?? Number.NaN, databasePrefix };
  } finally {
    await client.end();
  }
}

function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** A client backend's title is `postgres: <user> <database> <host>(<port>) <state>` (update_process_title, on by default on Linux). */
const CLIENT_BACKEND = /^postgres: \S+ (\S+) (?:\S+\(\d+\)|\[local\])/;

/**
 * In scope: the postmaster, its background processes (WAL writer, checkpointer: they work for
 * every commit), and the backends of the bench's own databases; other databases' backends on a
 * shared server are left out. Without a scope, every process named `postgres` counts.
 */
function inScope(pid: string, scope: PostgresScope | undefined): boolean {
  if (!scope || Number(pid) === scope.postmasterPid) return true;
  if (parentOf(pid) !== scope.postmasterPid) return false;
  let title: string;
  try {
    title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return false;
  }
  const backend = CLIENT_BACKEND.exec(title);
  return !backend || backend[1]!.startsWith(scope.databasePrefix);
}

/**
 * PostgreSQL's CPU over a window, in cores: call `start()` then `stop()`. Backends come and go
 * (pools close idle connections), so each process is sampled twice a second and counted from its
 * first sighting: one that starts in the window counts from zero, one that ends keeps what was
 * last seen of it, and a sum over processes never goes backwards.
 */
export function postgresCpuMeter(scope?: PostgresScope) {
  const seen = new Map<string, { first: number; last: number }>();
  let at = 0;
  let sampler: NodeJS.Timeout | null = null;
  const sample = (initial: boolean) => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || commandOf(pid) !== 'postgres') continue;
      const known = seen.get(pid);
      if (!known && !inScope(pid, scope)) continue;
      let seconds: number;
      try {
        seconds = cpuSeconds(Number(pid));
      } catch {
        continue; // ended while we read
      }
      if (known) known.last = seconds;
      else seen.set(pid, { first: initial ? seconds : 0, last: seconds });
    }
  };
  return {
    start() {
      seen.clear();
      sample(true);
      at = performance.now();
      sampler = setInterval(() => sample(false), 500);
    },
    stop() {
      if (sampler) clearInterval(sampler);
      sample(false);
      const seconds = (performance.now() - at) / 1000;
      let used = 0;
      for (const { first, last } of seen.values()) used += last - first;
      return { cores: used / seconds, cpuSeconds: used };
    },
  };
}

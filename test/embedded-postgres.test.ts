import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/create-app.js';
import { parseConfig } from '../src/config/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import pg from 'pg';
import { pino } from 'pino';

/** The zero-setup database: `npm start` with no DATABASE_URL, in a directory of this test's own. */
describe('embedded PostgreSQL', () => {
  let root: string;
  let dataDir: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-embedded-'));
    dataDir = path.join(root, 'postgres');
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  const config = () => parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', EMBEDDED_PG_DIR: dataDir });

  const me = async (url: string, token: string) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { person { id } } plans { totalCount } }' }),
    });
    return ((await response.json()) as any).data;
  };
  const devToken = async (url: string) => {
    const response = await fetch(`${url}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'persistent', name: 'Persistent Person', kind: 'citizen' }),
    });
    return ((await response.json()) as { token: string }).token;
  };

  it('keeps data across a restart', async () => {
    const first = await createApp(config());
    const token = await devToken(first.url);
    const before = await me(first.url, token);
    await fetch(`${first.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createPlan(input: {}) { __typename } }' }),
    });
    await first.dispose();

    const second = await createApp(config());
    try {
      // A new start makes a new development key, so mint again; the person and plan are still there.
      const after = await me(second.url, await devToken(second.url));
      expect(after.me.person.id).toBe(before.me.person.id);
      expect(after.plans.totalCount).toBe(1);
    } finally {
      await second.dispose();
    }
  });

  it('is not blocked by a PostgreSQL left running by a killed server', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info', EMBEDDED_PG_DIR: dataDir, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk.toString();
        if (output.includes('"server.started"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${output}`)));
    });
    const postmasterPid = Number((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(() => process.kill(postmasterPid, 0)).not.toThrow(); // the orphan is still running

    const next = await createApp(config());
    try {
      expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
      expect(() => process.kill(postmasterPid, 0)).toThrow(); // and was shut down first
    } finally {
      await next.dispose();
    }
  });

  it('refuses to share its data directory with a live server', async () => {
    const first = await createApp(config());
    try {
      await expect(createApp(config())).rejects.toThrow(/Another Samplan process|is using the embedded PostgreSQL/);
    } finally {
      await first.dispose();
    }
  });
  // As root, PostgreSQL runs as the `postgres` user: a data directory under a 0700 folder (a clone in
  // `mktemp -d` or under /root) must still work, with only search permission granted on the way.
  it.skipIf(process.getuid?.() !== 0)('starts under a folder only root may enter, granting search permission alone', async () => {
    const locked = path.join(root, 'locked');
    await fs.mkdir(path.join(locked, 'inner'), { recursive: true });
    await fs.chmod(locked, 0o700);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(locked, 'inner', 'postgres'), port: 0, logger: pino({ level: 'silent' }) });
    try {
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await embedded.stop();
    }
    expect((await fs.stat(locked)).mode & 0o777).toBe(0o701);
  });
});

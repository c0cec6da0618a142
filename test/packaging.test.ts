import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text } from './helpers/editor.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * `npm start` as a terminal or a supervisor runs it: the compiled server (dist/), its embedded
 * PostgreSQL, and the signals that stop them. Each start has a data directory of its own and free
 * ports; the process group is signalled the way a terminal's Ctrl-C does it.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Started {
  npm: ChildProcess;
  dir: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running: Started[] = [];

/** `npm start` in a process group of its own, with the embedded PostgreSQL in `dir`. */
async function npmStart(env: Record<string, string> = {}, shell?: string): Promise<Started> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-packaging-'));
  const [command, args] = shell ? ['sh', ['-c', `${shell}; exec npm start`]] : ['npm', ['start']];
  const npm = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      EMBEDDED_PG_DIR: path.join(dir, 'postgres'),
      DEV_ISSUER_KEY_FILE: path.join(dir, 'dev-issuer-key.json'),
      npm_config_update_notifier: 'false',
      ...env,
    },
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('close', (code) => resolve(code)));
  const started = { npm, dir, output: () => output, exited };
  running.push(started);
  return started;
}

/** Resolves with the server's URL once it says it is up; rejects if npm exits first. */
async function up(started: Started): Promise<string> {
  const exitedEarly = started.exited.then((code) => Promise.reject(new Error(`npm start exited with ${code}:\n${started.output()}`)));
  const listening = vi.waitFor(
    () => {
      const match = /Samplan is up: (\S+)\/graphql/.exec(started.output());
      if (!match) throw new Error('not up yet');
      return match[1]!;
    },
    { timeout: 60_000, interval: 50 },
  );
  return Promise.race([listening, exitedEarly]);
}

const pidIn = (file: string) => Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
/** The process group of `pid` (the fifth field of /proc/<pid>/stat, after the parenthesised name). */
const groupOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids that must be gone after a stop: the Samplan node process and its PostgreSQL. */
function processesOf(started: Started) {
  const dataDir = path.join(started.dir, 'postgres');
  return { server: pidIn(`${dataDir}.owner`), postmaster: pidIn(path.join(dataDir, 'postmaster.pid')) };
}

/** Log lines at warn or above, and anything on stderr that looks like an error or a stack. */
function troubleIn(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (line.startsWith('{')) return (JSON.parse(line) as { level: number }).level >= 40;
    return /error|ERR!|warn|^\s+at /i.test(line);
  });
}

async function typename(url: string): Promise<unknown> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  return response.json();
}

async function devToken(url: string, sub: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub, name: sub, kind: 'citizen' }) });
  return ((await response.json()) as { token: string }).token;
}

async function gql(url: string, token: string, query: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  return ((await response.json()) as { data: unknown }).data;
}

const createPlan = async (url: string, token: string): Promise<string> =>
  (await gql(url, token, 'mutation { createPlan(input: {}) { ... on CreatePlanSuccess { plan { id } } } }')).createPlan.plan.id;
const documentSeq = async (url: string, token: string, planId: string): Promise<number> =>
  (await gql(url, token, `{ plan(id: "${planId}") { documentSeq } }`)).plan.documentSeq;

async function expectAllGone(pids: { server: number; postmaster: number }): Promise<void> {
  await vi.waitFor(() => {
    expect(alive(pids.server)).toBe(false);
    expect(alive(pids.postmaster)).toBe(false);
  }, { timeout: 15_000, interval: 50 });
}

describe('npm start (the compiled server)', () => {
  beforeAll(async () => {
    // Compile once here (when the sources are newer), not in each start below.
    const build = spawn(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    build.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise((resolve) => build.once('close', resolve));
    expect(code, errors).toBe(0);
  });

  afterEach(async () => {
    for (const started of running.splice(0)) {
      if (started.npm.exitCode === null && started.npm.signalCode === null) process.kill(-started.npm.pid!, 'SIGKILL');
      const postmaster = await fs.readFile(path.join(started.dir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => null);
      const pid = postmaster ? Number.parseInt(postmaster, 10) : Number.NaN;
      if (Number.isInteger(pid) && alive(pid)) process.kill(pid, 'SIGINT');
      await vi.waitFor(() => expect(Number.isInteger(pid) && alive(pid)).toBe(false), { timeout: 15_000, interval: 50 });
      await fs.rm(started.dir, { recursive: true, force: true });
    }
  });

  it('runs dist/ with PostgreSQL in a process group of its own, and stops both on SIGTERM to npm', async () => {
    const started = await npmStart();
    const url = await up(started);
    expect(await typename(url)).toEqual({ data: { __typename: 'Query' } });
    const pids = processesOf(started);
    expect(readFileSync(`/proc/${pids.server}/cmdline`, 'utf8')).toContain('dist/src/main.js');
    // `exec` in the start script: node is npm's own child, no shell between them to orphan it.
    expect(Number(readFileSync(`/proc/${pids.server}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])).toBe(started.npm.pid);
    // src/db/embedded-postgres.ts (hookSpawns): Ctrl-C in the terminal does not reach PostgreSQL.
    expect(groupOf(pids.postmaster)).not.toBe(groupOf(pids.server));

    process.kill(started.npm.pid!, 'SIGTERM');
    expect(await started.exited).toBe(0);
    await expectAllGone(pids);
    expect(started.output()).toContain('"event":"server.stopped"');
    expect(started.output()).toContain('"event":"embedded_postgres.stopped"');
    expect(troubleIn(started.output())).toEqual([]);
  });

  it('stops everything, quietly, on Ctrl-C (SIGINT to the whole process group) while a plan is being edited', async () => {
    const started = await npmStart();
    const url = await up(started);
    const pids = processesOf(started);
    // A live document open at the stop: the server saves it and its snapshot, which needs PostgreSQL.
    const token = await devToken(url, 'packaging-owner');
    const planId = await createPlan(url, token);
    const editor = connectEditor({ url } as TestApp, planId, token);
    try {
      await editor.synced();
      editor.doc.getArray('goals').push([newEntry({ id: randomUUID(), text: text('Walk to the shop on my own') })]);
      await vi.waitFor(async () => expect(await documentSeq(url, token, planId)).toBeGreaterThan(0), { timeout: 10_000, interval: 50 });

      process.kill(-started.npm.pid!, 'SIGINT');
      await started.exited;
    } finally {
      editor.destroy();
    }
    await expectAllGone(pids);
    expect(started.output()).toContain('"event":"server.stopped"');
    expect(troubleIn(started.output())).toEqual([]);
  });

  describe('a port in use', () => {
    let taken: net.Server;
    let port: number;
    beforeAll(async () => {
      taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      port = (taken.address() as AddressInfo).port;
      return () => new Promise<void>((resolve) => taken.close(() => resolve()));
    });

    it.each(['PORT', 'METRICS_PORT', 'EMBEDDED_PG_PORT'])('%s: says which variable to change, without a stack, and leaves nothing running', async (variable) => {
      const started = await npmStart({ [variable]: String(port) });
      const code = await started.exited;
      expect(code).not.toBe(0);
      expect(started.output()).toContain(`${variable}: 127.0.0.1:${port} is already in use`);
      expect(started.output()).not.toMatch(/^\s+at /m);
      const postmasterPid = await fs.readFile(path.join(started.dir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => null);
      if (postmasterPid) await expectAllGone({ server: started.npm.pid!, postmaster: Number.parseInt(postmasterPid, 10) });
    });
  });

  // As root, PostgreSQL runs as the `postgres` user. A clone under /root or in `mktemp -d` is 0700,
  // and under `umask 077` every file Samplan or embedded-postgres writes is root's alone (initdb's
  // password file too): the embedded PostgreSQL must start all the same.
  it.skipIf(process.getuid?.() !== 0)('starts as root under umask 077, with its data under a folder only root may enter', async () => {
    const locked = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-locked-'));
    try {
      await fs.chmod(locked, 0o700);
      const started = await npmStart({ EMBEDDED_PG_DIR: path.join(locked, 'data', 'postgres') }, 'umask 077');
      const url = await up(started);
      expect(await typename(url)).toEqual({ data: { __typename: 'Query' } });
      const dataDir = path.join(locked, 'data', 'postgres');
      const pids = { server: pidIn(`${dataDir}.owner`), postmaster: pidIn(path.join(dataDir, 'postmaster.pid')) };
      process.kill(started.npm.pid!, 'SIGTERM');
      expect(await started.exited).toBe(0);
      await expectAllGone(pids);
    } finally {
      await fs.rm(locked, { recursive: true, force: true });
    }
  });
});

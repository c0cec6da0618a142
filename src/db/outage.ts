import { ConnectionException, type MikroORM } from '@mikro-orm/postgresql';

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * SQLSTATEs of a server that is going away or not taking connections: admin_shutdown,
 * crash_shutdown, cannot_connect_now, too_many_connections. Class 08 (connection exception) is
 * matched as a whole.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What pg and knex say when a connection dies without a code: MikroORM's DriverException keeps
 * only the message (and `code` when there was one), not the original error.
 */
const MESSAGES = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /Client has encountered a connection error and is not queryable/i,
  /terminating connection due to administrator command/i,
  /timeout exceeded when trying to connect/i,
  /Timeout acquiring a connection/i,
];

/**
 * True when `error` says PostgreSQL could not be reached or went away, rather than that a query
 * was wrong: the caller answers "try again later" (SERVICE_UNAVAILABLE), never "invalid token" or
 * "internal error". Follows `cause`, `originalError` and the parts of an AggregateError.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof ConnectionException) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  const inner = [error.cause, (error as { originalError?: unknown }).originalError, ...(error instanceof AggregateError ? error.errors : [])];
  return inner.some((next) => next !== error && isDatabaseUnavailable(next, depth + 1));
}

/** How long a probe may take before the database counts as not answering. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether PostgreSQL answers a trivial query now. For failures whose error does not say by itself
 * whether the database went away.
 */
export async function databaseAnswers(orm: MikroORM): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database probe timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([orm.em.getConnection().execute('select 1'), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

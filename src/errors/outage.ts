import type { GraphQLError } from 'graphql';
import type { Logger } from '../logging/logger.js';
import { appError } from './error-codes.js';

/** What Samplan needs from outside to answer: PostgreSQL, and the identity providers' key sets. */
export type Dependency = 'database' | 'identity-provider';

const MESSAGES: Record<Dependency, string> = {
  database: 'The database is unavailable; try again shortly',
  'identity-provider': 'The identity provider cannot be reached to check the token; try again shortly',
};

/** SERVICE_UNAVAILABLE (HTTP 503, WebSocket 1013): nothing is wrong with the request, try again later. */
export function serviceUnavailable(dependency: Dependency): GraphQLError {
  const error = appError('SERVICE_UNAVAILABLE', MESSAGES[dependency]);
  error.extensions['dependency'] = dependency;
  return error;
}

/** A dependency failing fails every request: one line per burst, with the cause and how many failed since the last line. */
const BURST_MS = 30_000;
const bursts = new WeakMap<Logger, Map<Dependency, { until: number; failures: number }>>();

export function reportOutage(logger: Logger, dependency: Dependency, cause: unknown, detail: Record<string, unknown> = {}): void {
  const now = Date.now();
  let byDependency = bursts.get(logger);
  if (!byDependency) bursts.set(logger, (byDependency = new Map()));
  const burst = byDependency.get(dependency);
  if (burst && now < burst.until) {
    burst.failures += 1;
    return;
  }
  logger.error({ event: 'dependency.unavailable', dependency, failuresSinceLastLine: burst?.failures ?? 0, ...detail, cause: describe(cause) });
  byDependency.set(dependency, { until: now + BURST_MS, failures: 0 });
}

/**
 * The cause without what it carried: a failed statement's message starts with its SQL, values
 * included (plan content, ids), so only the driver's own words after the last " - " are kept.
 */
function describe(cause: unknown, depth = 0): Record<string, unknown> | undefined {
  if (!(cause instanceof Error) || depth > 3) return undefined;
  const code = (cause as { code?: unknown }).code;
  return {
    name: cause.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: cause.message.split(' - ').at(-1)!.slice(0, 300),
    ...(cause.cause instanceof Error ? { cause: describe(cause.cause, depth + 1) } : {}),
  };
}

import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { GraphQLError } from 'graphql';
import { ERROR_TABLE, errorCodeOf } from '../errors/error-codes.js';
import type { Actor } from '../policy/actor.js';

export interface GraphQLRateLimit {
  /**
   * Authenticates a GraphQL request over HTTP and counts it against its person's budget (its IP's,
   * without a token or with a bad one); past the budget, throws `TOO_MANY_REQUESTS` (429, Retry-After).
   */
  admit(ip: string | undefined, authenticate: () => Promise<Actor | null>): Promise<Actor | null>;
  dispose(): Promise<void>;
}

/**
 * `points` requests per `windowMs`, per person. With a Redis URL the budget is kept in Redis, so
 * every server of a deployment draws on the same one; while Redis is unreachable each server falls
 * back to a budget of its own, rather than refusing everyone or counting no one.
 */
export async function createGraphQLRateLimit(options: { points: number; windowMs: number; redisUrl: string | null; keyPrefix: string }): Promise<GraphQLRateLimit> {
  const shape = { points: options.points, duration: options.windowMs / 1000, keyPrefix: `${options.keyPrefix}:graphql-rate` };
  const memory = new RateLimiterMemory(shape);
  let redis: Redis | null = null;
  let limiter: RateLimiterAbstract = memory;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'samplan-graphql-rate' });
    // ioredis reconnects on its own; meanwhile the insurance limiter counts.
    redis.on('error', () => undefined);
    // Connected before the first request where it can be; a Redis down at start is the insurance's until it is back.
    await redis.connect().catch(() => undefined);
    limiter = new RateLimiterRedis({ ...shape, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  }

  const consume = async (key: string) => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new GraphQLError(`Too many requests; try again in ${seconds} s`, {
        extensions: { code: 'TOO_MANY_REQUESTS', http: { status: ERROR_TABLE.TOO_MANY_REQUESTS.httpStatus, headers: new Map([['retry-after', String(seconds)]]) } },
      });
    }
  };

  return {
    async admit(ip, authenticate) {
      const byIp = `ip:${ip ?? 'unknown'}`;
      let actor: Actor | null;
      try {
        actor = await authenticate();
      } catch (error) {
        // Bad tokens cost the sender's address too, or guessing them would be free.
        if (errorCodeOf(error) === 'UNAUTHENTICATED') await consume(byIp);
        throw error;
      }
      await consume(actor ? `person:${actor.personId}` : byIp);
      return actor;
    },
    async dispose() {
      redis?.disconnect();
    },
  };
}

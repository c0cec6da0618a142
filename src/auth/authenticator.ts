import type { MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from '../db/outage.js';
import { unauthenticated } from '../errors/error-codes.js';
import { reportOutage, serviceUnavailable } from '../errors/outage.js';
import type { Logger } from '../logging/logger.js';
import type { PeopleDeps } from '../people/person-ref.js';
import type { ActorCache } from './actor-cache.js';
import { identifyActor } from './identify-actor.js';
import type { Actor } from '../policy/actor.js';
import { IssuerUnavailable, type TokenVerifier } from './token-verifier.js';

/** Turns a bearer token into an Actor. Shared by every door: HTTP, graphql-ws and the live document. */
export interface Authenticator {
  /**
   * `null` for no token; throws `UNAUTHENTICATED` for a token that is present but not acceptable,
   * and `SERVICE_UNAVAILABLE` when the token cannot be checked now (the issuer's keys or the
   * database are unreachable): a client must be able to tell "sign in again" from "try again later".
   */
  actorFromToken(token: string | null | undefined): Promise<Actor | null>;
  /** Reads an `Authorization: Bearer …` header value. */
  actorFromAuthorization(header: string | undefined): Promise<Actor | null>;
}

export function createAuthenticator(orm: MikroORM, verifier: TokenVerifier, deps: PeopleDeps, logger: Logger, actors: ActorCache): Authenticator {
  const outage = (error: unknown): unknown => {
    const dependency = error instanceof IssuerUnavailable ? 'identity-provider' : isDatabaseUnavailable(error) ? 'database' : null;
    if (!dependency) return error;
    reportOutage(logger, dependency, error, error instanceof IssuerUnavailable ? { issuer: error.issuer } : {});
    return serviceUnavailable(dependency);
  };
  const actorFromToken = async (token: string | null | undefined) => {
    if (token === null || token === undefined || token === '') return null;
    if (typeof token !== 'string') throw unauthenticated('Token must be a string');
    const known = actors.get(token);
    if (known) return known;
    try {
      const identity = await verifier.verify(token);
      const actor = await identifyActor(orm.em.fork(), identity, deps);
      actors.set(token, actor);
      return actor;
    } catch (error) {
      throw outage(error);
    }
  };
  return {
    actorFromToken,
    async actorFromAuthorization(header) {
      if (!header) return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
      return actorFromToken(match[1]);
    },
  };
}

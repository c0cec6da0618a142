import type { MikroORM } from '@mikro-orm/postgresql';
import { unauthenticated } from '../errors/error-codes.js';
import { identifyActor, type PeopleDeps } from '../people/person.service.js';
import type { Actor } from '../policy/actor.js';
import type { TokenVerifier } from './token-verifier.js';

/** Turns a bearer token into an Actor. Shared by every door: HTTP, graphql-ws and the live document. */
export interface Authenticator {
  /** `null` for no token; throws `UNAUTHENTICATED` for a token that is present but not acceptable. */
  actorFromToken(token: string | null | undefined): Promise<Actor | null>;
  /** Reads an `Authorization: Bearer …` header value. */
  actorFromAuthorization(header: string | undefined): Promise<Actor | null>;
}

export function createAuthenticator(orm: MikroORM, verifier: TokenVerifier, deps: PeopleDeps): Authenticator {
  const actorFromToken = async (token: string | null | undefined) => {
    if (token === null || token === undefined || token === '') return null;
    if (typeof token !== 'string') throw unauthenticated('Token must be a string');
    const identity = await verifier.verify(token);
    return identifyActor(orm.em.fork(), identity, deps);
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

import type { MikroORM } from '@mikro-orm/postgresql';
import { decodeJwt } from 'jose';
import { isDatabaseUnavailable } from '../db/outage.js';
import { unauthenticated } from '../errors/error-codes.js';
import { reportOutage, serviceUnavailable } from '../errors/outage.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PeopleDeps } from '../people/person-ref.js';
import type { ActorCache } from './actor-cache.js';
import { DpopVerifier, type ProofTarget } from './dpop.js';
import { ActorIdentifier } from './identify-actor.js';
import type { Actor } from '../policy/actor.js';
import { IssuerUnavailable, type TokenScheme, type TokenVerifier } from './token-verifier.js';

export type { ProofTarget } from './dpop.js';

/** Turns a token into an Actor. Shared by every door: HTTP, graphql-ws and the live document. */
export interface Authenticator {
  /**
   * Reads an `Authorization: Bearer …` or `Authorization: DPoP …` header value. DPoP needs the
   * request (`target`): a door that passes none refuses the DPoP scheme.
   */
  actorFromAuthorization(header: string | undefined, target?: ProofTarget): Promise<Actor | null>;
  /**
   * The WebSocket doors' credentials: a token (a `Bearer ` or `DPoP ` prefix is allowed) and, for
   * a DPoP-bound token, a proof made for the upgrade request (`htm` GET, `htu` the door's URL,
   * `ws(s)://` or `http(s)://`; docs/identity.md, "DPoP at the WebSocket doors"). Without a proof
   * the token is taken as a bearer token. `upgradeUrl` is the URL the client opened, as
   * `proofTargetOf` reads it.
   */
  actorFromSocket(credentials: { token: unknown; proof: unknown }, upgradeUrl: string, hooks?: SignInHooks): Promise<Actor | null>;
}

export interface SignInHooks {
  /**
   * Called once the token (and its proof) checks out, before the person is looked up: a door can
   * start reads that need a genuine caller but not yet who they are (the live door's plan facts).
   */
  onTokenVerified?: () => void;
}

export function createAuthenticator(orm: MikroORM, verifier: TokenVerifier, deps: PeopleDeps & { events: EventBus }, logger: Logger, actors: ActorCache): Authenticator {
  const proofs = new DpopVerifier();
  const identifier = new ActorIdentifier(orm, deps, logger);
  const outage = (error: unknown): unknown => {
    const dependency = error instanceof IssuerUnavailable ? 'identity-provider' : isDatabaseUnavailable(error) ? 'database' : null;
    if (!dependency) return error;
    reportOutage(logger, dependency, error, error instanceof IssuerUnavailable ? { issuer: error.issuer } : {});
    return serviceUnavailable(dependency);
  };

  const resolve = async (token: string, scheme: TokenScheme, target?: ProofTarget, hooks?: SignInHooks): Promise<Actor> => {
    // A proof is for one request: checked every time, before the cache, whatever the cache holds.
    const proofKey = scheme === 'DPoP' ? await proofs.verify(target!, token) : null;
    // Apart per scheme: a token that passed with its proof must not pass bare.
    const cacheKey = scheme === 'DPoP' ? `DPoP ${token}` : token;
    const known = actors.get(cacheKey);
    if (known) {
      // Cached under its scheme, so the token was verified whole: its cnf.jkt can be read as is.
      if (proofKey && boundKeyOfVerified(token) !== proofKey) throw unauthenticated('DPoP proof is signed by another key than the token is bound to (cnf.jkt)');
      hooks?.onTokenVerified?.();
      return known;
    }
    try {
      const identity = await verifier.verify(token, scheme);
      if (proofKey && identity.boundKey !== proofKey) throw unauthenticated('DPoP proof is signed by another key than the token is bound to (cnf.jkt)');
      hooks?.onTokenVerified?.();
      const actor = await identifier.identify(identity);
      actors.set(cacheKey, actor);
      return actor;
    } catch (error) {
      throw outage(error);
    }
  };

  return {
    async actorFromSocket({ token, proof }, upgradeUrl, hooks) {
      if (token === null || token === undefined || token === '') return null;
      if (typeof token !== 'string') throw unauthenticated('Token must be a string');
      if (proof !== undefined && proof !== null && typeof proof !== 'string') throw unauthenticated('DPoP proof must be a string');
      const match = /^(?:(Bearer|DPoP)\s+)?(\S+)$/i.exec(token.trim());
      if (!match) throw unauthenticated('Token must be "<token>", "Bearer <token>" or "DPoP <token>"');
      const named = match[1]?.toLowerCase();
      // A proof makes it DPoP; a token named DPoP without one is refused by the proof check, never taken as Bearer.
      const scheme: TokenScheme = proof || named === 'dpop' ? 'DPoP' : 'Bearer';
      if (named === 'bearer' && proof) throw unauthenticated('A DPoP proof comes with the DPoP scheme, not Bearer');
      return resolve(match[2]!, scheme, scheme === 'DPoP' ? { proof: proof || undefined, method: 'GET', url: upgradeUrl } : undefined, hooks);
    },
    async actorFromAuthorization(header, target) {
      if (!header) return null;
      const match = /^(Bearer|DPoP)\s+(\S+)$/i.exec(header.trim());
      if (!match) throw unauthenticated('Authorization header must be "Bearer <token>" or "DPoP <token>"');
      const scheme: TokenScheme = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
      if (scheme === 'DPoP' && !target) throw unauthenticated('DPoP is not accepted at this endpoint; present the token as Bearer');
      return resolve(match[2]!, scheme, target);
    },
  };
}

function boundKeyOfVerified(token: string): string | null {
  const cnf = decodeJwt(token)['cnf'] as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === 'string' ? cnf.jkt : null;
}

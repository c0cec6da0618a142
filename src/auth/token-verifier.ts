import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { IssuerConfig } from '../config/config.js';
import { unauthenticated } from '../errors/error-codes.js';
import type { Logger } from '../logging/logger.js';
import { isNationalIdentityNumber } from '../people/national-identity-number.js';
import type { PersonKind } from '../people/person.entity.js';
import { IssuerUnavailable, issuerKeys } from './issuer-keys.js';

export { IssuerUnavailable } from './issuer-keys.js';

/** What a valid token tells us about its bearer. The identity provider vouches; Samplan decides access. */
export interface Identity {
  issuer: string;
  subject: string;
  kind: PersonKind;
  /** The token's name; null when it carries none (ID-porten's never do). */
  displayName: string | null;
  hprNumber: string | null;
  /** Fødselsnummer or D-nummer, checked; null when the token carries none. Never log it. */
  nationalIdentityNumber: string | null;
  /** The thumbprint of the key the token is bound to (`cnf.jkt`, DPoP); null for a bearer token. */
  boundKey: string | null;
  expiresAt: Date;
}

/** How the client presented the token: `Authorization: Bearer …` (and every WebSocket door), or `Authorization: DPoP …`. */
export type TokenScheme = 'Bearer' | 'DPoP';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An issuer we trust, with the keys its tokens must be signed with. */
export type TrustedIssuer = DistributiveOmit<IssuerConfig, 'jwksUrl'> & { keys: JWTVerifyGetKey };

/** Real issuers fetch (and cache) their keys, from the configured JWKS URL or through discovery. */
export function trustConfiguredIssuer(issuer: IssuerConfig, logger?: Logger): TrustedIssuer {
  const { jwksUrl: _jwksUrl, ...rest } = issuer;
  return { ...rest, keys: issuerKeys(issuer, logger) };
}

export interface TokenVerifier {
  /**
   * Resolves the identity of a token presented with `scheme`, throws `UNAUTHENTICATED`, or
   * `IssuerUnavailable` when the issuer's keys cannot be fetched. A DPoP token's proof is the
   * caller's to check against `boundKey` (src/auth/dpop.ts).
   */
  verify(token: string, scheme?: TokenScheme): Promise<Identity>;
}

const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
/** `typ` headers of an access token (RFC 9068's at+jwt, or the generic JWT); an id token is none of Samplan's business. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

export function createTokenVerifier(issuers: readonly TrustedIssuer[]): TokenVerifier {
  const byIssuer = new Map(issuers.map((issuer) => [issuer.issuer, issuer]));
  return {
    async verify(token, scheme = 'Bearer') {
      const trusted = byIssuer.get(unverifiedIssuer(token));
      if (!trusted) throw unauthenticated('Token is not from a trusted issuer');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, trusted.keys, {
          issuer: trusted.issuer,
          audience: trusted.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          requiredClaims: ['sub', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        if (error instanceof IssuerUnavailable) throw error;
        throw unauthenticated(describeRejection(error));
      }
      assertAccessToken(token, payload);
      const boundKey = boundKeyOf(payload);
      assertScheme(trusted, scheme, boundKey);
      return identityFrom(trusted, payload, boundKey);
    },
  };
}

function unverifiedIssuer(token: string): string {
  try {
    // Reading the header first also rejects tokens that are not compact JWS at all.
    const header = decodeProtectedHeader(token);
    if (!header.alg || header.alg === 'none') throw new Error('unsigned');
    return decodeJwt(token).iss ?? '';
  } catch {
    throw unauthenticated('Token is malformed or unsigned');
  }
}

/**
 * An access token, not the id token the client got beside it: Digdir's id tokens carry `nonce`
 * (and `at_hash`) and are issued for the client, its access tokens carry `client_id` and are
 * issued for the API (`aud`, checked above). A `typ` header, when there is one, must say access token.
 */
function assertAccessToken(token: string, payload: JWTPayload): void {
  const typ = decodeProtectedHeader(token).typ;
  if (typ !== undefined && !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) throw unauthenticated(`Token type "${typ}" is not an access token`);
  if (payload['nonce'] !== undefined || payload['at_hash'] !== undefined) {
    throw unauthenticated('An id token is not an access token: send the access token');
  }
}

function boundKeyOf(payload: JWTPayload): string | null {
  const cnf = payload['cnf'];
  if (cnf === undefined) return null;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['jkt'] : undefined;
  if (typeof jkt !== 'string' || !jkt) throw unauthenticated('Token confirmation (cnf) names no DPoP key (jkt)');
  return jkt;
}

function assertScheme(issuer: TrustedIssuer, scheme: TokenScheme, boundKey: string | null): void {
  if (scheme === 'Bearer') {
    if (boundKey) throw unauthenticated('Token is bound to a DPoP key: present it as "Authorization: DPoP <token>" with a DPoP proof');
    if (issuer.dpop === 'required') throw unauthenticated('Tokens of this issuer must be presented with DPoP');
    return;
  }
  if (issuer.dpop === 'off') throw unauthenticated('Tokens of this issuer are not accepted with DPoP');
  if (!boundKey) throw unauthenticated('Token is not bound to a DPoP key (cnf.jkt): present it as Bearer');
}

function describeRejection(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `Token claim "${error.claim}" is not acceptable`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Token algorithm is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'Token is signed with an unknown key';
  return 'Token could not be verified';
}

function identityFrom(issuer: TrustedIssuer, payload: JWTPayload, boundKey: string | null): Identity {
  const claim = (name: string) => (typeof payload[name] === 'string' ? (payload[name] as string) : null);
  const pid = claim(issuer.pidClaim);
  if (pid !== null && !isNationalIdentityNumber(pid)) throw unauthenticated('Token national identity number is not valid');
  // PostgreSQL's text holds no NUL: such a subject could never be a person, and in the statement
  // that looks up the sign-ins arriving together it would fail everyone else's with it.
  if (payload.sub?.includes('\u0000')) throw unauthenticated('Token subject is not valid');
  const base = {
    issuer: issuer.issuer,
    subject: payload.sub ?? '',
    displayName: displayNameFrom(payload),
    nationalIdentityNumber: pid,
    boundKey,
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
  if (issuer.kind === 'citizen') {
    if (claim('acr') !== issuer.requiredAcr) {
      throw unauthenticated(`Token assurance level (acr) must be ${issuer.requiredAcr}`);
    }
    return { ...base, kind: 'CITIZEN', hprNumber: null };
  }
  return { ...base, kind: 'PERSONNEL', hprNumber: claim(issuer.hprClaim) };
}

function displayNameFrom(payload: JWTPayload): string | null {
  if (typeof payload['name'] === 'string' && payload['name'].trim()) return payload['name'].trim().slice(0, 200);
  const parts = [payload['given_name'], payload['family_name']].filter((part) => typeof part === 'string' && part.trim());
  return parts.length ? parts.join(' ').slice(0, 200) : null;
}

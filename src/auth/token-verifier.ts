import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { IssuerConfig } from '../config/config.js';
import { unauthenticated } from '../errors/error-codes.js';
import type { PersonKind } from '../people/person.entity.js';

/** What a valid token tells us about its bearer. The identity provider vouches; Samplan decides access. */
export interface Identity {
  issuer: string;
  subject: string;
  kind: PersonKind;
  displayName: string;
  hprNumber: string | null;
  expiresAt: Date;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An issuer we trust, with the keys its tokens must be signed with. */
export type TrustedIssuer = DistributiveOmit<IssuerConfig, 'jwksUrl'> & { keys: JWTVerifyGetKey };

/** Real issuers fetch (and cache) their keys from the configured JWKS URL. */
export function trustConfiguredIssuer(issuer: IssuerConfig): TrustedIssuer {
  const { jwksUrl, ...rest } = issuer;
  return { ...rest, keys: remoteKeys(issuer.issuer, new URL(jwksUrl)) };
}

/** The issuer's key set could not be fetched: its outage, not a bad token (SERVICE_UNAVAILABLE). */
export class IssuerUnavailable extends Error {
  constructor(
    readonly issuer: string,
    cause: unknown,
  ) {
    super(`The key set of ${issuer} could not be fetched`, { cause });
    this.name = 'IssuerUnavailable';
  }
}

/**
 * jose's remote key set, with its failures sorted: a key set that answered but holds no key for
 * the token is the token's fault; a fetch that failed (refused, timed out, not 200, not a key set)
 * says nothing about the token, so it must never be answered as "invalid token".
 */
function remoteKeys(issuer: string, url: URL): JWTVerifyGetKey {
  const fetched = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await fetched(header, token);
    } catch (error) {
      if (isVerdictOnToken(error)) throw error;
      throw new IssuerUnavailable(issuer, error);
    }
  };
}

function isVerdictOnToken(error: unknown): boolean {
  return (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys ||
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  );
}

export interface TokenVerifier {
  /** Resolves the bearer's identity, throws `UNAUTHENTICATED`, or `IssuerUnavailable` when the issuer's keys cannot be fetched. */
  verify(token: string): Promise<Identity>;
}

const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;

export function createTokenVerifier(issuers: readonly TrustedIssuer[]): TokenVerifier {
  const byIssuer = new Map(issuers.map((issuer) => [issuer.issuer, issuer]));
  return {
    async verify(token) {
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
      return identityFrom(trusted, payload);
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

function describeRejection(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `Token claim "${error.claim}" is not acceptable`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Token algorithm is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'Token is signed with an unknown key';
  return 'Token could not be verified';
}

function identityFrom(issuer: TrustedIssuer, payload: JWTPayload): Identity {
  const claim = (name: string) => (typeof payload[name] === 'string' ? (payload[name] as string) : null);
  const base = {
    issuer: issuer.issuer,
    subject: payload.sub ?? '',
    displayName: displayNameFrom(payload),
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

function displayNameFrom(payload: JWTPayload): string {
  if (typeof payload['name'] === 'string' && payload['name'].trim()) return payload['name'].trim().slice(0, 200);
  const parts = [payload['given_name'], payload['family_name']].filter((part) => typeof part === 'string' && part.trim());
  return parts.length ? parts.join(' ').slice(0, 200) : 'Unnamed person';
}

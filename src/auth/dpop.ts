import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { unauthenticated } from '../errors/error-codes.js';

/** The HTTP request a DPoP proof must be made for (RFC 9449, section 4.3). */
export interface ProofTarget {
  /** The `DPoP` header's value; undefined when none was sent. */
  proof: string | undefined;
  method: string;
  /** The absolute URL the client sent the request to; its query and fragment are ignored. */
  url: string;
}

/** Proofs are accepted this long after their `iat` (and this much ahead of our clock). */
export const PROOF_MAX_AGE_SECONDS = 60;
const PROOF_CLOCK_TOLERANCE_SECONDS = 5;
/** Proof ids remembered at most; past it the oldest are forgotten first (docs/identity.md, "DPoP"). */
export const PROOF_REPLAY_CACHE_MAX = 100_000;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Checks DPoP proofs: typ `dpop+jwt`, an asymmetric signature by the public key in its own header,
 * `htm` and `htu` of this request, a fresh `iat`, a `jti` not seen before (on this server), and
 * `ath` the hash of the access token. Resolves with the proof key's thumbprint, which the caller
 * compares with the token's `cnf.jkt`.
 */
export class DpopVerifier {
  /** `thumbprint jti` → when it may be forgotten (ms), oldest first. */
  readonly #seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async verify(target: ProofTarget, accessToken: string): Promise<string> {
    if (!target.proof) throw unauthenticated('DPoP proof header is required with the DPoP scheme');
    let payload: JWTPayload;
    let jwk: Parameters<typeof calculateJwkThumbprint>[0];
    try {
      const verified = await jwtVerify(target.proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ASYMMETRIC_ALGORITHMS,
        requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
        maxTokenAge: PROOF_MAX_AGE_SECONDS,
        clockTolerance: PROOF_CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now()),
      });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk!;
    } catch (error) {
      throw unauthenticated(`DPoP proof is not acceptable: ${describe(error)}`);
    }
    if (payload['htm'] !== target.method.toUpperCase()) throw unauthenticated('DPoP proof is for another HTTP method (htm)');
    if (typeof payload['htu'] !== 'string' || withoutQuery(payload['htu']) !== withoutQuery(target.url)) {
      throw unauthenticated('DPoP proof is for another URL (htu)');
    }
    if (payload['ath'] !== accessTokenHash(accessToken)) throw unauthenticated('DPoP proof is for another access token (ath)');
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    this.#remember(`${thumbprint} ${String(payload.jti)}`);
    return thumbprint;
  }

  /** Proof ids held now (for tests and figures). */
  get size(): number {
    return this.#seen.size;
  }

  #remember(key: string): void {
    const now = this.now();
    for (const [seen, until] of this.#seen) {
      if (until > now && this.#seen.size < PROOF_REPLAY_CACHE_MAX) break;
      this.#seen.delete(seen);
    }
    if (this.#seen.has(key)) throw unauthenticated('DPoP proof has been used before (jti)');
    this.#seen.set(key, now + (PROOF_MAX_AGE_SECONDS + 2 * PROOF_CLOCK_TOLERANCE_SECONDS) * 1000);
  }
}

/** base64url(SHA-256(access token)), the proof's `ath`. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * A WebSocket is opened by an HTTP `GET` of the same URL: `wss://` names the `https://` request
 * (RFC 6455, section 3), so a proof for a WebSocket door may say either.
 */
const HTTP_SCHEME_OF: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' };

/** The URL without query and fragment, normalised (RFC 9449, section 4.3, step 9). */
function withoutQuery(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${HTTP_SCHEME_OF[parsed.protocol] ?? parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim "${error.claim}" ${error.reason === 'missing' ? 'is missing' : 'is not acceptable'}`;
  if (error instanceof joseErrors.JWTExpired) return 'it is too old (iat)';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its algorithm is not an accepted asymmetric one';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature is invalid';
  return 'it is malformed';
}

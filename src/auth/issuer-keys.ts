import { discoveryRequest, processDiscoveryResponse, allowInsecureRequests } from 'oauth4webapi';
import { createRemoteJWKSet, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import type { IssuerConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';

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

/** After a failed discovery, requests fail fast for this long before it is tried again. */
export const DISCOVERY_RETRY_MS = 5_000;
const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * The keys an issuer's tokens must be signed with: from its configured JWKS URL, or from the
 * `jwks_uri` of its OIDC discovery document (`<issuer>/.well-known/openid-configuration`, whose
 * `issuer` must be the configured one; oauth4webapi checks it). Discovery runs at start-up in the
 * background and again on use while it has not succeeded, never more often than every
 * DISCOVERY_RETRY_MS; until then tokens of this issuer get SERVICE_UNAVAILABLE, and the server runs.
 *
 * Rotation needs no restart: jose's remote key set fetches the keys again when a token names a
 * key it does not hold (at most every 30 s) and when its copy is ten minutes old.
 */
export function issuerKeys(issuer: Pick<IssuerConfig, 'issuer' | 'jwksUrl'>, logger?: Logger): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | null = issuer.jwksUrl ? createRemoteJWKSet(new URL(issuer.jwksUrl)) : null;
  let discovering: Promise<JWTVerifyGetKey> | null = null;
  let failed: { at: number; error: unknown } | null = null;

  const discover = (): Promise<JWTVerifyGetKey> =>
    (discovering ??= discoverJwksUri(issuer.issuer)
      .then((jwksUri) => {
        logger?.info({ event: 'oidc.discovered', issuer: issuer.issuer, jwksUri });
        failed = null;
        return (keys = createRemoteJWKSet(new URL(jwksUri)));
      })
      .catch((error: unknown) => {
        failed = { at: Date.now(), error };
        logger?.warn({ event: 'oidc.discovery_failed', issuer: issuer.issuer, retryInMs: DISCOVERY_RETRY_MS, err: error });
        throw error;
      })
      .finally(() => {
        discovering = null;
      }));

  // At start-up, in the background: a failure is logged and tried again on use.
  if (!keys) discover().catch(() => undefined);

  return async (header, token) => {
    let current = keys;
    if (!current) {
      if (failed && Date.now() - failed.at < DISCOVERY_RETRY_MS) throw new IssuerUnavailable(issuer.issuer, failed.error);
      try {
        current = await discover();
      } catch (error) {
        throw new IssuerUnavailable(issuer.issuer, error);
      }
    }
    try {
      return await current(header, token);
    } catch (error) {
      // A key set that answered but holds no key for the token is the token's fault; a fetch that
      // failed (refused, timed out, not 200, not a key set) says nothing about the token.
      if (isVerdictOnToken(error)) throw error;
      throw new IssuerUnavailable(issuer.issuer, error);
    }
  };
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const issuerUrl = new URL(issuer);
  // Plain http only where the configuration itself says http (a local test provider).
  const insecure = issuerUrl.protocol === 'http:';
  const response = await discoveryRequest(issuerUrl, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), [allowInsecureRequests]: insecure });
  const metadata = await processDiscoveryResponse(issuerUrl, response);
  if (typeof metadata.jwks_uri !== 'string') throw new Error(`The discovery document of ${issuer} has no jwks_uri`);
  const jwksUri = new URL(metadata.jwks_uri);
  if (jwksUri.protocol !== 'https:' && !(insecure && jwksUri.protocol === 'http:')) {
    throw new Error(`The jwks_uri of ${issuer} must be https`);
  }
  return jwksUri.toString();
}

function isVerdictOnToken(error: unknown): boolean {
  return (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys ||
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  );
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/**
 * A stand-in for an outside OIDC provider (ID-porten, HelseID): a key pair made here, its public
 * half served as a JWKS over real HTTP, with an OIDC discovery document naming it, and a signer
 * for tokens with any claims.
 */
export interface FakeIssuer {
  /** `http://127.0.0.1:<port>`: the issuer identifier its discovery document names. */
  issuerUrl: string;
  jwksUrl: string;
  sign(claims: JWTPayload, options?: { key?: CryptoKey; kid?: string; alg?: string; typ?: string }): Promise<string>;
  /** A key the JWKS does not publish, for forged signatures. */
  otherKey: CryptoKey;
  /** Replaces the signing key with a new one under a new kid; the JWKS publishes only the new one. */
  rotate(): Promise<void>;
  /** Requests the discovery document has had. */
  discoveryRequests: number;
  /** Makes the discovery document answer 503 (true) or normally (false). */
  failDiscovery(failing: boolean): void;
  close(): Promise<void>;
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  let signing = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  let kid = 'test-key';
  let jwks: { keys: JWK[] } = { keys: [{ ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let failing = false;
  let issuerUrl = '';
  const server = http.createServer((req, res) => {
    if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    } else if (req.url === '/.well-known/openid-configuration') {
      fake.discoveryRequests += 1;
      res.statusCode = failing ? 503 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(failing ? '{}' : JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks`, token_endpoint: `${issuerUrl}/token` }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuerUrl = `http://127.0.0.1:${port}`;
  const fake: FakeIssuer = {
    issuerUrl,
    jwksUrl: `${issuerUrl}/jwks`,
    otherKey: other.privateKey,
    discoveryRequests: 0,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, ...(options.typ ? { typ: options.typ } : {}) })
        .sign(options.key ?? signing.privateKey),
    async rotate() {
      signing = await generateKeyPair('RS256');
      kid = `test-key-${Date.now()}`;
      jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
    },
    failDiscovery(value) {
      failing = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}

/**
 * A valid national identity number (its check digits hold) for a birth date `ddmmyy` and a
 * three-digit individual number; synthetic (month + 80, as Tenor's) when `synthetic`.
 */
export function nationalIdentityNumber(ddmmyy: string, individual: number, synthetic = false): string {
  for (let n = individual; n < individual + 50; n++) {
    const date = synthetic ? `${ddmmyy.slice(0, 2)}${Number(ddmmyy.slice(2, 4)) + 80}${ddmmyy.slice(4)}` : ddmmyy;
    const nine = `${date}${String(n % 1000).padStart(3, '0')}`;
    const digits = [...nine].map(Number);
    const k1 = control(digits, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
    if (k1 === null) continue;
    const k2 = control([...digits, k1], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    if (k2 === null) continue;
    return `${nine}${k1}${k2}`;
  }
  throw new Error('no valid number near that individual number');
}

function control(digits: number[], weights: number[]): number | null {
  const digit = (11 - (weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0) % 11)) % 11;
  return digit === 10 ? null : digit;
}

import { createHash, randomUUID } from 'node:crypto';
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
  /**
   * Signs a browser in by authorization code with PKCE: `/authorize` sends it straight back with a
   * code for `login(client_id)` (no login page), `/token` checks the verifier and answers with an
   * access token of those claims for the requested `resource`, and an id token.
   */
  login: ((clientId: string) => JWTPayload) | null;
  close(): Promise<void>;
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  let signing = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  let kid = 'test-key';
  let jwks: { keys: JWK[] } = { keys: [{ ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let failing = false;
  let issuerUrl = '';
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string; resource: string; nonce: string | null }>();
  const server = http.createServer((req, res) => {
    // A browser app reads discovery and the token endpoint from its own origin.
    res.setHeader('access-control-allow-origin', '*');
    const url = new URL(req.url ?? '/', issuerUrl);
    if (url.pathname === '/authorize' && fake.login) {
      const code = randomUUID();
      const params = url.searchParams;
      if (params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) {
        res.statusCode = 400;
        return void res.end('PKCE (S256) is required');
      }
      codes.set(code, { challenge: params.get('code_challenge')!, redirectUri: params.get('redirect_uri')!, clientId: params.get('client_id')!, resource: params.get('resource') ?? '', nonce: params.get('nonce') });
      const back = new URL(params.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', params.get('state') ?? '');
      back.searchParams.set('iss', issuerUrl);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST' && fake.login) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(raw);
          const granted = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          res.setHeader('content-type', 'application/json');
          if (!granted || granted.challenge !== challenge || granted.redirectUri !== form.get('redirect_uri') || granted.clientId !== form.get('client_id')) {
            res.statusCode = 400;
            return void res.end(JSON.stringify({ error: 'invalid_grant' }));
          }
          const now = Math.floor(Date.now() / 1000);
          const claims = fake.login!(granted.clientId);
          const accessToken = await fake.sign({ iss: issuerUrl, aud: granted.resource, client_id: granted.clientId, iat: now, exp: now + 600, ...claims }, { typ: 'at+jwt' });
          const idToken = await fake.sign({ iss: issuerUrl, aud: granted.clientId, sub: claims.sub, iat: now, exp: now + 600, ...(granted.nonce ? { nonce: granted.nonce } : {}) });
          res.end(JSON.stringify({ access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 600 }));
        })();
      });
      return;
    }
    if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    } else if (req.url === '/.well-known/openid-configuration') {
      fake.discoveryRequests += 1;
      res.statusCode = failing ? 503 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(failing ? '{}' : JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks`, token_endpoint: `${issuerUrl}/token`, authorization_endpoint: `${issuerUrl}/authorize`, code_challenge_methods_supported: ['S256'], authorization_response_iss_parameter_supported: true }));
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
    login: null,
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

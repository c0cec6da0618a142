import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { DEV_AUDIENCE, DEV_ISSUERS } from '../config/config.js';
import type { TrustedIssuer } from './token-verifier.js';

const DEV_ALGORITHM = 'ES256';
const DEV_ACR = 'idporten-loa-high';
const DEV_TOKEN_LIFETIME = '8h';

export const devTokenRequestSchema = z.strictObject({
  sub: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['citizen', 'personnel']),
  /** Optional HPR number for personnel, as HelseID would send it. */
  hpr: z.string().regex(/^\d{1,10}$/).optional(),
});
export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;

export interface DevIssuer {
  /** Public keys, served at `/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
  /** The two issuers (citizen, personnel) to trust, verified like any real issuer. */
  trustedIssuers: TrustedIssuer[];
  mint(request: DevTokenRequest): Promise<string>;
}

/**
 * A development identity provider with a key made at start-up. Its tokens go through the same
 * verifier as ID-porten and HelseID tokens; it is never created in production.
 */
export async function createDevIssuer(): Promise<DevIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: DEV_ALGORITHM, use: 'sig' }] };
  const keys = createLocalJWKSet(jwks);
  return {
    jwks,
    trustedIssuers: [
      { kind: 'citizen', issuer: DEV_ISSUERS.citizen, audience: DEV_AUDIENCE, requiredAcr: DEV_ACR, keys },
      {
        kind: 'personnel',
        issuer: DEV_ISSUERS.personnel,
       
        audience: DEV_AUDIENCE,
        hprClaim: 'helseid://claims/hpr/hpr_number',
        keys,
      },
    ],
    async mint(request) {
      const claims: Record<string, string> = { name: request.name };
      if (request.kind === 'citizen') claims['acr'] = DEV_ACR;
      if (request.kind === 'personnel' && request.hpr) claims['helseid://claims/hpr/hpr_number'] = request.hpr;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid })
        .setIssuer(DEV_ISSUERS[request.kind])
        .setSubject(request.sub)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(DEV_TOKEN_LIFETIME)
        .sign(privateKey);
    },
  };
}

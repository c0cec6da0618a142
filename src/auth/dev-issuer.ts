import { randomUUID } from 'node:crypto';
import { mkdir, readFile, unlink, link, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { DEV_AUDIENCE, DEV_ISSUERS } from '../config/config.js';
import { isNationalIdentityNumber } from '../people/national-identity-number.js';
import type { TrustedIssuer } from './token-verifier.js';

const DEV_ALGORITHM = 'ES256';
const DEV_ACR = 'idporten-loa-high';
const DEV_TOKEN_LIFETIME = '8h';
const PID_CLAIMS = { citizen: 'pid', personnel: 'helseid://claims/identity/pid' } as const;

export const devTokenRequestSchema = z.strictObject({
  sub: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['citizen', 'personnel']),
  /** Optional HPR number for personnel, as HelseID would send it. */
  hpr: z.string().regex(/^\d{1,10}$/).optional(),
  /** Optional national identity number, as ID-porten (`pid`) or HelseID would send it. */
  pid: z.string().refine(isNationalIdentityNumber, 'must be a national identity number whose check digits hold').optional(),
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
 * A development identity provider. Its tokens go through the same verifier as ID-porten and
 * HelseID tokens; it is never created in production. Its signing key is kept in `keyFile`
 * (made with mode 0600 when missing), so the tokens it minted still hold after a restart.
 */
export async function createDevIssuer(options: { keyFile: string }): Promise<DevIssuer> {
  const { privateKey, publicJwk } = await signingKey(options.keyFile);
  const jwks = { keys: [publicJwk] };
  const keys = createLocalJWKSet(jwks);
  const common = { audience: DEV_AUDIENCE, dpop: 'allowed', keys } as const;
  return {
    jwks,
    trustedIssuers: [
      { ...common, kind: 'citizen', issuer: DEV_ISSUERS.citizen, requiredAcr: DEV_ACR, pidClaim: PID_CLAIMS.citizen },
      { ...common, kind: 'personnel', issuer: DEV_ISSUERS.personnel, hprClaim: 'helseid://claims/hpr/hpr_number', pidClaim: PID_CLAIMS.personnel },
    ],
    async mint(request) {
      const claims: Record<string, string> = { name: request.name, client_id: 'samplan-dev' };
      if (request.kind === 'citizen') claims['acr'] = DEV_ACR;
      if (request.kind === 'personnel' && request.hpr) claims['helseid://claims/hpr/hpr_number'] = request.hpr;
      if (request.pid) claims[PID_CLAIMS[request.kind]] = request.pid;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid: publicJwk.kid!, typ: 'at+jwt' })
        .setIssuer(DEV_ISSUERS[request.kind])
        .setSubject(request.sub)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(DEV_TOKEN_LIFETIME)
        .sign(privateKey);
    },
  };
}

const storedKeySchema = z.object({ kid: z.string().min(1), privateJwk: z.record(z.string(), z.unknown()) });

async function signingKey(keyFile: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const stored = (await readStored(keyFile)) ?? (await createStored(keyFile));
  const privateKey = (await importJWK(stored.privateJwk as JWK, DEV_ALGORITHM)) as CryptoKey;
  const { d: _private, ...publicHalf } = stored.privateJwk as JWK;
  return { privateKey, publicJwk: { ...publicHalf, kid: stored.kid, alg: DEV_ALGORITHM, use: 'sig' } };
}

async function readStored(keyFile: string): Promise<z.infer<typeof storedKeySchema> | null> {
  let raw: string;
  try {
    raw = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = storedKeySchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${keyFile} is not a development issuer key; delete it to make a new one`);
  return parsed.data;
}

/** Written whole under another name, then linked into place: two servers starting at once agree on one key. */
async function createStored(keyFile: string): Promise<z.infer<typeof storedKeySchema>> {
  const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const stored = { kid: randomUUID(), privateJwk: await exportJWK(privateKey) };
  await mkdir(path.dirname(keyFile), { recursive: true });
  const partial = `${keyFile}.${randomUUID()}.partial`;
  await writeFile(partial, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  try {
    await link(partial, keyFile);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readStored(keyFile))!;
  } finally {
    await unlink(partial);
  }
}

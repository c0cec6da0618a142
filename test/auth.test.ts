import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor } from './helpers/editor.js';
import { startFakeIssuer, type FakeIssuer } from './helpers/fake-issuer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

const CITIZEN_ISSUER = 'https://idporten.test';
const PERSONNEL_ISSUER = 'https://helseid.test';
const AUDIENCE = 'samplan-test';
const now = () => Math.floor(Date.now() / 1000);

describe('identity', () => {
  let issuer: FakeIssuer;
  let t: TestApp;

  beforeAll(async () => {
    issuer = await startFakeIssuer();
    t = await startTestApp({
      OIDC_ISSUERS: JSON.stringify([
        { kind: 'citizen', issuer: CITIZEN_ISSUER, jwksUrl: issuer.jwksUrl, audience: AUDIENCE, requiredAcr: 'idporten-loa-high' },
        { kind: 'personnel', issuer: PERSONNEL_ISSUER, jwksUrl: issuer.jwksUrl, audience: AUDIENCE },
      ]),
    });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  const citizenClaims = (extra: Record<string, unknown> = {}) => ({
    iss: CITIZEN_ISSUER,
    aud: AUDIENCE,
    sub: 'citizen-1',
    name: 'Kari Citizen',
    acr: 'idporten-loa-high',
    iat: now(),
    exp: now() + 300,
    ...extra,
  });

  const me = (authorization: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ me { person { displayName kind } hprNumber } }' }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));

  it('accepts a citizen token at the required assurance level', async () => {
    const { status, body } = await me(`Bearer ${await issuer.sign(citizenClaims())}`);
    expect(status).toBe(200);
    expect(body.data.me.person).toEqual({ displayName: 'Kari Citizen', kind: 'CITIZEN' });
  });

  it('keeps the HPR number of a personnel token', async () => {
    const token = await issuer.sign({
      iss: PERSONNEL_ISSUER, aud: AUDIENCE, sub: 'nurse-1', name: 'Nina Nurse', exp: now() + 300,
      'helseid://claims/hpr/hpr_number': '1234567',
    });
    const { body } = await me(`Bearer ${token}`);
    expect(body.data.me).toEqual({ person: { displayName: 'Nina Nurse', kind: 'PERSONNEL' }, hprNumber: '1234567' });
  });

  const rejections: Array<[string, () => Promise<string>]> = [
    ['an expired token', () => issuer.sign(citizenClaims({ iat: now() - 600, exp: now() - 60 })).then((token) => `Bearer ${token}`)],
    ['a token from an issuer we do not trust', () => issuer.sign(citizenClaims({ iss: 'https://evil.test' })).then((token) => `Bearer ${token}`)],
    ['a token for another audience', () => issuer.sign(citizenClaims({ aud: 'someone-else' })).then((token) => `Bearer ${token}`)],
    ['an unsigned token (alg none)', async () => `Bearer ${new UnsecuredJWT(citizenClaims()).encode()}`],
    ['a token signed with a key the issuer does not publish', () => issuer.sign(citizenClaims(), { key: issuer.otherKey }).then((token) => `Bearer ${token}`)],
    ['a citizen token below the required assurance level', () => issuer.sign(citizenClaims({ acr: 'idporten-loa-substantial' })).then((token) => `Bearer ${token}`)],
    ['a citizen token without acr', () => issuer.sign(citizenClaims({ acr: undefined })).then((token) => `Bearer ${token}`)],
    ['a token without a subject', () => issuer.sign(citizenClaims({ sub: undefined })).then((token) => `Bearer ${token}`)],
    ['a token with a tampered payload', async () => {
      const [header, , signature] = (await issuer.sign(citizenClaims())).split('.');
      const forged = Buffer.from(JSON.stringify(citizenClaims({ sub: 'someone-else' }))).toString('base64url');
      return `Bearer ${header}.${forged}.${signature}`;
    }],
    ['a token that is not a JWT', async () => 'Bearer not-a-token'],
    ['a non-bearer authorization header', async () => 'Basic dXNlcjpwYXNz'],
  ];

  it.each(rejections)('refuses %s with UNAUTHENTICATED (401)', async (_case, authorization) => {
    const { status, body } = await me(await authorization());
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });

  it('asks for a token when none is sent', async () => {
    const response = await t.gql('{ me { isAdmin } }');
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('mints development tokens that pass the same verification', async () => {
    const token = await t.token('dev-person', 'personnel', 'Dev Person');
    const { status, body } = await me(`Bearer ${token}`);
    expect(status).toBe(200);
    expect(body.data.me.person).toEqual({ displayName: 'Dev Person', kind: 'PERSONNEL' });
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kty: string; d?: string }> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]?.d).toBeUndefined(); // the public half only
  });

  it('refuses a malformed dev-token request with a clear 400', async () => {
    for (const body of ['{"sub":"x","kind":"citizen"}', '{"sub":"x","name":"X","kind":"admin"}', 'not json', '{"sub":"x","name":"X","kind":"citizen","acr":"forged"}']) {
      const response = await fetch(`${t.url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status, body).toBe(400);
    }
  });

  it('has no development issuer in production', async () => {
    const production = await startTestApp({ NODE_ENV: 'production' });
    try {
      const response = await fetch(`${production.url}/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'x', name: 'X', kind: 'citizen' }),
      });
      expect(response.status).toBe(404);
      // A token from a development issuer elsewhere means nothing here.
      const devToken = await t.token('intruder', 'citizen');
      expect((await production.gql('{ me { isAdmin } }', {}, devToken)).status).toBe(401);
    } finally {
      await production.close();
    }
  });

  it('closes a live-document connection with 4401 when its token expires', async () => {
    const token = await issuer.sign(citizenClaims({ sub: 'short-lived', exp: now() + 2 }));
    const created = await t.gql('mutation { createPlan(input: {}) { ... on CreatePlanSuccess { plan { id } } } }', {}, token);
    const planId = created.data!.createPlan.plan.id as string;
    const editor = connectEditor(t, planId, token);
    try {
      await editor.synced();
      await vi.waitFor(() => expect(editor.closes).toEqual([{ code: 4401, reason: 'Token expired' }]), { timeout: 8_000 });
    } finally {
      editor.destroy();
    }
  });
});

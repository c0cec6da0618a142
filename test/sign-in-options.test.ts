import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/config.js';
import type { SignInOptions } from '../src/http/routes.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const ISSUERS = [
  { kind: 'citizen', issuer: 'https://idporten.example', audience: 'https://samplan.example', jwksUrl: 'http://127.0.0.1:9/jwks', browserClient: { clientId: 'samplan-web', scope: 'openid profile' } },
  { kind: 'personnel', issuer: 'https://helseid.example', audience: 'nhn:samplan', jwksUrl: 'http://127.0.0.1:9/jwks', dpop: 'required', browserClient: { clientId: 'samplan-web-personnel' } },
  // No browser client: a token of this issuer is accepted, but browsers are not sent to sign in there.
  { kind: 'personnel', issuer: 'https://backend-only.example', audience: 'samplan', jwksUrl: 'http://127.0.0.1:9/jwks' },
];

const optionsOf = async (t: TestApp) => {
  const response = await fetch(`${t.url}/auth/sign-in-options`);
  expect(response.status).toBe(200);
  return (await response.json()) as SignInOptions;
};

describe('GET /auth/sign-in-options', () => {
  let withDev: TestApp;
  let withoutDev: TestApp;
  beforeAll(async () => {
    withDev = await startTestApp({ OIDC_ISSUERS: JSON.stringify(ISSUERS) });
    withoutDev = await startTestApp({ OIDC_ISSUERS: JSON.stringify(ISSUERS), DEV_AUTH: 'false' });
  });
  afterAll(async () => {
    await withDev?.close();
    await withoutDev?.close();
  });

  it('lists the issuers a browser may sign in at, with their public client, and nothing else of the configuration', async () => {
    const options = await optionsOf(withoutDev);
    expect(options).toEqual({
      issuers: [
        { kind: 'citizen', issuer: 'https://idporten.example', clientId: 'samplan-web', scope: 'openid profile', audience: 'https://samplan.example', dpop: 'allowed' },
        { kind: 'personnel', issuer: 'https://helseid.example', clientId: 'samplan-web-personnel', scope: 'openid', audience: 'nhn:samplan', dpop: 'required' },
      ],
      development: null,
    });
    expect(JSON.stringify(options)).not.toContain('jwks');
  });

  it("offers the demo municipality's people with the development issuer, each of whom can sign in as offered", async () => {
    const { development } = await optionsOf(withDev);
    expect(development?.tokenUrl).toBe('/auth/dev-token');
    const subs = development!.people.map((person) => person.sub);
    expect(subs).toEqual(expect.arrayContaining(['anna', 'bjorn', 'kari', 'ola']));
    expect(subs).not.toContain('seed-admin');
    for (const person of development!.people) {
      expect(person.about.length, person.sub).toBeGreaterThan(0);
      const minted = await fetch(`${withDev.url}${development!.tokenUrl}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: person.sub, name: person.name, kind: person.kind }),
      });
      expect(minted.status, person.sub).toBe(200);
      const { token } = (await minted.json()) as { token: string };
      const me = await withDev.gql<{ me: { person: { displayName: string; kind: string } } }>('{ me { person { displayName kind } } }', {}, token);
      expect(me.data?.me.person, person.sub).toEqual({ displayName: person.name, kind: person.kind.toUpperCase() });
    }
  });

  it('answers a browser of an allowed origin (CORS) without a token, and only that origin', async () => {
    const allowed = await startTestApp({ ALLOWED_ORIGINS: 'https://web.kommune.example' });
    try {
      const ours = await fetch(`${allowed.url}/auth/sign-in-options`, { headers: { origin: 'https://web.kommune.example' } });
      expect(ours.status).toBe(200);
      expect(ours.headers.get('access-control-allow-origin')).toBe('https://web.kommune.example');
      const theirs = await fetch(`${allowed.url}/auth/sign-in-options`, { headers: { origin: 'https://evil.example' } });
      expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await allowed.close();
    }
  });
});

describe('an issuer\'s browser client in OIDC_ISSUERS', () => {
  const parse = (browserClient: unknown) =>
    parseConfig({ NODE_ENV: 'test', OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: 'https://idporten.example', audience: 'a', browserClient }]) });

  it('is refused with a secret, an empty client id or malformed scopes, naming the variable', () => {
    for (const bad of [{ clientId: 'x', clientSecret: 's' }, { clientId: '' }, { clientId: 'x', scope: 'openid  profile' }, { clientId: 'x', scope: 'openid "profile"' }, 'samplan-web']) {
      expect(() => parse(bad), JSON.stringify(bad)).toThrow(ConfigError);
      expect(() => parse(bad)).toThrow(/OIDC_ISSUERS/);
    }
    expect(parse({ clientId: 'samplan-web', scope: 'openid profile' }).issuers[0]?.browserClient).toEqual({ clientId: 'samplan-web', scope: 'openid profile' });
  });
});

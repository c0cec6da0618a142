import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import fc from 'fast-check';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessTokenHash } from '../src/auth/dpop.js';
import { nationalIdentityNumber, startFakeIssuer, type FakeIssuer } from './helpers/fake-issuer.js';
import { errorCode, expectData } from './helpers/graphql.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const AUDIENCE = 'samplan-api';
const now = () => Math.floor(Date.now() / 1000);
const INGRID = nationalIdentityNumber('130972', 480);
const ERIK = nationalIdentityNumber('010180', 123);
const NURSE = nationalIdentityNumber('050565', 310, true);

describe('identity as ID-porten and HelseID issue it', () => {
  let idporten: FakeIssuer;
  let helseid: FakeIssuer;
  let t: TestApp;
  const { logger, records } = recordingLogger('debug');

  beforeAll(async () => {
    idporten = await startFakeIssuer();
    helseid = await startFakeIssuer();
    // Both configured by their issuer URL alone: the keys are found through discovery.
    t = await startTestApp(
      {
        OIDC_ISSUERS: JSON.stringify([
          { kind: 'citizen', issuer: idporten.issuerUrl, audience: AUDIENCE },
          { kind: 'personnel', issuer: helseid.issuerUrl, audience: AUDIENCE, dpop: 'required' },
        ]),
      },
      { logger },
    );
  });
  afterAll(async () => {
    await t?.close();
    await idporten?.close();
    await helseid?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** An ID-porten access token as Digdir documents it: no name, a pairwise sub, pid, client_id. */
  const citizenToken = (sub: string, pid: string | undefined, extra: Record<string, unknown> = {}) =>
    idporten.sign({ iss: idporten.issuerUrl, aud: AUDIENCE, sub, pid, client_id: 'client-a', acr: 'idporten-loa-high', iat: now(), exp: now() + 300, ...extra });

  /** Ingrid's plan (one per person: made the first time, found after). */
  const ingridsPlan = async (ingrid: string): Promise<string> => {
    const created = expectData(
      await t.gql<any>('mutation { createPlan(input: {title: "Ingrids plan"}) { ... on CreatePlanSuccess { plan { id } } ... on PlanAlreadyExists { existingPlan { id } } } }', {}, ingrid),
      'createPlan',
    ).createPlan;
    return (created.plan ?? created.existingPlan).id as string;
  };

  const me = async (token: string) =>
    expectData(await t.gql<{ me: { person: { id: string; displayName: string; kind: string } } }>('{ me { person { id displayName kind } } }', {}, token), 'me').me.person;

  it('makes one person of the same pid signing in through two clients (pairwise subs)', async () => {
    const first = await me(await citizenToken('pairwise-sub-for-client-a', INGRID));
    const second = await me(await citizenToken('pairwise-sub-for-client-b', INGRID, { client_id: 'client-b' }));
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ kind: 'CITIZEN', displayName: 'Ukjent navn' });
    // ID-porten sends no name: the one the person sets stays through later sign-ins.
    const token = await citizenToken('pairwise-sub-for-client-a', INGRID);
    expectData(await t.gql('mutation { setMyDisplayName(displayName: " Ingrid Lund ") { displayName } }', {}, token), 'setMyDisplayName');
    expect((await me(await citizenToken('pairwise-sub-for-client-b', INGRID))).displayName).toBe('Ingrid Lund');
  });

  it('refuses, and explains, an account whose issuer now gives another number', async () => {
    await me(await citizenToken('renumbered', nationalIdentityNumber('070707', 700)));
    const response = await t.gql('{ me { isAdmin } }', {}, await citizenToken('renumbered', nationalIdentityNumber('080808', 800)));
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toMatch(/another national identity number/);
    expect(records.some((record) => record['event'] === 'person.identity_conflict')).toBe(true);
  });

  it('lets the number decide when it names another person than the subject does, and logs the split', async () => {
    const number = nationalIdentityNumber('090909', 900);
    const bySubject = await me(await citizenToken('split-sub', undefined));
    const ingrid = await citizenToken('ingrid-sub', INGRID);
    const id = await ingridsPlan(ingrid);
    const invited = expectData(
      await t.gql<any>(
        'mutation($input: AddParticipantInput!) { addParticipant(input: $input) { ... on ParticipantAdded { participant { person { id } } } } }',
        { input: { planId: id, role: 'RELATIVE', person: { nationalIdentityNumber: number, displayName: 'Delt Person' } } },
        ingrid,
      ),
      'addParticipant',
    ).addParticipant.participant.person.id as string;
    const signedIn = await me(await citizenToken('split-sub', number));
    expect(signedIn.id).toBe(invited);
    expect(signedIn.id).not.toBe(bySubject.id);
    expect(records.find((record) => record['event'] === 'person.identity_split')).toMatchObject({ personId: invited, otherPersonId: bySubject.id });
  });

  it('records the pid of a person first known by issuer and subject only', async () => {
    const before = await me(await citizenToken('known-before-pid', undefined));
    const number = nationalIdentityNumber('220295', 555);
    const after = await me(await citizenToken('known-before-pid', number));
    expect(after.id).toBe(before.id);
    // Found by the number now, through another client's sub.
    expect((await me(await citizenToken('another-client-sub', number))).id).toBe(before.id);
  });

  it('finds an invitation by national identity number at the first sign-in', async () => {
    const ingrid = await citizenToken('ingrid-sub', INGRID);
    const planId = await ingridsPlan(ingrid);
    const added = await t.gql<any>(
      'mutation($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on ParticipantAdded { participant { person { id displayName } } } } }',
      { input: { planId, role: 'RELATIVE', person: { nationalIdentityNumber: ERIK, displayName: 'Erik Lund' } } },
      ingrid,
    );
    const invited = expectData(added, 'addParticipant').addParticipant.participant.person as { id: string; displayName: string };
    expect(JSON.stringify(added)).not.toContain(ERIK);
    const erik = await citizenToken('erik-first-sign-in', ERIK);
    expect(await me(erik)).toMatchObject({ id: invited.id, displayName: 'Erik Lund' });
    const plans = expectData(await t.gql<any>('{ plans(first: 10) { edges { node { id } } } }', {}, erik), 'plans');
    expect(plans.plans.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(planId);
  });

  it('refuses a national identity number whose check digits do not hold, without repeating it', async () => {
    const ingrid = await citizenToken('ingrid-sub', INGRID);
    const bad = `${ERIK.slice(0, 10)}${(Number(ERIK[10]) + 1) % 10}`;
    const response = await t.gql(
      'mutation($input: AddParticipantInput!) { addParticipant(input: $input) { __typename } }',
      { input: { planId: await ingridsPlan(ingrid), role: 'RELATIVE', person: { nationalIdentityNumber: bad, displayName: 'X' } } },
      ingrid,
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(response)).not.toContain(bad);
  });

  it('refuses a subject PostgreSQL cannot hold, and the sign-ins beside it still succeed', async () => {
    const [bad, good] = await Promise.all([citizenToken('nul\u0000sub', undefined), citizenToken('beside-nul-sub', undefined)]);
    const [refused, admitted] = await Promise.all([t.gql('{ me { isAdmin } }', {}, bad), t.gql('{ me { isAdmin } }', {}, good)]);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(admitted.errors).toBeUndefined();
  });

  it('refuses an id token presented as an access token, and a token for another audience', async () => {
    for (const token of [
      await citizenToken('id-token', INGRID, { nonce: 'n-0S6', client_id: undefined, aud: 'client-a' }),
      await citizenToken('id-token', INGRID, { nonce: 'n-0S6' }),
      await idporten.sign({ iss: idporten.issuerUrl, aud: AUDIENCE, sub: 'x', acr: 'idporten-loa-high', exp: now() + 60 }, { typ: 'id_token+jwt' }),
    ]) {
      expect(errorCode(await t.gql('{ me { isAdmin } }', {}, token))).toBe('UNAUTHENTICATED');
    }
  });

  it('verifies tokens signed with a rotated key, without a restart', async () => {
    await me(await citizenToken('before-rotation', undefined));
    await idporten.rotate();
    // jose fetches the key set again for an unknown kid once its 30-second cooldown has passed.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await me(await citizenToken('after-rotation', undefined))).kind).toBe('CITIZEN');
  });

  it('refuses a discovery document that names another issuer', async () => {
    const impostor = await startFakeIssuer();
    // Configured as localhost: the document says 127.0.0.1, which is another issuer identifier.
    const configured = impostor.issuerUrl.replace('127.0.0.1', 'localhost');
    const other = await startTestApp({ OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: configured, audience: AUDIENCE }]) });
    try {
      const token = await impostor.sign({ iss: configured, aud: AUDIENCE, sub: 's', acr: 'idporten-loa-high', iat: now(), exp: now() + 600 });
      expect(errorCode(await other.gql('{ me { isAdmin } }', {}, token))).toBe('SERVICE_UNAVAILABLE');
      // It was asked, and answered: the refusal is the document's issuer, not an unreachable server.
      expect(impostor.discoveryRequests).toBeGreaterThan(0);
    } finally {
      await other.close();
      await impostor.close();
    }
  });

  it('survives an issuer whose discovery fails at start-up, and uses it once discovery answers', async () => {
    const later = await startFakeIssuer();
    later.failDiscovery(true);
    const other = await startTestApp({ OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: later.issuerUrl, audience: AUDIENCE }]) });
    try {
      const token = await later.sign({ iss: later.issuerUrl, aud: AUDIENCE, sub: 's', acr: 'idporten-loa-high', iat: now(), exp: now() + 600 });
      const refused = await other.gql('{ me { isAdmin } }', {}, token);
      expect(refused.status).toBe(503);
      expect(errorCode(refused)).toBe('SERVICE_UNAVAILABLE');
      later.failDiscovery(false);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 6_000);
      expect(errorCode(await other.gql('{ me { isAdmin } }', {}, token))).toBeUndefined();
    } finally {
      vi.useRealTimers();
      await other.close();
      await later.close();
    }
  });

  describe('DPoP', () => {
    let clientKey: { privateKey: CryptoKey; publicJwk: JWK; jkt: string };
    let otherKey: { privateKey: CryptoKey; publicJwk: JWK };

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      const publicJwk = await exportJWK(pair.publicKey);
      clientKey = { privateKey: pair.privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
      const other = await generateKeyPair('ES256');
      otherKey = { privateKey: other.privateKey, publicJwk: await exportJWK(other.publicKey) };
    });

    const boundToken = (jkt = clientKey.jkt) =>
      helseid.sign({ iss: helseid.issuerUrl, aud: AUDIENCE, sub: 'nurse-sub', name: 'Nina Nurse', client_id: 'ehr', 'helseid://claims/identity/pid': NURSE, cnf: { jkt }, iat: now(), exp: now() + 300 });

    interface ProofFields { htm: string; htu: string; iat: number; jti: string; ath: string; typ: string; alg: string; key: 'client' | 'other' }
    const proof = async (token: string, change: Partial<ProofFields> = {}) => {
      const fields: ProofFields = { htm: 'POST', htu: `${t.url}/graphql`, iat: now(), jti: crypto.randomUUID(), ath: accessTokenHash(token), typ: 'dpop+jwt', alg: 'ES256', key: 'client', ...change };
      const key = fields.key === 'client' ? clientKey : otherKey;
      return new SignJWT({ htm: fields.htm, htu: fields.htu, iat: fields.iat, jti: fields.jti, ath: fields.ath })
        .setProtectedHeader({ typ: fields.typ, alg: fields.alg, jwk: key.publicJwk })
        .sign(key.privateKey);
    };
    const call = (headers: Record<string, string>, path = '/graphql') =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ me { person { displayName kind } } }' }) }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as any }),
      );

    it('accepts a DPoP-bound token with a valid proof', async () => {
      const token = await boundToken();
      const { status, body } = await call({ authorization: `DPoP ${token}`, dpop: await proof(token) });
      expect(status).toBe(200);
      expect(body.data.me.person).toEqual({ displayName: 'Nina Nurse', kind: 'PERSONNEL' });
      // A query string is no part of htu.
      const again = await call({ authorization: `DPoP ${token}`, dpop: await proof(token) }, '/graphql?x=1');
      expect(again.status).toBe(200);
    });

    it('refuses what is not a valid proof for this request and token', async () => {
      const token = await boundToken();
      const replayed = await proof(token);
      expect((await call({ authorization: `DPoP ${token}`, dpop: replayed })).status).toBe(200);
      const cases: Array<[string, Record<string, string>]> = [
        ['no proof', { authorization: `DPoP ${token}` }],
        ['a replayed proof', { authorization: `DPoP ${token}`, dpop: replayed }],
        ['another method', { authorization: `DPoP ${token}`, dpop: await proof(token, { htm: 'GET' }) }],
        ['another URL', { authorization: `DPoP ${token}`, dpop: await proof(token, { htu: `${t.url}/archive` }) }],
        ['another token', { authorization: `DPoP ${token}`, dpop: await proof(token, { ath: accessTokenHash('other') }) }],
        ['a key the token is not bound to', { authorization: `DPoP ${token}`, dpop: await proof(token, { key: 'other' }) }],
        ['an old proof', { authorization: `DPoP ${token}`, dpop: await proof(token, { iat: now() - 600 }) }],
        ['a proof of another type', { authorization: `DPoP ${token}`, dpop: await proof(token, { typ: 'JWT' }) }],
        ['the bound token as Bearer', { authorization: `Bearer ${token}` }],
        ['an unbound token from an issuer that requires DPoP', { authorization: `Bearer ${await helseid.sign({ iss: helseid.issuerUrl, aud: AUDIENCE, sub: 'n2', exp: now() + 60 })}` }],
      ];
      for (const [what, headers] of cases) {
        const { status, body } = await call(headers);
        expect(status, what).toBe(401);
        expect(body.errors[0].extensions.code, what).toBe('UNAUTHENTICATED');
      }
    });

    describe('at the WebSocket doors', () => {
      const wsBase = () => t.url.replace(/^http/, 'ws');
      /** How /collab ends a connection: the close code, or 'open' once the document's first sync message arrives. */
      const openCollab = (planId: string, query: Record<string, string>) =>
        new Promise<number | 'open'>((resolve) => {
          const socket = new WebSocket(`${wsBase()}/collab/${planId}?${new URLSearchParams(query)}`);
          socket.on('message', () => {
            resolve('open');
            socket.close();
          });
          socket.on('close', (code) => resolve(code));
        });
      /** How graphql-ws ends a connection: 'acknowledged', or the close code. */
      const openGraphqlWs = async (connectionParams: Record<string, unknown>) => {
        const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
        try {
          return await new Promise<number | 'acknowledged'>((resolve) => {
            client.on('connected', () => resolve('acknowledged'));
            client.on('closed', (event) => resolve((event as { code: number }).code));
          });
        } finally {
          await client.dispose();
        }
      };
      let nursesPlanId: string;
      const NOT_A_PARTICIPANT_CODE = 4404;

      beforeAll(async () => {
        // A plan the nurse is not in: /collab authenticates first, then answers "not found" (4404) instead of "sign in" (4401).
        nursesPlanId = await ingridsPlan(await citizenToken('ingrid-sub', INGRID));
      });

      it('accept a bound token with a proof made for the upgrade request, as wss:// or https://', async () => {
        const token = await boundToken();
        const collabUrl = `${wsBase()}/collab/${nursesPlanId}`;
        expect(await openCollab(nursesPlanId, { token, dpop: await proof(token, { htm: 'GET', htu: collabUrl }) })).toBe(NOT_A_PARTICIPANT_CODE);
        expect(await openCollab(nursesPlanId, { token: `DPoP ${token}`, dpop: await proof(token, { htm: 'GET', htu: collabUrl.replace(/^ws/, 'http') }) })).toBe(NOT_A_PARTICIPANT_CODE);
        expect(await openGraphqlWs({ authorization: `DPoP ${token}`, dpop: await proof(token, { htm: 'GET', htu: t.wsUrl }) })).toBe('acknowledged');
        expect(await openGraphqlWs({ token, dpop: await proof(token, { htm: 'GET', htu: t.wsUrl.replace(/^ws/, 'http') }) })).toBe('acknowledged');
      });

      it('refuse the bound token without its proof, with a proof for another request, or replayed', async () => {
        const token = await boundToken();
        // Verified once over HTTP with its proof, so the actor is cached: the bare token must still fail.
        expect((await call({ authorization: `DPoP ${token}`, dpop: await proof(token) })).status).toBe(200);
        const collabUrl = `${wsBase()}/collab/${nursesPlanId}`;
        const used = await proof(token, { htm: 'GET', htu: collabUrl });
        expect(await openCollab(nursesPlanId, { token, dpop: used })).toBe(NOT_A_PARTICIPANT_CODE);
        const collabCases: Array<[string, Record<string, string>]> = [
          ['no proof', { token }],
          ['the DPoP scheme without a proof', { token: `DPoP ${token}` }],
          ['Bearer with a proof', { token: `Bearer ${token}`, dpop: await proof(token, { htm: 'GET', htu: collabUrl }) }],
          ['a replayed proof', { token, dpop: used }],
          ['a proof for POST', { token, dpop: await proof(token, { htu: collabUrl }) }],
          ['a proof for another plan', { token, dpop: await proof(token, { htm: 'GET', htu: `${wsBase()}/collab/${crypto.randomUUID()}` }) }],
          ['a proof for the other door', { token, dpop: await proof(token, { htm: 'GET', htu: t.wsUrl }) }],
          ['a proof for another token', { token, dpop: await proof(token, { htm: 'GET', htu: collabUrl, ath: accessTokenHash('other') }) }],
          ['a proof by another key', { token, dpop: await proof(token, { htm: 'GET', htu: collabUrl, key: 'other' }) }],
        ];
        for (const [what, query] of collabCases) expect(await openCollab(nursesPlanId, query), what).toBe(4401);
        const wsCases: Array<[string, Record<string, unknown>]> = [
          ['no proof', { token }],
          ['a proof for the other door', { token, dpop: await proof(token, { htm: 'GET', htu: collabUrl }) }],
          ['a proof that is no string', { token, dpop: { htm: 'GET' } }],
          ['a proof by another key', { token, dpop: await proof(token, { htm: 'GET', htu: t.wsUrl, key: 'other' }) }],
        ];
        for (const [what, params] of wsCases) expect(await openGraphqlWs(params), what).toBe(4401);
      });
    });

    it('refuses every change to a valid proof (property)', async () => {
      const token = await boundToken();
      const mutation = fc.oneof(
        fc.record({ htm: fc.constantFrom('GET', 'PUT', 'post', 'DELETE') }),
        fc.record({ htu: fc.constantFrom(`${t.url}/graphq`, `${t.url}/graphql/x`, `https://elsewhere.test/graphql`, 'not a url') }),
        fc.record({ ath: fc.string({ minLength: 1, maxLength: 43 }) }),
        fc.record({ iat: fc.integer({ min: 120, max: 100_000 }).map((ago) => now() - ago) }),
        fc.record({ iat: fc.integer({ min: 60, max: 100_000 }).map((ahead) => now() + ahead) }),
        fc.record({ typ: fc.constantFrom('jwt', 'at+jwt', 'DPoP+JWT ', '') }),
        fc.record({ key: fc.constant('other' as const) }),
      );
      await fc.assert(
        fc.asyncProperty(mutation, async (change) => {
          const { status } = await call({ authorization: `DPoP ${token}`, dpop: await proof(token, change) });
          expect(status).toBe(401);
        }),
        { numRuns: 40 },
      );
    });
  });

  it('never writes a national identity number to the log', () => {
    const log = JSON.stringify(records);
    expect(records.length).toBeGreaterThan(0);
    for (const number of [INGRID, ERIK, NURSE]) expect(log).not.toContain(number);
  });
});

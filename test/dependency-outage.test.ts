import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import WebSocket from 'ws';
import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { startFakeIssuer, type FakeIssuer } from './helpers/fake-issuer.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startServerProcess } from './helpers/server-process.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/** The close code of a raw WebSocket that the server closes (or -1 if it stays open for 10 s). */
function closeCodeOf(url: string, options: { protocol?: string; send?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocol);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(-1);
    }, 10_000);
    socket.on('open', () => {
      if (options.send) socket.send(options.send);
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    socket.on('error', reject);
  });
}

const graphqlWsCloseCode = (t: TestApp, token: string) =>
  closeCodeOf(t.wsUrl, { protocol: 'graphql-transport-ws', send: JSON.stringify({ type: 'connection_init', payload: { token } }) });

const collabCloseCode = (t: TestApp, planId: string, token: string) =>
  closeCodeOf(`${t.url.replace(/^http/, 'ws')}/collab/${planId}?token=${encodeURIComponent(token)}`);

const ME = '{ me { person { id } } }';
const GARBAGE_TOKEN = 'not.a.token';

describe('PostgreSQL stops while people type', () => {
  let root: string;
  let port: number;
  let database: EmbeddedDatabase;
  let t: TestApp;
  const recorded = recordingLogger('info');
  let owner: SeededPerson;
  let coordinator: SeededPerson;
  let plan: SeededPlan;
  const editors: Editor[] = [];

  const startDatabase = () =>
    // A death this test did not ask for fails the test instead of exiting the test runner.
    startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), port, logger: pino({ level: 'silent' }), onUnexpectedExit: () => undefined });

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-outage-'));
    port = await findFreePort();
    database = await startDatabase();
    // The app runs on this test's own PostgreSQL (DATABASE_URL wins over the helper's own database).
    t = await startTestApp({ DATABASE_URL: database.url }, { logger: recorded.logger });
    const seed = seedFor(t);
    const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
    owner = await seed.citizen('outage-owner');
    coordinator = await seed.staff('outage-coordinator', unit.id);
    plan = await seed.plan().withOwner(owner).withCoordinator(coordinator, unit.id).create();
  });

  afterAll(async () => {
    for (const editor of editors) editor.destroy();
    await t?.close();
    await database?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('tells everyone to try again later, and everything typed is saved once it is back', { timeout: 90_000 }, async () => {
    const open = (token: string) => {
      const editor = connectEditor(t, plan.id, token);
      editors.push(editor);
      return editor;
    };
    const [a, b] = [open(owner.token), open(coordinator.token)];
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('') }), newEntry({ id: 'g2', text: text('') })]);
    const goal = (editor: Editor, index: number) => (editor.doc.getArray('goals').get(index) as Y.Map<Y.Text> | undefined)?.get('text');
    await vi.waitFor(() => expect(goal(b, 1)).toBeDefined());

    // Every close each editor saw, in order (y-websocket's own event, before it decides to reconnect).
    const closes = new Map<Editor, number[]>([[a, []], [b, []]]);
    for (const [editor, codes] of closes) {
      editor.provider.on('connection-close', (event: { code: number } | null) => event && codes.push(event.code));
    }

    // Each editor types into its own goal, one character per keystroke, whatever the connection does.
    const typed = new Map<Editor, string>([[a, ''], [b, '']]);
    const typist = (editor: Editor, index: number) => setInterval(() => {
      const next = String.fromCharCode(97 + (typed.get(editor)!.length % 26));
      goal(editor, index)!.insert(goal(editor, index)!.length, next);
      typed.set(editor, typed.get(editor)! + next);
    }, 15);
    const typists = [typist(a, 0), typist(b, 1)];
    try {
      // Typing reaches the other editor (so commits are flowing) before the database goes.
      await vi.waitFor(() => expect(goal(b, 0)!.length).toBeGreaterThan(5));
      await database.stop();

      // Both are told "try again later" (1013), never "sign in again" (4401) or any 44xx/45xx.
      await vi.waitFor(() => {
        expect(closes.get(a)).toContain(1013);
        expect(closes.get(b)).toContain(1013);
      }, { timeout: 20_000 });
      const typedAtOutage = new Map([...typed].map(([editor, value]) => [editor, value.length]));

      const graphql = await t.gql(ME, {}, owner.token);
      expect(graphql.status).toBe(503);
      expect(errorCode(graphql)).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      expect(await collabCloseCode(t, plan.id, owner.token)).toBe(1013);
      // A token first seen now needs the database to say who it is: try again later.
      expect(await graphqlWsCloseCode(t, await t.token('outage-coordinator', 'personnel', 'outage-coordinator name'))).toBe(1013);
      // One whose actor the server already knows (src/auth/actor-cache.ts) may connect; never "sign in again".
      expect(await graphqlWsCloseCode(t, coordinator.token)).not.toBe(4401);
      // Attacker: a token that is no token is still refused as such while the database is down.
      expect(await collabCloseCode(t, plan.id, GARBAGE_TOKEN)).toBe(4401);
      expect((await t.gql(ME, {}, GARBAGE_TOKEN)).status).toBe(401);

      // They keep typing while it is down (into their own copies), and keep being told to wait.
      await vi.waitFor(() => {
        for (const [editor, length] of typedAtOutage) expect(typed.get(editor)!.length).toBeGreaterThan(length + 10);
        expect(closes.get(a)!.filter((code) => code === 1013).length).toBeGreaterThan(1);
      }, { timeout: 20_000 });
    } finally {
      for (const timer of typists) clearInterval(timer);
    }
    for (const codes of closes.values()) expect(codes.filter((code) => code >= 4400 && code < 4600)).toEqual([]);

    database = await startDatabase();
    // Nobody does anything: both reconnect, and each sees everything both typed.
    await vi.waitFor(() => {
      for (const editor of [a, b]) {
        expect(editor.provider.synced).toBe(true);
        expect(goal(editor, 0)!.toString()).toBe(typed.get(a));
        expect(goal(editor, 1)!.toString()).toBe(typed.get(b));
      }
    }, { timeout: 30_000 });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    expect((await t.gql(ME, {}, owner.token)).status).toBe(200);
    // The outage was logged, once per burst rather than once per failed request.
    const outageLines = recorded.records.filter((record) => record['event'] === 'dependency.unavailable' && record['dependency'] === 'database');
    expect(outageLines.length).toBeGreaterThan(0);
    expect(outageLines.length).toBeLessThan(closes.get(a)!.length + closes.get(b)!.length);
    expect(outageLines[0]!['cause']).toMatchObject({ message: expect.any(String) });
    // The cause says what failed, not what was being saved (a failed statement's message starts with its SQL).
    expect(JSON.stringify(outageLines)).not.toMatch(/insert into|select /i);

    // What is stored is all of it: a new server loads the plan from the database alone.
    await t.restart();
    const fresh = open(await t.token('outage-owner', 'citizen', 'outage-owner name'));
    await fresh.synced();
    expect(goal(fresh, 0)!.toString()).toBe(typed.get(a));
    expect(goal(fresh, 1)!.toString()).toBe(typed.get(b));
    expect(typed.get(a)!.length).toBeGreaterThan(20);
  });
});

/** The issuer's key set behind a door this test opens and shuts: shut, its port refuses connections. */
async function keySetDoor(target: string) {
  const server = http.createServer((_req, res) => {
    void fetch(target).then(async (response) => {
      res.setHeader('content-type', 'application/json');
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const shut = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  await shut();
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    shut,
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };
}

describe("an identity provider's key set is unreachable", () => {
  const ISSUER = 'https://idporten.outage.test';
  const AUDIENCE = 'samplan-test';
  let issuer: FakeIssuer;
  let door: Awaited<ReturnType<typeof keySetDoor>>;
  let t: TestApp;
  const recorded = recordingLogger('info');

  beforeAll(async () => {
    issuer = await startFakeIssuer();
    door = await keySetDoor(issuer.jwksUrl);
    t = await startTestApp(
      { OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: ISSUER, jwksUrl: door.url, audience: AUDIENCE, requiredAcr: 'idporten-loa-high' }]) },
      { logger: recorded.logger },
    );
  });
  afterAll(async () => {
    await t?.close();
    await door?.shut();
    await issuer?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const sign = (options?: Parameters<FakeIssuer['sign']>[1]) =>
    issuer.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'kari', name: 'Kari', acr: 'idporten-loa-high', iat: now(), exp: now() + 300 }, options);

  it('answers 503 and 1013 (never "invalid token"), logs it, and works again once it is back', async () => {
    const token = await sign();
    const response = await t.gql(ME, {}, token);
    expect(response.status).toBe(503);
    expect(errorCode(response)).toBe('SERVICE_UNAVAILABLE');
    // A signature we cannot check is not known to be forged: it too is "try again later".
    expect((await t.gql(ME, {}, await sign({ key: issuer.otherKey }))).status).toBe(503);
    const somePlan = '00000000-0000-4000-8000-000000000000';
    expect(await collabCloseCode(t, somePlan, token)).toBe(1013);
    expect(await graphqlWsCloseCode(t, token)).toBe(1013);
    // Attacker: what is wrong without any key (no signature, unknown issuer) is still a bad token.
    expect((await t.gql(ME, {}, GARBAGE_TOKEN)).status).toBe(401);
    const stranger = await issuer.sign({ iss: 'https://elsewhere.test', aud: AUDIENCE, sub: 'x', exp: now() + 300 });
    expect((await t.gql(ME, {}, stranger)).status).toBe(401);

    const lines = recorded.records.filter((record) => record['event'] === 'dependency.unavailable' && record['dependency'] === 'identity-provider');
    expect(lines).toHaveLength(1); // four failures, one burst
    expect(lines[0]).toMatchObject({ issuer: ISSUER, cause: { name: 'IssuerUnavailable', cause: { message: expect.any(String) } } });

    await door.open();
    const after = await t.gql<{ me: { person: { id: string } } }>(ME, {}, token);
    expect(after.status).toBe(200);
    expect(after.data?.me.person.id).toBeTruthy();
    // With the keys in hand, a forged signature and an unknown key are bad tokens again.
    expect((await t.gql(ME, {}, await sign({ key: issuer.otherKey }))).status).toBe(401);
    expect((await t.gql(ME, {}, await sign({ key: issuer.otherKey, kid: 'unknown-key' }))).status).toBe(401);
  });
});

describe('the embedded PostgreSQL dies', () => {
  it('exits the server with status 1 and says why, so a supervisor restarts it', { timeout: 90_000 }, async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-embedded-death-'));
    const dataDir = path.join(root, 'postgres');
    try {
      const server = await startServerProcess('', { DATABASE_URL: '', EMBEDDED_PG_DIR: dataDir });
      let stderr = '';
      server.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const postmaster = Number((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      process.kill(postmaster, 'SIGKILL');
      expect(await server.exited).toBe(1);
      expect(stderr).toMatch(/embedded PostgreSQL exited .*signal SIGKILL/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

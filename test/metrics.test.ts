import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../src/config/config.js';
import { enqueueNotification } from '../src/notifications/notification.outbox.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * `/metrics` (docs/operations.md) on a real app, moved by real clients: the y-websocket provider,
 * the graphql-ws client and fetch. Figures are read as Prometheus reads them, from the text format.
 */

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const { logger, records } = recordingLogger('debug');
let t: TestApp;
let plan: SeededPlan;
let coordinator: SeededPerson;
let relative: SeededPerson;
const editors: Editor[] = [];

beforeAll(async () => {
  t = await startTestApp({ METRICS_TOKEN: TOKEN }, { logger });
  const seed = seedFor(t);
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  const person = await seed.citizen('metrics-person');
  relative = await seed.citizen('metrics-relative');
  coordinator = await seed.staff('metrics-coordinator', unit.id);
  plan = await seed.plan().withOwner(person).withRelative(relative).withCoordinator(coordinator, unit.id).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

async function scrape(url = `${t.url}/metrics`, token: string | null = TOKEN): Promise<string> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  return response.text();
}

/** The sample of `name` whose labels include `labels`; 0 when there is none (a counter not yet moved). */
function sample(body: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of body.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return 0;
}

const read = async (name: string, labels: Record<string, string> = {}) => sample(await scrape(), name, labels);

function open(who: SeededPerson): Editor {
  const editor = connectEditor(t, plan.id, who.token);
  editors.push(editor);
  return editor;
}

describe('/metrics', () => {
  it('is refused without the token, or with a wrong one, and served with it', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('samplan_');
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    const served = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await served.text();
    // Default process metrics, on this app's own registry.
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('# TYPE samplan_document_updates_refused_total counter');
  });

  it('times GraphQL operations by name, with anonymous and odd names collapsed', async () => {
    await t.gql('query MetricsProbe { me { person { id } } }', {}, coordinator.token);
    await t.gql('{ me { person { id } } }', {}, coordinator.token);
    await t.gql(`query ${'Long'.repeat(20)} { me { person { id } } }`, {}, coordinator.token);
    await t.gql('query Broken { nothingHere }', {}, coordinator.token);
    const body = await scrape();
    const count = 'samplan_graphql_operation_duration_seconds_count';
    expect(sample(body, count, { operation_name: 'MetricsProbe', operation_type: 'query', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, count, { operation_name: 'anonymous' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, count, { operation_name: 'other' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, count, { operation_name: 'unknown', outcome: 'error' })).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('LongLong');
  });

  it('counts a live edit as accepted and times its commit', async () => {
    const before = await scrape();
    const editor = open(coordinator);
    await editor.synced();
    editor.doc.getArray('goals').push([newEntry({ id: 'metrics-goal', text: text('Walk to the shop') })]);
    await vi.waitFor(async () => {
      const after = await scrape();
      // One change: the client's sync answers on connecting changed nothing and are not counted.
      expect(sample(after, 'samplan_document_updates_accepted_total', { door: 'live' })).toBe(sample(before, 'samplan_document_updates_accepted_total', { door: 'live' }) + 1);
      expect(sample(after, 'samplan_document_commit_duration_seconds_count')).toBeGreaterThan(sample(before, 'samplan_document_commit_duration_seconds_count'));
      expect(sample(after, 'samplan_document_group_commit_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
      expect(sample(after, 'samplan_documents_loaded', { part: 'main' })).toBeGreaterThanOrEqual(1);
    });
  });

  it('counts a refused live edit with its reason', async () => {
    const before = await read('samplan_document_updates_refused_total', { reason: 'forbidden', door: 'live' });
    const editor = open(relative);
    await editor.synced();
    // A relative may not edit the goals (src/policy/section-rules.ts).
    editor.doc.getArray('goals').push([newEntry({ id: 'metrics-refused', text: text('Not mine to set') })]);
    await vi.waitFor(() => expect(editor.denied.length).toBeGreaterThan(0));
    await vi.waitFor(async () => expect(await read('samplan_document_updates_refused_total', { reason: 'forbidden', door: 'live' })).toBe(before + 1));
  });

  it('shows open connections at each door going up and back down', async () => {
    for (const editor of editors.splice(0)) editor.destroy();
    await vi.waitFor(async () => expect(await read('samplan_open_connections', { door: 'collab' })).toBe(0));
    const editor = open(coordinator);
    await editor.synced();
    const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: coordinator.token }, retryAttempts: 0, lazy: false });
    await vi.waitFor(async () => {
      const body = await scrape();
      expect(sample(body, 'samplan_open_connections', { door: 'collab' })).toBe(1);
      expect(sample(body, 'samplan_open_connections', { door: 'graphql-ws' })).toBe(1);
    });
    editors.splice(editors.indexOf(editor), 1);
    editor.destroy();
    await client.dispose();
    await vi.waitFor(async () => {
      const body = await scrape();
      expect(sample(body, 'samplan_open_connections', { door: 'collab' })).toBe(0);
      expect(sample(body, 'samplan_open_connections', { door: 'graphql-ws' })).toBe(0);
    });
    // Their log lines carry a connection id.
    expect(records.some((record) => record['event'] === 'collab.connected' && typeof record['connectionId'] === 'string')).toBe(true);
    expect(records.some((record) => record['event'] === 'ws.connected' && typeof record['connectionId'] === 'string')).toBe(true);
  });

  it('reads the database pools and the notification outbox', async () => {
    // A plan query is a hot read: its pool has a connection (it closes after 10 s idle).
    expect((await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: plan.id }, coordinator.token)).errors).toBeUndefined();
    const body = await scrape();
    expect(sample(body, 'samplan_db_pool_acquire_wait_seconds_count')).toBeGreaterThan(0);
    expect(body).toMatch(/^samplan_db_pool_pending_acquires \d+$/m);
    expect(sample(body, 'samplan_db_hot_read_connections', { state: 'used' }) + sample(body, 'samplan_db_hot_read_connections', { state: 'free' })).toBeGreaterThan(0);
    expect(body).toMatch(/^samplan_db_hot_read_pending \d+$/m);
    // The plan query's read waited for one of them, however briefly, and was timed.
    expect(sample(body, 'samplan_db_hot_read_wait_seconds_count')).toBeGreaterThan(0);
    expect(body).toMatch(/^samplan_db_hot_read_wait_seconds_bucket\{le="0\.0005"\} \d+$/m);
    // The plan's invitations wait in the outbox: no webhook is configured here.
    expect(sample(body, 'samplan_notification_outbox_pending')).toBeGreaterThan(0);
  });
});

describe('request ids', () => {
  it('are echoed, and the request line carries it with the operation name and never the token', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}`, 'x-request-id': 'probe-7f3a.1' },
      body: JSON.stringify({ query: 'query RequestIdProbe($id: ID!) { plan(id: $id) { id } }', variables: { id: plan.id } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('probe-7f3a.1');
    await vi.waitFor(() => {
      const line = records.find((record) => record['msg'] === 'http.request' && record['reqId'] === 'probe-7f3a.1');
      expect(line).toMatchObject({ operationName: 'RequestIdProbe', req: { method: 'POST', path: '/graphql' }, res: { status: 200 } });
    });
    const logged = JSON.stringify(records);
    for (const token of [coordinator.token, relative.token, TOKEN]) expect(logged).not.toContain(token.slice(-24));
  });

  it('get a fresh one for a request without any', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replace a forged id (too long, odd characters, encoded line breaks) and never log it raw', async () => {
    const forged = ['x'.repeat(5_000), 'abc%0d%0a{"level":60}', 'two words', '"quoted"'];
    for (const id of forged) {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const echoed = response.headers.get('x-request-id');
      expect(echoed).not.toBe(id);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    // A bare carriage return inside the value: Node's parser refuses the request before anything is logged.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1', () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\rdef\r\nConnection: close\r\n\r\n');
      });
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    const logged = JSON.stringify(records);
    expect(logged).not.toContain('x'.repeat(100));
    expect(logged).not.toContain('abc%0d%0a');
    expect(logged).not.toContain('abc\\rdef');
  });
});

describe('where /metrics is served', () => {
  it('on a port of its own with METRICS_PORT, and then not on the API port; deliveries counted by outcome', async () => {
    // A webhook receiver that refuses everything: one attempt each, then given up.
    const receiver = http.createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const other = await startTestApp({
      METRICS_PORT: '0',
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      NOTIFY_WEBHOOK_SECRET: 'metrics-test-webhook-secret-long-enough',
      NOTIFY_MAX_ATTEMPTS: '1',
    });
    try {
      const someone = await seedFor(other).citizen('metrics-recipient');
      await other.app.orm.em.fork().transactional((em) => enqueueNotification(em, { recipientId: someone.id, kind: 'PLAN_INVITATION', link: '/plans/x' }, new Date()));
      // A round already running when it was written may have missed it: ask again until it is sent.
      await vi.waitFor(async () => {
        await other.app.notificationWorker!.runDue();
        expect(sample(await scrape(other.app.metricsUrl!, null), 'samplan_notification_deliveries_total', { outcome: 'failed' })).toBe(1);
      });
      expect(other.app.metricsUrl).not.toBeNull();
      expect(other.app.metricsUrl).not.toContain(new URL(other.url).host);
      expect((await fetch(`${other.url}/metrics`)).status).toBe(404);
      const body = await scrape(other.app.metricsUrl!, null);
      expect(body).toContain('samplan_open_connections');
      expect((await fetch(other.app.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    } finally {
      await other.close();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('nowhere in production without a token or a port; open in development', () => {
    const base = { DATABASE_URL: 'postgres://localhost/x', DEV_AUTH: 'false' };
    expect(parseConfig({ ...base, NODE_ENV: 'production' }).metrics).toEqual({ token: null, port: null, open: false });
    expect(parseConfig({ ...base, NODE_ENV: 'development' }).metrics.open).toBe(true);
    expect(() => parseConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => parseConfig({ ...base, PORT: '4000', METRICS_PORT: '4000' })).toThrow(/METRICS_PORT/);
  });
});

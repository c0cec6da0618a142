import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app.js';

describe('malformed GraphQL requests', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.token('http-tester');
  });
  afterAll(() => t?.close());

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body }).then(
      async (response) => ({ status: response.status, body: (await response.json()) as any }),
    );

  it.each([
    ['a body that is not JSON', '{"query": "{ me {', 400, 'BAD_REQUEST'],
    ['JSON without a query', '{"variables": {}}', 400, 'BAD_REQUEST'],
    ['a query that does not parse', '{"query": "{ me { isAdmin "}', 400, 'GRAPHQL_PARSE_FAILED'],
    ['a query for a field that does not exist', '{"query": "{ secrets }"}', 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['variables of the wrong type', '{"query": "query($id: ID!) { plan(id: $id) { id } }", "variables": {"id": 42.5}}', 400, 'BAD_USER_INPUT'],
    ['a query that is not a string', '{"query": ["{ me { isAdmin } }"]}', 400, 'BAD_REQUEST'],
  ] as const)('answers %s with a clear %s', async (_case, body, status, code) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.body.errors[0].extensions.code).toBe(code);
    expect(response.body.errors[0].message).toEqual(expect.any(String));
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await post(JSON.stringify({ query: `{ me { isAdmin } } #${'x'.repeat(2 * 1024 * 1024)}` }));
    expect(response.status).toBe(413);
  });

  it('refuses a form post (CSRF protection)', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { isAdmin } }"}' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('tells every cache to keep no answer, with data, with an error or refused (they hold health data)', async () => {
    const ask = (body: string) => fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const answers = await Promise.all([
      ask('{"query": "{ me { isAdmin } }"}'),
      ask('{"query": "query($id: ID!) { plan(id: $id) { id } }", "variables": {"id": "00000000-0000-4000-8000-000000000000"}}'),
      ask('{"query": "{ secrets }"}'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps serving after all of that', async () => {
    const response = await post('{"query": "{ me { isAdmin } }"}');
    expect(response).toEqual({ status: 200, body: { data: { me: { isAdmin: false } } } });
  });
});

describe('graceful shutdown', () => {
  it('lets a request in flight finish before the server stops', async () => {
    const t = await startTestApp();
    const token = await t.token('late-request');
    const { port } = new URL(t.url);
    const body = JSON.stringify({ query: '{ me { person { displayName } } }' });

    // Send the headers and half the body, so the request is in flight when shutdown starts.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let raw = '';
    socket.on('data', (chunk) => (raw += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // The server has read the headers once it emits 'request' (the body is still on its way).
    const received = new Promise<void>((resolve) => t.app.server.once('request', () => resolve()));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await received;

    let disposed = false;
    const disposing = t.close().then(() => (disposed = true));
    // The server stops listening while the old request is still being served.
    await vi.waitFor(() => expect(t.app.server.listening).toBe(false));
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    expect(disposed).toBe(false);

    socket.write(body.slice(10));
    await closed;
    await disposing;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw).toContain('"displayName":"late-request"');
  });
});

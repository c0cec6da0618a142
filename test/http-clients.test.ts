import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
/** What a browser sends when it opens a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function post(t: TestApp, query: string, options: { token?: string; accept?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.accept ? { accept: options.accept } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query }),
  });
  return { response, body: (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('GraphQL over HTTP, configured by default: status codes, CORS with no origin list', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.token('status-tester');
  });
  afterAll(() => t?.close());

  it.each([undefined, 'application/json', GRAPHQL_RESPONSE])('answers partial data with 200 (Accept: %s), the errors beside it', async (accept) => {
    const { response, body } = await post(t, `{ me { person { id } } plan(id: "${crypto.randomUUID()}") { id } }`, { token, accept });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(accept === GRAPHQL_RESPONSE ? GRAPHQL_RESPONSE : 'application/json');
    expect(body.data?.['me'].person.id).toEqual(expect.any(String));
    expect(body.data?.['plan']).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('answers data null from a refused field with 200 too (the spec recommends it: execution ran)', async () => {
    const { response, body } = await post(t, `{ unitDashboard(unitId: "${crypto.randomUUID()}") { counts { openRequests } } }`, { token, accept: GRAPHQL_RESPONSE });
    expect(response.status).toBe(200);
    expect(body.data).toBeNull();
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(body.errors?.[0]?.extensions?.code);
  });

  it('keeps 401 when no token was sent and nothing could be answered', async () => {
    const { response, body } = await post(t, '{ me { isAdmin } }', { accept: GRAPHQL_RESPONSE });
    expect(response.status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps 400 for a request that fails before execution', async () => {
    expect((await post(t, '{ me {', { token, accept: GRAPHQL_RESPONSE })).response.status).toBe(400);
    expect((await post(t, '{ secrets }', { token, accept: GRAPHQL_RESPONSE })).response.status).toBe(400);
  });

  it('lets any origin read answers when ALLOWED_ORIGINS is empty, as WebSockets do (tokens, never cookies)', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('answers a GET query that carries a preflight header (CSRF prevention refuses one without)', async () => {
    const url = `${t.url}/graphql?query=${encodeURIComponent('{ me { isAdmin } }')}`;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    expect((await fetch(url, { headers })).status).toBe(400);
    const allowed = await fetch(url, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { me: { isAdmin: false } } });
  });
});

describe('CORS from the configured origins', () => {
  const APP = 'https://app.example.no';
  const EVIL = 'https://evil.example';
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_ORIGINS: `${APP},http://localhost:5173` });
    token = await t.token('cors-tester');
  });
  afterAll(() => t?.close());

  const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization,content-type,dpop') =>
    fetch(`${t.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });
  const allowHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it.each([
    ['/graphql', 'POST'],
    ['/plans/00000000-0000-4000-8000-000000000000/archive/x.pdf', 'GET'],
    ['/auth/dev-token', 'POST'],
  ])('answers a preflight for %s from an allowed origin with 204 and what a client sends', async (path, method) => {
    const response = await preflight(path, APP, method);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toContain(method);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(expect.arrayContaining(['authorization', 'dpop', 'content-type']));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('answers a preflight from another origin with no allow headers (and no 400 from Apollo)', async () => {
    const response = await preflight('/graphql', EVIL);
    expect(response.status).toBe(204);
    expect(allowHeaders(response)).toEqual([]);
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });

  it('lets an allowed origin read the answer to a cross-origin POST, and no other', async () => {
    const allowed = await post(t, '{ me { isAdmin } }', { token, headers: { origin: APP } });
    expect(allowed.response.status).toBe(200);
    expect(allowed.response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.response.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
    expect(allowed.body).toEqual({ data: { me: { isAdmin: false } } });

    const foreign = await post(t, '{ me { isAdmin } }', { token, headers: { origin: EVIL } });
    expect(allowHeaders(foreign.response)).toEqual([]);
  });

  it('still refuses a simple (form-like) POST from an allowed origin: CSRF prevention stands', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { isAdmin } }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  it('lets an allowed origin read a refusal too (so a client can tell 401 from a network failure)', async () => {
    const response = await post(t, '{ me { isAdmin } }', { token: 'not-a-token', headers: { origin: APP } });
    expect(response.response.status).toBe(401);
    expect(response.response.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('the GraphQL IDE (GraphiQL, served offline)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const page = (app: TestApp) => fetch(`${app.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });

  it('serves GraphiQL to a browser with every script, style sheet and worker from this server', async () => {
    const response = await page(t);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toContain('https://');

    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
    const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    // No inline script or style: everything the page runs is one of the files above.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);

    const fetchSameOrigin = async (path: string) => {
      const url = new URL(path, `${t.url}/graphql`);
      expect(url.origin).toBe(new URL(t.url).origin);
      return fetch(url);
    };
    let start = '';
    for (const src of scripts) {
      const asset = await fetchSameOrigin(src);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/^(text|application)\/javascript/);
      const text = await asset.text();
      if (text.includes('self.MonacoEnvironment = {')) start = text;
    }
    for (const href of styles) {
      const asset = await fetchSameOrigin(href);
      expect(asset.status, href).toBe(200);
      expect(asset.headers.get('content-type'), href).toMatch(/^text\/css/);
      expect(await asset.text()).not.toMatch(/url\(\s*["']?https?:/);
    }
    // The editor's workers, which the start script points Monaco at.
    const workers = [...start.matchAll(/'([\w.]+\.worker\.js)'/g)].map((match) => match[1]!);
    expect(workers).toHaveLength(3);
    for (const worker of workers) {
      const asset = await fetchSameOrigin(`/graphiql/${worker}`);
      expect(asset.status, worker).toBe(200);
      expect(asset.headers.get('content-type'), worker).toMatch(/^(text|application)\/javascript/);
    }
    // Subscriptions over graphql-ws on the same URL, with the Headers tab's token.
    expect(start).toContain("subscriptionsProtocol: 'WS'");
    expect(start).toContain('connectionParams');
  });

  it('leaves GraphQL requests to Apollo, a GET for JSON included', async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('is off in production unless configured, with no Apollo landing page in its place', async () => {
    const production = await startTestApp({ NODE_ENV: 'production' });
    try {
      const response = await page(production);
      expect(response.headers.get('content-type')).not.toMatch(/html/);
      expect((await fetch(`${production.url}/graphiql/graphiql.js`)).status).toBe(404);
    } finally {
      await production.close();
    }
    const configured = await startTestApp({ NODE_ENV: 'production', GRAPHQL_IDE: 'true' });
    try {
      const response = await page(configured);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('/graphiql/graphiql.js');
    } finally {
      await configured.close();
    }
  });
});

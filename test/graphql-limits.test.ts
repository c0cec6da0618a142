import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeIssuer, type FakeIssuer } from './helpers/fake-issuer.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { ADMIN, createTestDatabase, startTestApp, type TestApp } from './helpers/test-app.js';
import { createApp, type App } from '../src/app/create-app.js';
import { parseConfig } from '../src/config/config.js';

interface Outcome {
  status?: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Reading a plan's sections writes an access-log row (docs/access-log.md): the side effect that proves a resolver ran. */
const SECTIONS = 'plan(id: $id) { sections { content } }';
const HONEST = `query($id: ID!) { ${SECTIONS} }`;

const nest = (levels: number, open: (i: number) => string, leaf: string) =>
  Array.from({ length: levels }, (_, i) => open(i)).join(' { ') + ` { ${leaf}` + ' }'.repeat(levels);

/** The attacks of finding 4, each carrying the section read that would have logged a row had it run. */
const ATTACKS = {
  // 61 levels: versions { edges { node { plan { versions … } } } }, reached from a plan.
  deep: `query($id: ID!) { plan(id: $id) { sections { content } ${nest(60, (i) => ['versions', 'edges', 'node', 'plan'][i % 4]!, 'id')} } }`,
  // Six levels of participants { consents { participant { consents … } } }: each list multiplies the rest.
  costly: `query($id: ID!) { plan(id: $id) { sections { content } participants { ${nest(6, (i) => (i % 2 ? 'participant' : 'consents'), 'id')} } } }`,
  wide: `query($id: ID!) { ${Array.from({ length: 40 }, (_, i) => `a${i}: ${SECTIONS}`).join(' ')} }`,
  // 1,000 aliases: refused before the parse finishes, by the token limit.
  thousandAliases: `query($id: ID!) { ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${SECTIONS}`).join(' ')} }`,
  // No alias, no depth, no list: only long (fields of one name merge).
  long: `query($id: ID!) { ${SECTIONS} me { person { ${'id '.repeat(3100)}} } }`,
} as const;
const EXPECTED_LIMIT: Record<keyof typeof ATTACKS, string> = {
  deep: 'GRAPHQL_MAX_DEPTH',
  costly: 'GRAPHQL_MAX_COST',
  wide: 'GRAPHQL_MAX_ALIASES',
  thousandAliases: 'GRAPHQL_MAX_TOKENS',
  long: 'GRAPHQL_MAX_TOKENS',
};
/** `first` from the variables multiplies what is under it. */
const HISTORY = 'query($id: ID!, $n: Int) { plan(id: $id) { sections { content } history(first: $n) { edges { node { lastSeq by { id } } } } } }';

async function countRows(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select count(*)::int as n from access_log')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

function wsClient(t: TestApp, token: string | undefined, closes: Array<{ code: number; reason: string }> = []): Client {
  return createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { token } : undefined,
    retryAttempts: 0,
    on: { closed: (event) => closes.push(event as { code: number; reason: string }) },
  });
}

/** One operation over graphql-ws: its result, or the errors the server answered instead. */
function overWs(client: Client, query: string, variables: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let outcome: Outcome = {};
    client.subscribe(
      { query, variables },
      {
        next: (value) => (outcome = value as Outcome),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(outcome),
      },
    );
  });
}

async function overHttp(t: TestApp, body: unknown, token?: string): Promise<Outcome & { headers: Headers }> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
}

describe('GraphQL limits at both doors', () => {
  let t: TestApp;
  let owner: SeededPerson;
  let plan: SeededPlan;
  let ws: Client;

  beforeAll(async () => {
    t = await startTestApp();
    const seed = seedFor(t);
    owner = await seed.citizen('limits-owner');
    const relatives = await Promise.all(['limits-r1', 'limits-r2'].map((sub) => seed.citizen(sub)));
    plan = await seed.plan().withOwner(owner).withRelative(relatives[0]!).withRelative(relatives[1]!).create();
    ws = wsClient(t, owner.token);
  });
  afterAll(async () => {
    await ws?.dispose();
    await t?.close();
  });

  const doors = {
    http: async (query: string, variables: Record<string, unknown>) => overHttp(t, { query, variables }, owner.token),
    'graphql-ws': (query: string, variables: Record<string, unknown>) => overWs(ws, query, variables),
  };

  /** The honest read runs and logs exactly one row: had the refused operation run, its row would be there too. */
  async function expectOnlyTheHonestReadLogged(before: number, run: (query: string, variables: Record<string, unknown>) => Promise<Outcome>) {
    const honest = await run(HONEST, { id: plan.id });
    expect(honest.errors).toBeUndefined();
    expect(honest.data?.['plan'].sections.length).toBeGreaterThan(0);
    expect(await countRows(t.databaseUrl)).toBe(before + 1);
  }

  for (const [door, run] of Object.entries(doors)) {
    for (const [name, query] of Object.entries(ATTACKS) as Array<[keyof typeof ATTACKS, string]>) {
      it(`refuses the ${name} operation over ${door} with BAD_USER_INPUT naming ${EXPECTED_LIMIT[name]}, running no resolver`, async () => {
        const before = await countRows(t.databaseUrl);
        const refused = await run(query, { id: plan.id });
        if (door === 'http') expect(refused.status).toBe(400);
        expect(refused.data ?? undefined).toBeUndefined();
        expect(refused.errors).toHaveLength(1);
        expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: EXPECTED_LIMIT[name], max: expect.any(Number) });
        expect(refused.errors![0]!.message).toContain(`${EXPECTED_LIMIT[name]} = ${refused.errors![0]!.extensions!['max']}`);
        await expectOnlyTheHonestReadLogged(before, run);
      });
    }

    it(`weighs a list by its \`first\` variable over ${door}: 5 runs, 100000 is refused`, async () => {
      const small = await run(HISTORY, { id: plan.id, n: 5 });
      expect(small.errors).toBeUndefined();
      expect(small.data?.['plan'].history.edges).toBeInstanceOf(Array);
      const before = await countRows(t.databaseUrl);
      const refused = await run(HISTORY, { id: plan.id, n: 100_000 });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'GRAPHQL_MAX_COST' });
      await expectOnlyTheHonestReadLogged(before, run);
      // The same document again, variables alternating: each verdict is its variables' own (Apollo keeps them per document and variables).
      expect((await run(HISTORY, { id: plan.id, n: 5 })).errors).toBeUndefined();
      expect((await run(HISTORY, { id: plan.id, n: 100_000 })).errors?.[0]?.extensions).toMatchObject({ limit: 'GRAPHQL_MAX_COST' });
      expect((await run(HISTORY, { id: plan.id, n: 5 })).errors).toBeUndefined();
    });

    it(`answers suggestions and introspection outside production over ${door}`, async () => {
      const typo = await run('{ plann(id: "x") { id } }', {});
      expect(typo.errors?.[0]?.message).toMatch(/Did you mean "plan"/);
      const badEnum = await run('query($id: ID!, $s: SectionKey) { plan(id: $id) { history(section: $s) { edges { cursor } } } }', { id: 'x', s: 'goalz' });
      expect(badEnum.errors?.[0]?.message).toMatch(/Did you mean the enum value "goals"/);
      const introspection = await run('{ __schema { queryType { name } } }', {});
      expect(introspection.data?.['__schema'].queryType.name).toBe('Query');
    });
  }

  it('refuses a batch of operations over HTTP (Apollo 5 batching stays off), running none', async () => {
    const before = await countRows(t.databaseUrl);
    const batch = await overHttp(t, [{ query: HONEST, variables: { id: plan.id } }, { query: HONEST, variables: { id: plan.id } }], owner.token);
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch)).toMatch(/batching disabled/i);
    await expectOnlyTheHonestReadLogged(before, doors.http);
  });

  it('counts every operation of a burst over graphql-ws on its own: each deep one refused, none run', async () => {
    const before = await countRows(t.databaseUrl);
    const burst = await Promise.all(Array.from({ length: 5 }, () => overWs(ws, ATTACKS.deep, { id: plan.id })));
    for (const refused of burst) expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'GRAPHQL_MAX_DEPTH' });
    await expectOnlyTheHonestReadLogged(before, doors['graphql-ws']);
  });
});

describe('GraphQL in production', () => {
  let t: TestApp;
  let issuer: FakeIssuer;
  let token: string;

  beforeAll(async () => {
    issuer = await startFakeIssuer();
    t = await startTestApp({
      NODE_ENV: 'production',
      OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: 'https://idporten.test', jwksUrl: issuer.jwksUrl, audience: 'samplan' }]),
    });
    token = await issuer.sign({ iss: 'https://idporten.test', aud: 'samplan', sub: 'prod-1', acr: 'idporten-loa-high', exp: Math.floor(Date.now() / 1000) + 600 });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  it('names no field over HTTP, with or without a token', async () => {
    for (const who of [token, undefined]) {
      const typo = await overHttp(t, { query: '{ plann(id: "x") { id } }' }, who);
      expect(typo.status).toBe(400);
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "plann" on type "Query".');
      const introspection = await overHttp(t, { query: '{ __schema { types { name } } }' }, who);
      expect(introspection.status).toBe(400);
      expect(introspection.data ?? undefined).toBeUndefined();
      expect(JSON.stringify(introspection.errors)).toMatch(/introspection/i);
    }
  });

  /** A bad enum value in the variables fails at execution, past validation: outside production it suggests one. */
  const BAD_ENUM = ['query($id: ID!, $s: SectionKey) { plan(id: $id) { history(section: $s) { edges { cursor } } } }', { id: 'x', s: 'goalz' }] as const;

  it('names no enum value over HTTP either', async () => {
    const response = await overHttp(t, { query: BAD_ENUM[0], variables: BAD_ENUM[1] }, token);
    expect(response.errors?.[0]?.message).toMatch(/^Variable "\$s" got invalid value "goalz"/);
    expect(JSON.stringify(response.errors)).not.toMatch(/Did you mean|"goals"/);
  });

  it('names no field over graphql-ws: refused without a token, no suggestion with one', async () => {
    const closes: Array<{ code: number; reason: string }> = [];
    const anonymous = wsClient(t, undefined, closes);
    await expect(overWs(anonymous, '{ plann(id: "x") { id } }', {})).rejects.toMatchObject({ code: 4401 });
    await anonymous.dispose();
    const signedIn = wsClient(t, token);
    try {
      const typo = await overWs(signedIn, '{ plann(id: "x") { id } }', {});
      expect(typo.errors?.[0]).toMatchObject({ message: 'Cannot query field "plann" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const introspection = await overWs(signedIn, '{ __schema { types { name } } }', {});
      expect(introspection.data ?? undefined).toBeUndefined();
      expect(JSON.stringify(introspection.errors)).toMatch(/introspection/i);
      const badEnum = await overWs(signedIn, BAD_ENUM[0], BAD_ENUM[1]);
      expect(badEnum.errors?.[0]?.message).toMatch(/^Variable "\$s" got invalid value "goalz"/);
      expect(JSON.stringify(badEnum.errors)).not.toMatch(/Did you mean|"goals"/);
    } finally {
      await signedIn.dispose();
    }
  });
});

describe('GraphQL rate limit over HTTP', () => {
  const POINTS = 4;
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_RATE_LIMIT_POINTS: String(POINTS), GRAPHQL_RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => t?.close());

  const me = (token?: string) => overHttp(t, { query: '{ me { person { id } } }' }, token);

  it('answers 429 TOO_MANY_REQUESTS with Retry-After past one person\'s budget, and another person is unaffected', async () => {
    const [greedy, other] = [await t.token('rate-greedy'), await t.token('rate-other')];
    for (let i = 0; i < POINTS; i++) expect((await me(greedy)).status).toBe(200);
    const refused = await me(greedy);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const theirs = await me(other);
    expect(theirs.status).toBe(200);
    expect(theirs.data?.['me'].person.id).toEqual(expect.any(String));
  });

  it('counts bad tokens against the sender\'s address', async () => {
    for (let i = 0; i < POINTS; i++) expect((await me('not-a-token')).status).toBe(401);
    const refused = await me('not-a-token');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('GraphQL rate limit shared through Redis', () => {
  const POINTS = 3;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const servers: App[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two servers of one deployment: one database, one Redis, one prefix (the run's own).
    const config = parseConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_ISSUER: ADMIN.issuer,
      BOOTSTRAP_ADMIN_SUBJECT: ADMIN.subject,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_CHANNEL_PREFIX: `limits-${randomBytes(4).toString('hex')}`,
      GRAPHQL_RATE_LIMIT_POINTS: String(POINTS),
      GRAPHQL_RATE_LIMIT_WINDOW_MS: '60000',
    });
    servers.push(await createApp(config));
    servers.push(await createApp({ ...config, cluster: { ...config.cluster, serverId: 'second' } }));
  });
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.dispose();
    await database?.drop();
  });

  const tokenFrom = async (server: App) => {
    const response = await fetch(`${server.url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'rate-shared', name: 'Shared', kind: 'citizen' }) });
    return ((await response.json()) as { token: string }).token;
  };
  const me = async (server: App, token: string) =>
    (await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { person { id } } }' }) })).status;

  it('counts one person\'s requests to every server against one budget', async () => {
    const [first, second] = servers as [App, App];
    const [onFirst, onSecond] = [await tokenFrom(first), await tokenFrom(second)];
    expect(await me(first, onFirst)).toBe(200);
    expect(await me(second, onSecond)).toBe(200);
    expect(await me(first, onFirst)).toBe(200);
    // Each server alone has seen at most two: only a shared budget refuses the fourth.
    expect(await me(second, onSecond)).toBe(429);
    expect(await me(first, onFirst)).toBe(429);
  });
});

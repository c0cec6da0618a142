import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeIssuer } from './helpers/fake-issuer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

async function dropDatabaseUnder(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`drop database ${name} with (force)`);
  await client.end();
}

describe('start-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready once the database answers and migrations are applied', async () => {
    const response = await fetch(`${t.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('migrated an empty database to the full schema', async () => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const migrations = await client.query('select name from mikro_orm_migrations order by id');
      expect(migrations.rows.map((row) => row.name)).toContain('Migration20261122000000Foundation');
      const tables = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['guardianship', 'membership', 'organization', 'participant', 'person', 'plan']),
      );
    } finally {
      await client.end();
    }
  });

  it('masks unexpected failures in production', async () => {
    const issuer = await startFakeIssuer();
    const production = await startTestApp({
      NODE_ENV: 'production',
      OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: 'https://idporten.test', jwksUrl: issuer.jwksUrl, audience: 'samplan' }]),
    });
    try {
      const token = await issuer.sign({ iss: 'https://idporten.test', aud: 'samplan', sub: 'p1', acr: 'idporten-loa-high', exp: Math.floor(Date.now() / 1000) + 300 });
      await dropDatabaseUnder(production.databaseUrl);
      const response = await production.gql('{ me { isAdmin } }', {}, token);
      expect(response.status).toBe(500);
      expect(response.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    } finally {
      await production.close();
      await issuer.close();
    }
  });

  it('reports not ready when the database is unreachable', async () => {
    const other = await startTestApp();
    // Drop the database under the running app: readiness must notice, liveness must not.
    await dropDatabaseUnder(other.databaseUrl);
    try {
      expect((await fetch(`${other.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app.js';

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

  it('reports not ready when the database is unreachable', async () => {
    const other = await startTestApp();
    // Drop the database under the running app: readiness must notice, liveness must not.
    const client = new pg.Client({ connectionString: other.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await client.connect();
    await client.query(`drop database ${new URL(other.databaseUrl).pathname.slice(1)} with (force)`);
    await client.end();
    try {
      expect((await fetch(`${other.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

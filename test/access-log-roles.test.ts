import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrationsList } from '../migrations/index.js';
import { checkAccessLogChain } from '../src/access-log/access-log-chain.js';
import { createApp, type App } from '../src/app/create-app.js';
import { ConfigError, parseConfig } from '../src/config/config.js';
import { servingLogin } from '../src/db/database-roles.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { createTestDatabase } from './helpers/test-app.js';

/*
 * The two database roles (docs/deployment.md, "Database roles"): the owner migrates, the server
 * serves as a role that cannot erase the access log, with the embedded PostgreSQL and with
 * DATABASE_URL alike, however many servers start at once.
 */

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** As the PostgreSQL server's administrator (the run's own, or DATABASE_URL's). */
async function asAdmin<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
const servingUser = async (app: App) => (await app.orm.em.fork().execute<[{ user: string }]>('select current_user as user'))[0].user;
const startOn = (env: Record<string, string>) => createApp(parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...env }));
const withUser = (url: string, user: string, password: string) => {
  const login = new URL(url);
  login.username = user;
  login.password = password;
  return login.toString();
};

describe('database roles', () => {
  it('the embedded PostgreSQL makes both roles and the server serves as samplan_app, across restarts', { timeout: 180_000 }, async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-roles-'));
    cleanups.push(() => fs.rm(root, { recursive: true, force: true }));
    const env = { EMBEDDED_PG_DIR: path.join(root, 'postgres') };
    for (const start of ['first', 'restart']) {
      const app = await startOn(env);
      try {
        expect(await servingUser(app), start).toBe('samplan_app');
        const [table] = await app.orm.em.fork().execute<[{ owner: string }]>(`select tableowner as owner from pg_tables where tablename = 'access_log'`);
        expect(table.owner).toBe('postgres');
        await expect(app.orm.em.fork().execute('truncate access_log')).rejects.toThrow(/permission denied/);
        await expect(app.orm.em.fork().execute('alter table access_log disable trigger all')).rejects.toThrow(/must be owner/);
        expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      } finally {
        await app.dispose();
      }
    }
  });

  it('makes samplan_app once when many servers want it at once (roles are shared by all databases)', async () => {
    const role = `samplan_race_${randomBytes(4).toString('hex')}`;
    cleanups.push(() => asAdmin(`drop role if exists ${role}`));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const logins = await Promise.all(Array.from({ length: 6 }, () => servingLogin(database.url, undefined, silent, role)));
    expect(new Set(logins.map((login) => login.url)).size).toBe(1);
    expect(await asAdmin('select 1 from pg_roles where rolname = $1', [role])).toHaveLength(1);
    const client = new pg.Client({ connectionString: logins[0]!.url });
    await client.connect();
    expect((await client.query('select current_user as user')).rows[0].user).toBe(role);
    await client.end();
  });

  it('several servers starting at once on one new database migrate once and all serve as samplan_app', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const apps = await Promise.all(Array.from({ length: 3 }, () => startOn({ DATABASE_URL: database.url })));
    try {
      for (const app of apps) expect(await servingUser(app)).toBe('samplan_app');
      const [{ count }] = await apps[0]!.orm.em.fork().execute<[{ count: string }]>('select count(*) from mikro_orm_migrations');
      expect(Number(count)).toBe(migrationsList.length);
    } finally {
      await Promise.all(apps.map((app) => app.dispose()));
    }
  });

  it('serves as the role DATABASE_APP_URL names, which a DBA made', async () => {
    const role = `samplan_dba_${randomBytes(4).toString('hex')}`;
    await asAdmin(`create role ${role} login password 'serving-secret'`);
    const database = await createTestDatabase();
    cleanups.push(() => asAdmin(`drop role if exists ${role}`));
    cleanups.push(() => database.drop());
    const app = await startOn({ DATABASE_URL: database.url, DATABASE_APP_URL: withUser(database.url, role, 'serving-secret') });
    try {
      expect(await servingUser(app)).toBe(role);
      await expect(app.orm.em.fork().execute('delete from access_log')).rejects.toThrow(/permission denied/);
    } finally {
      await app.dispose();
    }
  });

  it('refuses to serve as a role that could erase the log', async () => {
    const role = `samplan_super_${randomBytes(4).toString('hex')}`;
    await asAdmin(`create role ${role} login superuser password 'too-mighty'`);
    const database = await createTestDatabase();
    cleanups.push(() => asAdmin(`drop role if exists ${role}`));
    cleanups.push(() => database.drop());
    await expect(startOn({ DATABASE_URL: database.url, DATABASE_APP_URL: withUser(database.url, role, 'too-mighty') })).rejects.toThrow(
      /may not serve as a database role that can erase the access log: .* is a superuser/,
    );
    // Serving as the owner itself is refused before anything starts.
    expect(() => parseConfig({ DATABASE_URL: 'postgres://owner:a@db/samplan', DATABASE_APP_URL: 'postgres://owner:b@db/samplan' })).toThrow(ConfigError);
    expect(() => parseConfig({ DATABASE_APP_URL: 'postgres://app:b@db/samplan' })).toThrow(/DATABASE_APP_URL: needs DATABASE_URL/);
    expect(parseConfig({ DATABASE_URL: 'postgres://owner:a@db/samplan', DATABASE_APP_URL: 'postgres://app:b@db/samplan' }).database)
      .toEqual({ kind: 'external', url: 'postgres://owner:a@db/samplan', appUrl: 'postgres://app:b@db/samplan' });
  });

  it('the migration chains the rows written before it, in the order they were written', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const orm = await openOrm(database.url);
    try {
      const before = migrationsList[migrationsList.findIndex((migration) => migration.name === 'Migration20261205000200AccessLogChain') - 1]!.name;
      await orm.getMigrator().up({ to: before });
      const em = orm.em.fork();
      const [person, first, second] = [randomUUID(), randomUUID(), randomUUID()];
      await em.execute(`insert into person (id, issuer, subject, display_name, kind, created_at) values (?, 'urn:test', 'old-rows', 'Old rows', 'CITIZEN', now())`, [person]);
      for (const [index, plan] of [first, second].entries()) {
        await em.execute(`insert into plan (id, owner_id, title, status, created_at, updated_at) values (?, ?, ?, 'ENDED', now(), now())`, [plan, person, `Plan ${index}`]);
      }
      for (let index = 0; index < 6; index += 1) {
        await em.execute(`insert into access_log (plan_id, person_id, at, action, what, door) values (?, ?, now(), 'READ', ?, 'GRAPHQL')`,
          [index % 2 ? second : first, person, `before:${index}`]);
      }
      await migrate(orm, silent);
      for (const plan of [first, second]) {
        expect(await checkAccessLogChain(em, plan)).toMatchObject({ intact: true, checkedEntries: 3, firstBrokenAt: null });
        const rows = await em.execute<Array<{ seq: string; what: string }>>('select seq, what from access_log where plan_id = ? order by id', [plan]);
        expect(rows.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
      }
      // New rows go on from where the migration left each chain.
      await em.execute(`insert into access_log (plan_id, person_id, at, action, what, door) values (?, ?, now(), 'READ', 'after', 'GRAPHQL')`, [first, person]);
      expect(await checkAccessLogChain(em, first)).toMatchObject({ intact: true, checkedEntries: 4 });
    } finally {
      await orm.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app/create-app.js';
import { parseConfig } from '../../src/config/config.js';
import { DEV_ISSUERS } from '../../src/config/config.js';

export const ADMIN = { issuer: DEV_ISSUERS.personnel, subject: 'admin' } as const;

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface TestApp {
  app: App;
  url: string;
  /** ws://… URL of the GraphQL endpoint. */
  wsUrl: string;
  /** The owner's URL: migrations run as it. The app itself serves as a role that cannot erase the access log. */
  databaseUrl: string;
  /** Runs SQL as the database's owner (what the app's own connection may not: DDL, the access log's rows). */
  asOwner<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Stops the app cleanly and starts a new one on the same database (new port; the development
   * issuer's key is kept in `DEV_ISSUER_KEY_FILE`, so tokens minted before still verify).
   */
  restart(): Promise<void>;
  /** A development token, minted through the real `/auth/dev-token` endpoint. */
  token(sub: string, kind?: 'citizen' | 'personnel', name?: string): Promise<string>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the run's PostgreSQL server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `samplan_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * Starts the real app on a free port against a database of its own: a new one, or `database` when
 * the test has prepared one (roles, grants); either is dropped on close.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: AppOptions = {},
  database?: TestDatabase,
): Promise<TestApp> {
  database ??= await createTestDatabase();
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    DATABASE_URL: database.url,
    BOOTSTRAP_ADMIN_ISSUER: ADMIN.issuer,
    BOOTSTRAP_ADMIN_SUBJECT: ADMIN.subject,
    ...env,
  });
  let app = await createApp(config, options);
  const testApp: TestApp = {
    app,
    url: app.url,
    wsUrl: `${app.url.replace(/^http/, 'ws')}/graphql`,
    databaseUrl: database.url,
    async asOwner<T>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async restart() {
      await app.dispose();
      app = await createApp(config, options);
      Object.assign(testApp, { app, url: app.url, wsUrl: `${app.url.replace(/^http/, 'ws')}/graphql` });
    },
    async token(sub, kind = 'citizen', name = sub) {
      const response = await fetch(`${app.url}/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, name, kind }),
      });
      if (!response.ok) throw new Error(`dev-token failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async gql(query, variables, token) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await app.dispose();
      await database.drop();
    },
  };
  return testApp;
}

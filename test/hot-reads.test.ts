import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { closeOrm, openOrm } from '../src/db/orm.js';
import { hotReadPoolOf, readRows } from '../src/db/prepared-statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The hot reads (src/db/prepared-statements.ts) run on a pool of their own whose connections keep
 * one generic plan per prepared statement; the ORM's connections keep PostgreSQL's default. What the
 * reads return is held to the ORM's own reading elsewhere (test/plan-with-facts.test.ts,
 * test/dashboard-queries.test.ts); here, that the two pools are set as they should be, and closed.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' });
});

afterAll(async () => {
  await t?.close();
});

const planCacheMode = sql`select current_setting('plan_cache_mode') as "mode"`;

describe('the hot reads', () => {
  it('run on connections set to generic plans, while the ORM keeps PostgreSQL default', async () => {
    const em = t.app.orm.em.fork();
    expect(await readRows<{ mode: string }>(em, planCacheMode)).toEqual([{ mode: 'force_generic_plan' }]);
    expect(await em.execute<{ mode: string }[]>(planCacheMode.sql)).toEqual([{ mode: 'auto' }]);
    // Inside a transaction a read is the transaction's, on its connection, so it sees its writes.
    await em.transactional(async (inTransaction) => {
      expect(await readRows<{ mode: string }>(inTransaction, planCacheMode)).toEqual([{ mode: 'auto' }]);
    });
  });

  it('keep each statement on one generic plan once PostgreSQL has run it', async () => {
    const em = t.app.orm.em.fork();
    const query = sql`select count(*)::int as "plans" from "plan" where "owner_id" = any(${['00000000-0000-4000-8000-000000000000']}::uuid[])`;
    for (let run = 0; run < 12; run += 1) await readRows(em, query);
    // Reads one after another take the same connection, which holds the statement prepared and
    // has never planned it for its values (PostgreSQL's default plans the first five runs so).
    const prepared = await readRows<{ generic: number; custom: number }>(em, sql`
      select coalesce(sum("generic_plans"), 0)::int as "generic", coalesce(sum("custom_plans"), 0)::int as "custom"
        from pg_prepared_statements where "statement" like '%count(*)::int as "plans"%'`);
    expect(prepared[0]!.generic).toBeGreaterThan(0);
    expect(prepared[0]!.custom).toBe(0);
  });

  it('have their pool ended with the ORM', async () => {
    const orm = await openOrm(t.databaseUrl);
    await readRows(orm.em.fork(), planCacheMode);
    const pool = hotReadPoolOf(orm);
    expect(pool?.totalCount).toBeGreaterThan(0);
    await closeOrm(orm);
    expect(pool?.ended).toBe(true);
    expect(hotReadPoolOf(orm)).toBeNull();
    // A read after the close opens no new pool behind the closed ORM's back.
    await expect(readRows(orm.em.fork(), planCacheMode)).rejects.toThrow(/closed/);
    expect(hotReadPoolOf(orm)).toBeNull();
  });
});

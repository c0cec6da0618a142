import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAccess } from '../src/access-log/access-log.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { runVerifyAccessLog } from './helpers/verify-access-log.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/*
 * The access log cannot be emptied by the server, and what someone with the owner's rights does
 * to it shows: through the real doors (the app's own database connection, GraphQL over HTTP, the
 * `npm run verify-access-log` command).
 */

const INTEGRITY = 'query($id: ID!) { plan(id: $id) { accessLogIntegrity { intact checkedEntries firstBrokenAt problem } } }';

let t: TestApp;
let person: SeededPerson;
let relative: SeededPerson;
let stranger: SeededPerson;
let plans: SeededPlan[];

/** As the server's own connection: the role it serves as. */
const asApp = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(sql, params);
const integrity = async (planId: string, token = person.token) => {
  const response = await t.gql<{ plan: { accessLogIntegrity: { intact: boolean; checkedEntries: number; firstBrokenAt: number | null; problem: string | null } } }>(
    INTEGRITY, { id: planId }, token);
  expect(response.errors).toBeUndefined();
  return response.data!.plan.accessLogIntegrity;
};
/** Reads that the log records, through GraphQL: one row each. */
const readSections = async (planId: string, times: number) => {
  for (let index = 0; index < times; index += 1) {
    const response = await t.gql('query($id: ID!) { plan(id: $id) { sections { content } } }', { id: planId }, person.token);
    expect(response.errors).toBeUndefined();
  }
};
/** As a DBA (or an intruder with the owner's rights), who must lift the append-only trigger first. */
async function asOwnerPastTheTrigger(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('alter table access_log disable trigger access_log_no_change');
    await client.query(sql, params);
    await client.query('alter table access_log enable trigger access_log_no_change');
    await client.query('commit');
  } finally {
    await client.end();
  }
}

const verifyCli = (...planIds: string[]) => runVerifyAccessLog(t.databaseUrl, { planIds });
const lineOf = (stdout: string, planId: string) => stdout.split('\n').find((line) => line.includes(planId)) ?? '';

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  relative = await seed.citizen('tamper-relative');
  stranger = await seed.citizen('tamper-stranger');
  person = await seed.citizen('tamper-person');
  plans = [await seed.plan().withOwner(person).withRelative(relative).create()];
  // One plan per person: the other plans belong to people of their own.
  for (const sub of ['tamper-second', 'tamper-third', 'tamper-fourth']) plans.push(await seed.plan().withOwner(await seed.citizen(sub)).create());
});

afterAll(async () => {
  await t?.close();
});

describe('the server cannot erase its access log', () => {
  it('serves as a role that owns nothing, while the owner migrated', async () => {
    const [serving] = await asApp<{ user: string; superuser: string }>(`select current_user as user, current_setting('is_superuser') as superuser`);
    expect(serving).toEqual({ user: 'samplan_app', superuser: 'off' });
    const [owner] = await t.asOwner<{ owner: string }>(`select tableowner as owner from pg_tables where tablename = 'access_log'`);
    expect(owner!.owner).not.toBe('samplan_app');
    expect((await t.asOwner<{ role: string }>(`select distinct grantee as role from information_schema.role_table_grants where table_name = 'access_log' and grantee = 'samplan_app' and privilege_type not in ('SELECT', 'INSERT')`))).toEqual([]);
  });

  it('refuses TRUNCATE, DELETE, UPDATE, ALTER and every way around the trigger on its own connection', async () => {
    await readSections(plans[0]!.id, 2);
    const before = await t.asOwner('select * from access_log order by id');
    expect(before.length).toBeGreaterThan(0);
    const attempts: Array<[string, RegExp]> = [
      ['truncate access_log', /permission denied/],
      ['truncate access_log cascade', /permission denied/],
      ['delete from access_log', /permission denied/],
      [`update access_log set what = 'nothing'`, /permission denied/],
      ['alter table access_log disable trigger access_log_no_change', /must be owner/],
      ['alter table access_log disable trigger all', /must be owner/],
      ['drop trigger access_log_no_change on access_log', /must be owner/],
      ['drop table access_log', /must be owner/],
      ['alter table access_log owner to samplan_app', /must be owner/],
      [`create or replace function access_log_append_only() returns trigger language plpgsql as $$ begin return null; end $$`, /must be owner|permission denied/],
      ['set session_replication_role = replica', /permission denied/],
      ['set role postgres', /permission denied|does not exist/],
      ['update access_log_head set seq = 0', /permission denied/],
      ['delete from access_log_head', /permission denied/],
      ['truncate access_log_head', /permission denied/],
      ['delete from mikro_orm_migrations', /permission denied/],
    ];
    for (const [sql, refusal] of attempts) await expect(asApp(sql), sql).rejects.toThrow(refusal);
    expect(await t.asOwner('select * from access_log order by id')).toEqual(before);
  });

  it('refuses UPDATE, DELETE and TRUNCATE even from the owner, until the owner lifts the trigger', async () => {
    for (const sql of ['truncate access_log', 'delete from access_log', `update access_log set what = 'nothing'`]) {
      await expect(t.asOwner(sql), sql).rejects.toThrow(/append-only/);
    }
  });

  it('chains every insert, whatever the insert says, and concurrent ones without a fork', async () => {
    const plan = plans[1]!;
    // An insert that names its own place and hash gets the chain's instead.
    await asApp(`insert into access_log (plan_id, person_id, at, action, what, door, seq, prev_hash, hash)
      values (?, ?, now(), 'READ', 'sections', 'GRAPHQL', 1, '\\x00', '\\x00')`, [plan.id, plan.owner.id]);
    // Many at once, on separate connections of the pool, each its own transaction.
    await Promise.all(Array.from({ length: 40 }, (_, index) =>
      recordAccess(t.app.orm.em.fork(), { planId: plan.id, personId: plan.owner.id, action: 'READ', what: `concurrent:${index}`, door: 'GRAPHQL', at: new Date() })));
    const seqs = (await t.asOwner<{ seq: string }>('select seq from access_log where plan_id = $1 order by seq', [plan.id])).map((row) => Number(row.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(seqs.length).toBe(41);
    expect(await integrity(plan.id, plan.owner.token)).toEqual({ intact: true, checkedEntries: 41, firstBrokenAt: null, problem: null });
  });
});

describe('what the owner does to the log shows', () => {
  it('GraphQL answers the person and their chain is intact; others may not ask', async () => {
    await readSections(plans[0]!.id, 3);
    const [{ count }] = (await t.asOwner<{ count: string }>('select count(*) from access_log where plan_id = $1', [plans[0]!.id])) as [{ count: string }];
    expect(await integrity(plans[0]!.id)).toEqual({ intact: true, checkedEntries: Number(count), firstBrokenAt: null, problem: null });
    // Asking is not itself a read of content: no row.
    expect(await integrity(plans[0]!.id)).toMatchObject({ checkedEntries: Number(count) });
    const asRelative = await t.gql(INTEGRITY, { id: plans[0]!.id }, relative.token);
    expect(errorCode(asRelative)).toBe('FORBIDDEN');
    const asStranger = await t.gql(INTEGRITY, { id: plans[0]!.id }, stranger.token);
    expect(errorCode(asStranger)).toBe('NOT_FOUND');
  });

  it('a removed, a changed and a cut-off entry each break the chain where they were', async () => {
    const [removedFrom, changedIn, cutFrom] = [plans[0]!, plans[2]!, plans[3]!];
    for (const plan of [changedIn, cutFrom]) {
      for (let index = 0; index < 4; index += 1) {
        const response = await t.gql('query($id: ID!) { plan(id: $id) { sections { key } } }', { id: plan.id }, plan.owner.token);
        expect(response.errors).toBeUndefined();
      }
    }
    const cli = await verifyCli();
    expect(cli.code, cli.stderr).toBe(0);
    for (const plan of plans) expect(lineOf(cli.stdout, plan.id)).toMatch(/^OK\s+\S+\s+\d+ entries\s+head \d+:[0-9a-f]{64}$/);
    expect(cli.stderr).toMatch(/Checked \d+ plan\(s\): \d+ intact, 0 broken/);

    await asOwnerPastTheTrigger('delete from access_log where plan_id = $1 and seq = 2', [removedFrom.id]);
    await asOwnerPastTheTrigger(`update access_log set what = 'sections-of-someone-else' where plan_id = $1 and seq = 3`, [changedIn.id]);
    await asOwnerPastTheTrigger('delete from access_log where plan_id = $1 and seq = (select max(seq) from access_log where plan_id = $1)', [cutFrom.id]);

    expect(await integrity(removedFrom.id)).toMatchObject({ intact: false, firstBrokenAt: 2, problem: 'ENTRIES_MISSING' });
    expect(await integrity(changedIn.id, changedIn.owner.token)).toMatchObject({ intact: false, firstBrokenAt: 3, problem: 'ENTRY_CHANGED' });
    expect(await integrity(cutFrom.id, cutFrom.owner.token)).toMatchObject({ intact: false, firstBrokenAt: 4, problem: 'ENTRIES_MISSING', checkedEntries: 3 });
    expect(await integrity(plans[1]!.id, plans[1]!.owner.token)).toMatchObject({ intact: true });

    const broken = await verifyCli();
    expect(broken.code).toBe(1);
    expect(lineOf(broken.stdout, removedFrom.id)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 2: ENTRIES_MISSING/);
    expect(lineOf(broken.stdout, changedIn.id)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 3: ENTRY_CHANGED/);
    expect(lineOf(broken.stdout, cutFrom.id)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 4: ENTRIES_MISSING/);
    expect(lineOf(broken.stdout, plans[1]!.id)).toMatch(/^OK /);
    expect(broken.stderr).toMatch(/The access log of 3 plan\(s\) is broken/);
    // One plan by name: only its line.
    const one = await verifyCli(plans[1]!.id);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('emptying the whole log shows in every plan', async () => {
    await t.asOwner('alter table access_log disable trigger access_log_no_truncate; truncate access_log; alter table access_log enable trigger access_log_no_truncate');
    for (const plan of plans) expect(await integrity(plan.id, plan.owner.token)).toMatchObject({ intact: false, firstBrokenAt: 1, problem: 'ENTRIES_MISSING', checkedEntries: 0 });
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.stdout.split('\n').filter((line) => line.startsWith('BROKEN'))).toHaveLength(plans.length);
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessLogInsert, recordAccess, type AccessEntry } from '../src/access-log/access-log.js';
import { checkAccessLogChain } from '../src/access-log/access-log-chain.js';
import { createApp } from '../src/app/create-app.js';
import { parseConfig } from '../src/config/config.js';
import { servingLogin, withClient } from '../src/db/database-roles.js';
import { openOrm } from '../src/db/orm.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { runVerifyAccessLog } from './helpers/verify-access-log.js';
import { createTestDatabase, startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/*
 * The attacker's pass over the access log (docs/access-log.md): a raw PostgreSQL client logged in
 * as the role the server serves as tries every way to erase, rewrite or hide history; the owner
 * tampers past the triggers and the chain must say where; concurrent writers must not fork or
 * deadlock; and the server refuses to serve as a role that could do more than append.
 */

const silent = pino({ level: 'silent' });
/** Databases are dropped before roles: a role with privileges in a database cannot be dropped. */
const cleanups = { databases: [] as Array<() => Promise<unknown>>, roles: [] as Array<() => Promise<unknown>> };

let t: TestApp;
/** Where the running server connects to serve: its role, its password. */
let servingUrl: string;
let person: SeededPerson;
let relative: SeededPerson;
let plans: SeededPlan[];

const query = <T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) =>
  withClient(url, async (client) => (await client.query(sql, params)).rows as T[]);
/** As the PostgreSQL server's administrator: roles are shared by every database of the server. */
const asAdmin = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => query<T>(inject('adminDatabaseUrl'), sql, params);
const withUser = (url: string, user: string, password: string) => {
  const login = new URL(url);
  login.username = user;
  login.password = password;
  return login.toString();
};
/** A login role of this test's own (never samplan_app: the PostgreSQL server is shared). */
async function role(options = ''): Promise<{ name: string; password: string }> {
  const name = `samplan_atk_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await asAdmin(`create role ${name} login ${options} password '${password}'`);
  cleanups.roles.push(() => asAdmin(`drop role if exists ${name}`));
  return { name, password };
}
async function database() {
  const created = await createTestDatabase();
  cleanups.databases.push(() => created.drop());
  return created;
}
const startOn = (env: Record<string, string>) => createApp(parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...env }));
/** Why the server refused to start; a server that started anyway is stopped at once. */
const refusal = (env: Record<string, string>) =>
  startOn(env).then(
    async (app) => {
      await app.dispose();
      return 'started';
    },
    (error: Error) => error.message,
  );

/** As the owner (or an intruder with its rights), with every user trigger on the log lifted. */
async function pastTheTriggers(sql: string, params: unknown[] = []): Promise<void> {
  await withClient(t.databaseUrl, async (client) => {
    await client.query('begin');
    await client.query('alter table access_log disable trigger user');
    await client.query(sql, params);
    await client.query('alter table access_log enable trigger user');
    await client.query('commit');
  });
}
const chainOf = async (planId: string) => {
  const owner = await openOrm(t.databaseUrl);
  try {
    return await checkAccessLogChain(owner.em.fork(), planId);
  } finally {
    await owner.close();
  }
};
const entry = (plan: SeededPlan, what: string): AccessEntry => ({ planId: plan.id, personId: plan.owner.id, action: 'READ', what, door: 'GRAPHQL', at: new Date() });
/** Entries through the server's own connection, one transaction each, in order. */
async function logEntries(plan: SeededPlan, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) await recordAccess(t.app.orm.em.fork(), entry(plan, `entry:${index}`));
}
const snapshot = () => t.asOwner('select id, plan_id, seq, prev_hash, hash, person_id, at, action, what, door from access_log order by id');

const verifyCli = () => runVerifyAccessLog(t.databaseUrl, { logLevel: 'info' });

beforeAll(async () => {
  t = await startTestApp();
  servingUrl = t.app.orm.config.get('clientUrl')!;
  const seed = seedFor(t);
  relative = await seed.citizen('atk-relative');
  person = await seed.citizen('atk-person');
  plans = [await seed.plan().withOwner(person).withRelative(relative).create()];
  for (let index = 1; index < 12; index += 1) plans.push(await seed.plan().withOwner(await seed.citizen(`atk-owner-${index}`)).create());
});

afterAll(async () => {
  await t?.close();
  for (const cleanup of [...cleanups.databases, ...cleanups.roles]) await cleanup();
});

describe('as the serving role, on a raw connection', () => {
  it('nothing erases, rewrites or switches off the log (doors that hold)', async () => {
    const plan = plans[0]!;
    await logEntries(plan, 3);
    const before = await snapshot();
    const [owner] = await t.asOwner<{ name: string }>('select current_user as name');
    const attempts: Array<[string, RegExp]> = [
      ['truncate access_log', /permission denied/],
      ['delete from access_log', /permission denied/],
      [`update access_log set what = 'x'`, /permission denied/],
      [`insert into access_log (plan_id, person_id, at, action, what, door) select plan_id, person_id, at, action, what, door from access_log
        on conflict (plan_id, seq) do update set what = 'x'`, /permission denied/],
      ['merge into access_log l using (select 1 as id) s on l.id = s.id when matched then delete', /permission denied/],
      ['alter table access_log disable trigger user', /must be owner/],
      ['alter table access_log rename to old_access_log', /must be owner/],
      ['drop table access_log cascade', /must be owner/],
      ['create trigger a_first before insert on access_log for each row execute function access_log_append_only()', /permission denied/],
      ['create rule hide as on insert to access_log do instead nothing', /must be owner/],
      ['alter table access_log enable row level security', /must be owner/],
      ['create or replace function access_log_chain() returns trigger language plpgsql as $$ begin return new; end $$', /permission denied/],
      [`create or replace function access_log_hash(bigint, uuid, bigint, uuid, timestamptz, text, text, text, bytea) returns bytea
        language sql as $$ select ''::bytea $$`, /permission denied/],
      ['drop function access_log_hash', /must be owner/],
      ['alter function access_log_chain() reset search_path', /must be owner/],
      ['alter function access_log_chain() owner to current_user', /must be owner/],
      ['select access_log_chain()', /only be called as triggers/],
      [`update access_log_head set seq = 1`, /permission denied/],
      [`insert into access_log_head (plan_id, seq, hash) values ('${plans[1]!.id}', 7, '\\x00')`, /permission denied/],
      ['delete from access_log_head', /permission denied/],
      ['select * from access_log_head for update', /permission denied/],
      [`select setval('access_log_id_seq', 1)`, /permission denied/],
      ['alter sequence access_log_id_seq restart', /must be owner/],
      // Moving a plan or a person cascades into the log, which refuses; deleting them is refused by the key.
      [`update plan set id = gen_random_uuid() where id = '${plan.id}'`, /append-only/],
      [`update person set id = gen_random_uuid() where id = '${plan.owner.id}'`, /append-only|foreign key/],
      [`delete from plan where id = '${plan.id}'`, /foreign key/],
      ['set session_replication_role = replica', /permission denied/],
      [`set role ${owner!.name}`, /permission denied/],
      [`set session authorization ${owner!.name}`, /permission denied/],
      ['alter role current_user superuser', /must be superuser|permission denied/],
      ['alter role current_user createrole', /permission denied/],
      ['alter role current_user set session_replication_role = replica', /permission denied/],
      ['create schema hide', /permission denied/],
      ['create table public.access_log_copy (id bigint)', /permission denied/],
      ['create function public.repeat(text, bigint) returns text language sql as $$ select $1 $$', /permission denied/],
      [`alter default privileges for role ${owner!.name} grant all on tables to current_user`, /must be member|permission denied/],
      [`copy access_log to program 'cat'`, /permission denied|must be superuser/],
      [`copy access_log from '/etc/hostname'`, /permission denied|must be superuser/],
      [`select pg_read_file('postgresql.conf')`, /permission denied/],
      ['set role pg_read_server_files', /permission denied/],
      [`select lo_import('/etc/hostname')`, /permission denied/],
      ['create extension dblink', /permission denied/],
      ['create publication leak for table access_log', /permission denied|must be/],
    ];
    await withClient(servingUrl, async (client) => {
      for (const [sql, refusal] of attempts) await expect(client.query(sql), sql).rejects.toThrow(refusal);
      // GRANT and ALTER DEFAULT PRIVILEGES by the role to itself are accepted and give nothing.
      await client.query('grant all on access_log, access_log_head to current_user');
      await client.query('alter default privileges in schema public grant all on tables to current_user');
      await expect(client.query('delete from access_log')).rejects.toThrow(/permission denied/);
      await expect(client.query('update access_log_head set seq = 1')).rejects.toThrow(/permission denied/);
    });
    expect(await snapshot()).toEqual(before);
    expect(await chainOf(plan.id)).toMatchObject({ intact: true, checkedEntries: 3 });
  });

  it('an insert that names its own id, place, link or hash gets the chain’s', async () => {
    const plan = plans[1]!;
    await logEntries(plan, 2);
    const [{ max }] = (await t.asOwner<{ max: string }>('select max(id) from access_log')) as [{ max: string }];
    await query(servingUrl, `insert into access_log (id, plan_id, person_id, at, action, what, door, seq, prev_hash, hash)
      values (-5, $1, $2, now(), 'READ', 'forged', 'GRAPHQL', 1, '\\x00', '\\x01'),
             (${Number(max) + 1}, $1, $2, now(), 'READ', 'forged', 'GRAPHQL', 1, '\\x00', '\\x01')`, [plan.id, plan.owner.id]);
    const rows = await t.asOwner<{ id: string; seq: string }>(`select id, seq from access_log where plan_id = $1 order by seq`, [plan.id]);
    expect(rows.map((row) => Number(row.seq))).toEqual([1, 2, 3, 4]);
    // Ids come from the sequence too: an id chosen to sort first in the person's list, or to take
    // the next honest row's, is not taken.
    expect(rows.map((row) => Number(row.id))).toEqual([...rows.map((row) => Number(row.id))].sort((a, b) => a - b));
    expect(rows.every((row) => Number(row.id) > 0)).toBe(true);
    await logEntries(plan, 1);
    expect(await chainOf(plan.id)).toMatchObject({ intact: true, checkedEntries: 5 });
  });

  it('a temporary table named access_log on its own connection does not take the rows', async () => {
    const plan = plans[2]!;
    await withClient(servingUrl, async (client) => {
      await client.query('create temporary table access_log (like public.access_log including defaults)');
      const statement = accessLogInsert([entry(plan, 'through-a-shadow')])!;
      let index = 0;
      await client.query(statement.sql.replace(/\?/g, () => `$${(index += 1)}`), statement.params);
    });
    expect(await t.asOwner('select what from access_log where plan_id = $1', [plan.id])).toEqual([{ what: 'through-a-shadow' }]);
    expect(await chainOf(plan.id)).toMatchObject({ intact: true, checkedEntries: 1 });
  });
});

describe('search_path: objects in public never run inside the log’s trigger or checks', () => {
  it('an operator planted in public (PostgreSQL before 15 let everyone create there) does not run as the owner', async () => {
    const db = await database();
    const planter = await role();
    const planterUrl = withUser(db.url, planter.name, planter.password);
    const served = await startTestApp({ DATABASE_APP_URL: planterUrl }, {}, db);
    try {
      // The person and their plan come in through the server (serving as the planter's role), as any would.
      const seed = seedFor(served);
      const { id: planId, owner } = await seed.plan().withOwner(await seed.citizen('planted')).create();
      // A DBA later opens schema public to everyone, as PostgreSQL before 15 did by default.
      await query(db.url, `grant create on schema public to ${planter.name}`);
      await query(planterUrl, `create table public.ran_as (who text)`);
      await query(planterUrl, `grant insert on public.ran_as to public`);
      // numeric * integer matches this exactly, and pg_catalog's numeric * numeric only after a cast.
      await query(planterUrl, `create function public.planted_mul(numeric, integer) returns numeric language plpgsql as $$
        begin insert into public.ran_as values (current_user); return $1 * $2::numeric; end $$`);
      await query(planterUrl, 'create operator public.* (leftarg = numeric, rightarg = integer, function = public.planted_mul)');
      await query(planterUrl, `insert into access_log (plan_id, person_id, at, action, what, door) values ($1, $2, now(), 'READ', 'sections', 'GRAPHQL')`,
        [planId, owner.id]);
      const ownerOrm = await openOrm(db.url);
      try {
        expect(await checkAccessLogChain(ownerOrm.em.fork(), planId)).toMatchObject({ intact: true, checkedEntries: 1 });
      } finally {
        await ownerOrm.close();
      }
      expect(await query(db.url, 'select who from public.ran_as')).toEqual([]);
    } finally {
      await served.close();
    }
  });
});

describe('what the owner does past the triggers shows', () => {
  it('a removed, a cut-off, a reordered, a changed, a slipped-in and a swapped entry each break the chain where they are', async () => {
    const [middle, tail, reordered, changed, slipped, headless, swapA, swapB, spare, untouched] = plans.slice(2);
    for (const plan of [middle, tail, reordered, changed, slipped, headless, swapA, swapB, untouched]) await logEntries(plan!, 5);
    const first = await verifyCli();
    expect(first.code, first.stderr).toBe(0);

    await pastTheTriggers('delete from access_log where plan_id = $1 and seq = 3', [middle!.id]);
    expect(await chainOf(middle!.id)).toMatchObject({ intact: false, firstBrokenAt: 3, problem: 'ENTRIES_MISSING' });

    // The last entry gone: only the head, which still counts it, shows it.
    await pastTheTriggers('delete from access_log where plan_id = $1 and seq = 5', [tail!.id]);
    expect(await chainOf(tail!.id)).toMatchObject({ intact: false, firstBrokenAt: 5, problem: 'ENTRIES_MISSING', checkedEntries: 4 });

    await pastTheTriggers(`update access_log set seq = -seq where plan_id = $1 and seq in (2, 3);
      update access_log set seq = case seq when -2 then 3 else 2 end where plan_id = $1 and seq < 0`.replace(/\$1/g, `'${reordered!.id}'`));
    expect(await chainOf(reordered!.id)).toMatchObject({ intact: false, firstBrokenAt: 2, problem: 'ENTRY_CHANGED' });

    const changes = [
      `at = at + interval '1 microsecond'`,
      `person_id = '${relative.id}'`,
      `what = 'section:goals'`,
      `door = 'LIVE'`,
      `action = 'WRITE'`,
    ];
    for (const change of changes) {
      const [original] = await t.asOwner('select * from access_log where plan_id = $1 and seq = 4', [changed!.id]);
      await pastTheTriggers(`update access_log set ${change} where plan_id = $1 and seq = 4`, [changed!.id]);
      expect(await chainOf(changed!.id), change).toMatchObject({ intact: false, firstBrokenAt: 4, problem: 'ENTRY_CHANGED' });
      await pastTheTriggers(`update access_log set at = $2, person_id = $3, what = $4, door = $5, action = $6 where plan_id = $1 and seq = 4`,
        [changed!.id, original!['at'], original!['person_id'], original!['what'], original!['door'], original!['action']]);
      expect(await chainOf(changed!.id), `${change}, undone`).toMatchObject({ intact: true });
    }
    await pastTheTriggers(`update access_log set what = 'section:situation' where plan_id = $1 and seq = 4`, [changed!.id]);

    // Slipped in past the chain trigger: with a made-up link, and with a true one but the head not moved.
    await pastTheTriggers(`insert into access_log (plan_id, person_id, at, action, what, door, seq, prev_hash, hash)
      values ($1, $2, now(), 'READ', 'slipped', 'GRAPHQL', 6, '\\x00', '\\x00')`, [slipped!.id, slipped!.owner.id]);
    expect(await chainOf(slipped!.id)).toMatchObject({ intact: false, firstBrokenAt: 6, problem: 'ENTRY_CHANGED' });
    await pastTheTriggers(`delete from access_log where plan_id = $1 and seq = 6;
      insert into access_log (id, plan_id, person_id, at, action, what, door, seq, prev_hash, hash)
        select n.id, h.plan_id, $2, n.at, 'READ', 'slipped', 'GRAPHQL', 6, h.hash,
          access_log_hash(n.id, h.plan_id, 6, $2, n.at, 'READ', 'slipped', 'GRAPHQL', h.hash)
        from access_log_head h, (select nextval('access_log_id_seq') as id, now() as at) n where h.plan_id = $1`.replace(/\$1/g, `'${slipped!.id}'`).replace(/\$2/g, `'${slipped!.owner.id}'::uuid`));
    expect(await chainOf(slipped!.id)).toMatchObject({ intact: false, firstBrokenAt: 6, problem: 'HEAD_MISMATCH' });

    await t.asOwner('delete from access_log_head where plan_id = $1', [headless!.id]);
    expect(await chainOf(headless!.id)).toMatchObject({ intact: false, firstBrokenAt: 1, problem: 'HEAD_MISMATCH' });

    // Two plans' chains, heads included, traded (through a third id: a plan's place is unique).
    for (const table of ['access_log', 'access_log_head']) {
      await pastTheTriggers(`update ${table} set plan_id = $2 where plan_id = $1`, [swapA!.id, spare!.id]);
      await pastTheTriggers(`update ${table} set plan_id = $2 where plan_id = $1`, [swapB!.id, swapA!.id]);
      await pastTheTriggers(`update ${table} set plan_id = $2 where plan_id = $1`, [spare!.id, swapB!.id]);
    }
    for (const plan of [swapA, swapB]) expect(await chainOf(plan!.id)).toMatchObject({ intact: false, firstBrokenAt: 1, problem: 'ENTRY_CHANGED' });

    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    const lineOf = (plan: SeededPlan | undefined) => cli.stdout.split('\n').find((line) => line.includes(plan!.id)) ?? '';
    expect(lineOf(middle)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 3: ENTRIES_MISSING/);
    expect(lineOf(tail)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 5: ENTRIES_MISSING/);
    expect(lineOf(reordered)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 2: ENTRY_CHANGED/);
    expect(lineOf(changed)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 4: ENTRY_CHANGED/);
    expect(lineOf(slipped)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 6: HEAD_MISMATCH/);
    expect(lineOf(headless)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 1: HEAD_MISMATCH/);
    expect(lineOf(swapA)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 1: ENTRY_CHANGED/);
    expect(lineOf(swapB)).toMatch(/^BROKEN\s+\S+\s+first broken at entry 1: ENTRY_CHANGED/);
    expect(lineOf(untouched)).toMatch(/^OK\s/);
    // stdout holds the result lines only (to keep them elsewhere); progress and the summary go to stderr.
    expect(cli.stdout.trim().split('\n').every((line) => /^(OK|BROKEN) /.test(line)), cli.stdout).toBe(true);
    expect(cli.stderr).toMatch(/Checking \d+ plan\(s\)/);
    expect(cli.stderr).toMatch(/Checked \d+ plan\(s\): \d+ intact, 8 broken/);

    // The person is told through GraphQL; a relative in the plan may not ask.
    const integrity = 'query($id: ID!) { plan(id: $id) { accessLogIntegrity { intact firstBrokenAt problem } } }';
    const asOwner = await t.gql(integrity, { id: middle!.id }, middle!.owner.token);
    expect(asOwner.data?.plan).toEqual({ accessLogIntegrity: { intact: false, firstBrokenAt: 3, problem: 'ENTRIES_MISSING' } });
    const asRelative = await t.gql(integrity, { id: plans[0]!.id }, relative.token);
    expect(errorCode(asRelative)).toBe('FORBIDDEN');
  });
});

describe('concurrent writers', () => {
  it('50 inserts for one new plan from several connections line up in one chain', async () => {
    const seed = seedFor(t);
    const plan = await seed.plan().withOwner(await seed.citizen('atk-concurrent')).create();
    const clients = await Promise.all(Array.from({ length: 5 }, async () => {
      const client = new pg.Client({ connectionString: servingUrl });
      await client.connect();
      return client;
    }));
    try {
      await Promise.all(clients.map(async (client, c) => {
        for (let index = 0; index < 10; index += 1) {
          await client.query('begin');
          await client.query(`insert into access_log (plan_id, person_id, at, action, what, door) values ($1, $2, now(), 'READ', $3, 'GRAPHQL')`,
            [plan.id, plan.owner.id, `concurrent:${c}:${index}`]);
          await client.query('commit');
        }
      }));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const seqs = (await t.asOwner<{ seq: string }>('select seq from access_log where plan_id = $1 order by seq', [plan.id])).map((row) => Number(row.seq));
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(await chainOf(plan.id)).toMatchObject({ intact: true, checkedEntries: 50 });
  });

  it('transactions logging for many plans at once, in any order, neither deadlock nor fail', { timeout: 120_000 }, async () => {
    const seed = seedFor(t);
    const many: SeededPlan[] = [];
    for (let index = 0; index < 8; index += 1) many.push(await seed.plan().withOwner(await seed.citizen(`atk-many-${index}`)).create());
    const shuffled = () => many.map((plan) => [Math.random(), plan] as const).sort((a, b) => a[0] - b[0]).map(([, plan]) => plan);
    // As the group commit does: one statement with rows of several plans, in the order they came.
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, index) =>
      t.app.orm.em.fork().transactional((em) => recordAccess(em, shuffled().map((plan) => entry(plan, `batch:${index}`))))));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
    for (const plan of many) expect(await chainOf(plan.id)).toMatchObject({ intact: true, checkedEntries: 40 });
  });
});

describe('the server refuses a serving role that could do more than append', () => {
  it('refuses, naming why, each power that would let the role erase or hide', { timeout: 120_000 }, async () => {
    const db = await database();
    const [owner] = await query<{ name: string }>(db.url, 'select current_user as name');
    const group = `samplan_atk_group_${randomBytes(4).toString('hex')}`;
    await asAdmin(`create role ${group} nologin`);
    cleanups.roles.push(() => asAdmin(`drop role if exists ${group}`));
    // Migrated once by a role that may serve; each case then starts again on the same database.
    const fine = await role();
    const app = await startOn({ DATABASE_URL: db.url, DATABASE_APP_URL: withUser(db.url, fine.name, fine.password) });
    await app.dispose();
    const dbName = new URL(db.url).pathname.slice(1);
    await query(db.url, `grant trigger on access_log to ${group}; grant insert on access_log_head to ${group}`);
    const cases: Array<[string, (name: string) => string, RegExp]> = [
      ['createrole', () => '', /may create roles/],
      ['', (name) => `grant create on schema public to ${name}`, /may create objects in schema public/],
      ['', (name) => `grant create on database ${dbName} to ${name}`, /may create schemas/],
      ['', (name) => `grant pg_write_server_files to ${name}`, /may reach files or programs on the database server/],
      ['', (name) => `grant pg_execute_server_program to ${name}`, /may reach files or programs on the database server/],
      ['', (name) => `grant ${group} to ${name}`, /may add triggers to access_log or change access_log_head/],
      ['', (name) => `grant ${owner!.name} to ${name}`, /owns access_log \(or may act as its owner\)/],
    ];
    for (const [options, grant, why] of cases) {
      const mighty = await role(options);
      const statement = grant(mighty.name);
      if (statement) await query(db.url, statement);
      expect(await refusal({ DATABASE_URL: db.url, DATABASE_APP_URL: withUser(db.url, mighty.name, mighty.password) }), statement || options)
        .toMatch(new RegExp(`may not serve as a database role that can erase the access log: ${mighty.name} ${why.source}.*Database roles`));
    }
  });

  it('refuses DATABASE_APP_URL on another database than DATABASE_URL’s', async () => {
    const [db, other] = [await database(), await database()];
    const serving = await role();
    expect(await refusal({ DATABASE_URL: db.url, DATABASE_APP_URL: withUser(other.url, serving.name, serving.password) }))
      .toMatch(/DATABASE_APP_URL must name the same database as DATABASE_URL/);
  });

  it('without DATABASE_APP_URL, an owner that may not create roles is told what to do', async () => {
    const db = await database();
    const owner = await role('nocreaterole');
    const derived = `samplan_atk_derived_${randomBytes(4).toString('hex')}`;
    cleanups.roles.push(() => asAdmin(`drop role if exists ${derived}`));
    await expect(servingLogin(withUser(db.url, owner.name, owner.password), undefined, silent, derived))
      .rejects.toThrow(/may not create the serving role .*CREATEROLE.*DATABASE_APP_URL/s);
  });
});

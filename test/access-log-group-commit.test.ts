import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessLogChain } from '../src/access-log/access-log-chain.js';
import { errorCode } from './helpers/graphql.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const READ = 'query($id: ID!) { plan(id: $id) { sections { key content } } }';

let t: TestApp;
let plan: SeededPlan;
let owner: SeededPerson;
let relative: SeededPerson;

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  owner = await seed.citizen('anna');
  relative = await seed.citizen('bjorn');
  plan = await seed.plan().withOwner(owner).withRelative(relative).create();
});

afterAll(async () => {
  await t?.close();
});

const readsLogged = async (personId: string) =>
  Number((await t.asOwner<{ n: string }>(`select count(*) as n from access_log where plan_id = $1 and person_id = $2 and action = 'READ' and what = 'sections'`, [plan.id, personId]))[0]!.n);

describe('access-log rows of GraphQL reads, committed together', () => {
  it('logs every one of many concurrent reads of one plan, each committed before its answer, in one intact chain', async () => {
    const before = await readsLogged(owner.id);
    // Separate connections, outside the server: what they see is committed. (A pool: one client
    // runs one query at a time, and pg deprecates queueing more on it.)
    const outside = new pg.Pool({ connectionString: t.databaseUrl, max: 4 });
    try {
      let answered = 0;
      const shortfalls: number[] = [];
      await Promise.all(Array.from({ length: 40 }, async () => {
        const response = await t.gql(READ, { id: plan.id }, owner.token);
        expect(response.errors).toBeUndefined();
        const answeredSoFar = ++answered;
        const { rows } = await outside.query<{ n: string }>(`select count(*) as n from access_log where plan_id = $1 and person_id = $2 and what = 'sections'`, [plan.id, owner.id]);
        // Every answer received so far had its row committed before it was sent.
        shortfalls.push(answeredSoFar - (Number(rows[0]!.n) - before));
      }));
      expect(Math.max(...shortfalls)).toBeLessThanOrEqual(0);
    } finally {
      await outside.end();
    }
    expect(await readsLogged(owner.id)).toBe(before + 40);
    expect(await checkAccessLogChain(t.app.orm.em.fork(), plan.id)).toMatchObject({ intact: true });
  });

  it('fails a read whose row cannot be written, and only that read', async () => {
    // A trigger of the test's own refuses one person's rows, as a failing disk or a constraint would.
    await t.asOwner(`create function refuse_bjorn() returns trigger language plpgsql as $$
      begin if new.person_id = '${relative.id}' then raise exception 'access log unavailable for this row'; end if; return new; end $$`);
    await t.asOwner('create trigger refuse_bjorn before insert on access_log for each row execute function refuse_bjorn()');
    try {
      const ownerBefore = await readsLogged(owner.id);
      const [refused, ...answered] = await Promise.all([
        t.gql(READ, { id: plan.id }, relative.token),
        ...Array.from({ length: 5 }, () => t.gql(READ, { id: plan.id }, owner.token)),
      ]);
      // No content without its row: the relative's read fails and returns no sections.
      expect(refused!.data?.plan ?? null).toBeNull();
      expect(errorCode(refused!)).toBe('INTERNAL_SERVER_ERROR');
      for (const response of answered) expect(response.errors).toBeUndefined();
      expect(await readsLogged(owner.id)).toBe(ownerBefore + 5);
      expect(await readsLogged(relative.id)).toBe(0);
    } finally {
      await t.asOwner('drop trigger refuse_bjorn on access_log');
      await t.asOwner('drop function refuse_bjorn()');
    }
    expect((await t.gql(READ, { id: plan.id }, relative.token)).errors).toBeUndefined();
    expect(await readsLogged(relative.id)).toBe(1);
  });
});

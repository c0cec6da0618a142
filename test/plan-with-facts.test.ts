import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrap, type EntityManager } from '@mikro-orm/postgresql';
import { readNamedRows } from '../src/db/prepared-statements.js';
import { inUnitOfWork, withoutTransaction } from '../src/db/unit-of-work.js';
import { Person } from '../src/people/person.entity.js';
import { Participant, Plan } from '../src/plans/plan.entity.js';
import { factsFrom } from '../src/plans/plan.facts.js';
import { loadPlanFacts, loadPlansWithFacts } from '../src/plans/plan.with-facts.js';
import { errorCode, expectData } from './helpers/graphql.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { statementsDuring } from './helpers/statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A plan read with its policy facts in one statement (src/plans/plan.with-facts.ts). That the facts
 * equal what the rules say over the rows, at every instant, is test/access-clock.property.test.ts
 * (which reads them this way and also through the separate loaders); here: the statements a plan
 * query costs, several plans in one batch, a transaction's own writes, and that it makes no entity
 * (models and cards equal to the entities of their rows).
 */
const PLAN_QUERY = 'query($id: ID!) { plan(id: $id) { sections { key content } participants { role person { displayName } } } }';

let t: TestApp;
let owner: SeededPerson;
let small: { id: string };
let large: { id: string };
let largeOwner: SeededPerson;

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' });
  const seed = seedFor(t);
  owner = await seed.citizen('owner');
  const relatives = await Promise.all(Array.from({ length: 6 }, (_, index) => seed.citizen(`relative-${index}`)));
  small = await seed.plan().withOwner(owner).withRelative(relatives[0]!).create();
  largeOwner = await seed.citizen('other-owner');
  let builder = seed.plan().withOwner(largeOwner);
  for (const relative of relatives) builder = builder.withRelative(relative);
  large = await builder.create();
});

afterAll(async () => {
  await t?.close();
});

describe('a plan with its facts in one statement', () => {
  it('answers the plan query in two statements (the plan with its facts, the access-log row), however many take part', async () => {
    // Through `node(id)`, which reads the plan at every request: `plan(id)` may take its rows from
    // an earlier read's, and then costs one statement (test/plan-read-cache.test.ts).
    const asked = async (planId: string, who: SeededPerson, planQuery = PLAN_QUERY) => {
      const query = `${planQuery.replace('plan(id: $id) {', 'node(id: $id) { ... on Plan {')} }`;
      // Once first, so the caller's token is known (src/auth/actor-cache.ts) and the document loaded.
      expectData(await t.gql(query, { id: planId }, who.token), 'node');
      let answer: any;
      const statements = await statementsDuring(async () => {
        answer = expectData(await t.gql(query, { id: planId }, who.token), 'node');
      });
      return { statements, plan: answer.node, participants: answer.node.participants as unknown[] };
    };
    const two = await asked(small.id, owner);
    const seven = await asked(large.id, largeOwner);
    // The barrier: the counter sees the request's statements, and the plans are as arranged.
    expect(two.participants).toHaveLength(2);
    expect(seven.participants).toHaveLength(7);
    expect(two.statements).toHaveLength(2);
    expect(seven.statements).toHaveLength(2);
    expect(two.statements.filter((sql) => /insert into public\."access_log"/.test(sql))).toHaveLength(1);
    // Who changed each section is read only when asked for, once for all sections.
    const withChanges = await asked(small.id, owner, PLAN_QUERY.replace('sections { key content }', 'sections { key content lastChange { at } }'));
    expect(withChanges.statements).toHaveLength(3);
    expect(withChanges.statements.filter((sql) => /from plan_change/.test(sql))).toHaveLength(1);
    // The owner and every participant's person are named from the plan read's cards, with no statement more.
    const named = await asked(large.id, largeOwner, PLAN_QUERY.replace('participants {', 'owner { id displayName } participants { person { id }'));
    expect(named.statements).toHaveLength(2);
    const persons = await t.app.orm.em.fork().find(Person, { id: { $in: named.plan.participants.map((participant: any) => participant.person.id) } });
    const nameOf = new Map(persons.map((person) => [person.id, person.displayName]));
    expect(named.plan.owner).toEqual({ id: largeOwner.id, displayName: nameOf.get(largeOwner.id) });
    expect(named.plan.participants.map((participant: any) => participant.person.displayName)).toEqual(named.plan.participants.map((participant: any) => nameOf.get(participant.person.id)));
    expect(nameOf.size).toBe(7);
  });

  it('names the people and units of a page of plans in statements that do not grow with the page', async () => {
    const seed = seedFor(t);
    const homeCare = await seed.organization('Home care for a page');
    const listed = async (plans: number) => {
      const nurse = await seed.staff(`page-nurse-${plans}`, homeCare.id);
      for (let index = 0; index < plans; index++) {
        const relative = await seed.citizen(`page-${plans}-relative-${index}`);
        await seed.plan().withOwner(await seed.citizen(`page-${plans}-owner-${index}`)).withProvider(nurse, homeCare.id).withRelative(relative).create();
      }
      const query = '{ plans(first: 20) { edges { node { owner { displayName } participants { role person { displayName } organization { name } } } } } }';
      expectData(await t.gql(query, {}, nurse.token), 'plans');
      let answer: any;
      const statements = await statementsDuring(async () => {
        answer = expectData(await t.gql(query, {}, nurse.token), 'plans');
      });
      return { statements, nodes: answer.plans.edges.map((edge: any) => edge.node) };
    };
    const two = await listed(2);
    const five = await listed(5);
    // The barrier: each page holds its plans, every person and unit named.
    expect(two.nodes).toHaveLength(2);
    expect(five.nodes).toHaveLength(5);
    for (const node of [...two.nodes, ...five.nodes]) {
      expect(node.owner.displayName).toEqual(expect.any(String));
      expect(node.participants.map((participant: any) => participant.role)).toEqual(['OWNER', 'PROVIDER', 'RELATIVE']);
      expect(node.participants[1].organization).toEqual({ name: 'Home care for a page' });
      for (const participant of node.participants) expect(participant.person.displayName).toEqual(expect.any(String));
    }
    expect(five.statements).toHaveLength(two.statements.length);
  });

  it('still refuses a plan the caller does not take part in and one that does not exist alike', async () => {
    const stranger = await seedFor(t).citizen('stranger');
    expect(errorCode(await t.gql(PLAN_QUERY, { id: small.id }, stranger.token))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(PLAN_QUERY, { id: randomUUID() }, stranger.token))).toBe('NOT_FOUND');
    // Not an id at all: refused before any SQL, as every id argument is (docs/graphql.md).
    expect(errorCode(await t.gql(PLAN_QUERY, { id: "'; drop table plan; --" }, stranger.token))).toBe('BAD_USER_INPUT');
  });

  it('reads several plans in one batch with the same facts as one by one, and leaves out an id with no plan', async () => {
    const now = new Date();
    const missing = randomUUID();
    const batch = await loadPlansWithFacts(t.app.orm.em.fork(), [small.id, missing, large.id], now);
    expect([...batch.plans.keys()].sort()).toEqual([small.id, large.id].sort());
    for (const planId of [small.id, large.id]) {
      const plan = batch.plans.get(planId)!;
      const together = factsFrom(plan, batch.participants.get(planId)!, {
        consents: batch.consents.get(planId),
        accessChangesAt: batch.accessChangesAt.get(planId) ?? null,
        guardians: batch.guardians.get(plan.owner.id),
        ended: { now, readDays: 0 },
      });
      const alone = await loadPlanFacts(withoutTransaction(t.app.orm.em.fork()), planId, now, 0);
      expect(together).toEqual(alone);
      // The owner first, as every listing of participants shows them.
      expect(batch.participants.get(planId)![0]!.role).toBe('OWNER');
    }
    expect(await loadPlanFacts(withoutTransaction(t.app.orm.em.fork()), missing, now, 0)).toBeNull();
  });

  it("reads inside the caller's transaction, so it sees what that transaction has written and not committed", async () => {
    const newcomer = await seedFor(t).citizen('newcomer');
    const em = t.app.orm.em.fork();
    await inUnitOfWork(em, async (uow) => {
      uow.em.create(Participant, { plan: small.id, person: newcomer.id, role: 'RELATIVE' } as never);
      await uow.em.flush();
      const inside = await loadPlansWithFacts(uow.em, [small.id], new Date());
      expect(inside.participants.get(small.id)!.map((participant) => participant.person.id)).toContain(newcomer.id);
      // Outside the transaction the row is not there yet.
      const outside = await loadPlansWithFacts(t.app.orm.em.fork(), [small.id], new Date());
      expect(outside.participants.get(small.id)!.map((participant) => participant.person.id)).not.toContain(newcomer.id);
      // Reads with knex's named bindings (the dashboard's) join the transaction the same way.
      const count = (em: EntityManager) => readNamedRows<{ n: number }>(em, 'select count(*)::int as "n" from "participant" where "plan_id" = :plan', { plan: small.id });
      const [[inTransaction], [committed]] = await Promise.all([count(uow.em), count(t.app.orm.em.fork())]);
      expect(inTransaction!.n).toBe(committed!.n + 1);
      throw new RollBack();
    }).catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  });

  it('reads the plan as stored and leaves an entity the EntityManager holds as it is', async () => {
    const em = t.app.orm.em.fork();
    const held = await em.findOneOrFail(Plan, small.id);
    const stored = held.title;
    held.title = 'Changed, not saved';
    const loaded = await loadPlansWithFacts(em, [small.id], new Date());
    expect(loaded.plans.get(small.id)).not.toBe(held);
    expect(loaded.plans.get(small.id)!.title).toBe(stored);
    expect(held.title).toBe('Changed, not saved');
  });

  it('brings its participants as models and their persons as cards, and makes neither an entity', async () => {
    // A plan whose participants have every kind of column: a unit a provider acts for, an end date.
    const seed = seedFor(t);
    const homeCare = await seed.organization('Home care');
    const nurse = await seed.staff('nurse', homeCare.id);
    const relative = await seed.citizen('relative-until');
    const plan = await seed.plan().withOwner(await seed.citizen('owner-of-many-kinds')).withProvider(nurse, homeCare.id).withRelative(relative).create();
    const until = new Date(Date.now() + 86_400_000);
    await t.app.orm.em.fork().getConnection().execute('update "participant" set "active_to" = ? where "plan_id" = ? and "person_id" = ?', [until, plan.id, relative.id]);

    const fresh = t.app.orm.em.fork();
    const loaded = await loadPlansWithFacts(fresh, [plan.id], new Date());
    const participants = loaded.participants.get(plan.id)!;
    expect(participants.map((participant) => participant.role)).toEqual(['OWNER', 'PROVIDER', 'RELATIVE']);
    for (const participant of participants) {
      // Each model says what the entity of its row says: references as their ids, dates as dates.
      const entity = await t.app.orm.em.fork().findOneOrFail(Participant, participant.id);
      expect(participant).toEqual({
        id: entity.id, plan: { id: entity.plan.id }, person: { id: entity.person.id }, role: entity.role,
        organization: entity.organization ? { id: entity.organization.id } : null,
        activeFrom: entity.activeFrom, activeTo: entity.activeTo ?? null, removedAt: entity.removedAt ?? null,
      });
      // Each person has a card with what the `Person` type shows, and no more: a plan read never
      // carries a national identity number.
      const person = await t.app.orm.em.fork().findOneOrFail(Person, participant.person.id);
      expect(loaded.persons.get(participant.person.id)).toEqual({ id: person.id, displayName: person.displayName, kind: person.kind });
    }
    expect(participants[1]!.organization).toEqual({ id: homeCare.id });
    expect(participants[2]!.activeTo).toEqual(until);
    // The plan's model says what the entity of its row says, column by column.
    const entity = await t.app.orm.em.fork().findOneOrFail(Plan, plan.id);
    expect(loaded.plans.get(plan.id)).toEqual({
      id: entity.id, owner: { id: entity.owner.id }, title: entity.title, status: entity.status, kind: entity.kind,
      createdAt: entity.createdAt, updatedAt: entity.updatedAt, endedAt: entity.endedAt ?? null,
      endedBy: entity.endedBy ? { id: entity.endedBy.id } : null, endReason: entity.endReason ?? null,
      unit: entity.unit ? { id: entity.unit.id } : null, archivedAt: entity.archivedAt ?? null, version: entity.version,
    });
    // Nothing was made an entity: not the plan, its participants or their persons.
    const made = fresh.getUnitOfWork().getIdentityMap().values().filter((entity) => wrap(entity).isInitialized());
    expect(made.map((entity) => wrap(entity, true).__meta.className)).toEqual([]);
  });

  it('leaves nothing for a flush to write, whatever is done with what it read', async () => {
    const em = t.app.orm.em.fork();
    const loaded = await loadPlansWithFacts(em, [large.id], new Date());
    const plan = loaded.plans.get(large.id)!;
    expect(loaded.participants.get(large.id)!.length).toBeGreaterThan(1);
    plan.title = 'Changed on a model';
    const flushed = await statementsDuring(() => em.flush());
    expect(flushed.filter((text) => /^\s*(update|insert|delete)/i.test(text))).toEqual([]);
    const reread = await t.app.orm.em.fork().findOneOrFail(Plan, large.id);
    expect(reread.title).not.toBe('Changed on a model');
  });
});

class RollBack extends Error {}

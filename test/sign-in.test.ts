import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorIdentifier } from '../src/auth/identify-actor.js';
import type { Identity } from '../src/auth/token-verifier.js';
import { DEV_ISSUERS } from '../src/config/config.js';
import { expectData } from './helpers/graphql.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { statementsDuring } from './helpers/statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const clock = new ManualClock('2026-03-02T09:00:00Z');
let t: TestApp;

beforeAll(async () => {
  // The scheduler stays quiet, so the statements counted below are the sign-ins' own.
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
});

afterAll(async () => {
  await t?.close();
});

/** A sign-in: a token this server has not seen, so the person is looked up, not taken from the cache. */
async function signIn(subject: string): Promise<string> {
  const token = await t.token(subject, 'citizen', `${subject} name`);
  return expectData(await t.gql<{ me: { person: { id: string } } }>('{ me { person { id } } }', {}, token), 'me').me.person.id;
}

const lastSeenOfEach = async (ids: string[]) =>
  new Map((await t.asOwner<{ id: string; last_seen_at: Date }>('select "id", "last_seen_at" from "person" where "id" = any($1::uuid[])', [ids])).map((row) => [row.id, new Date(row.last_seen_at).toISOString()]));
const lastSeenOf = async (id: string) => (await lastSeenOfEach([id])).get(id);

describe('when a person was last seen', () => {
  it('is the first sign-in, then moves at most hourly, each time in one statement of its own', async () => {
    const id = await signIn('ola-last-seen');
    const first = clock.now().toISOString();
    expect(await lastSeenOf(id)).toBe(first);

    clock.advance(30 * 60_000);
    await signIn('ola-last-seen');
    expect(await lastSeenOf(id)).toBe(first);

    clock.advance(31 * 60_000);
    const statements = await statementsDuring(() => signIn('ola-last-seen'));
    expect(await lastSeenOf(id)).toBe(clock.now().toISOString());
    // One UPDATE, on its own: no transaction around it (three round trips at every first sign-in of the hour).
    expect(statements.filter((sql) => /last_seen_at/.test(sql) && /^update/i.test(sql.trim()))).toHaveLength(1);
    expect(statements.filter((sql) => /^(begin|commit)\b/i.test(sql.trim()))).toHaveLength(0);
  });
});

const identityOf = (person: SeededPerson, subject = person.sub): Identity => ({
  issuer: person.kind === 'citizen' ? DEV_ISSUERS.citizen : DEV_ISSUERS.personnel,
  subject,
  kind: person.kind === 'citizen' ? 'CITIZEN' : 'PERSONNEL',
  displayName: `${person.sub} name`,
  hprNumber: null,
  nationalIdentityNumber: null,
  boundKey: null,
  expiresAt: new Date(clock.now().getTime() + 3_600_000),
});


describe('sign-ins that arrive together', () => {
  it('share one statement for each step, and each gets exactly its own person and memberships', async () => {
    const seed = seedFor(t);
    const home = await seed.organization('Hjemmetjenesten', 'HOME_CARE');
    const school = await seed.organization('Skolen', 'SCHOOL');
    const both = await seed.staff('batch-staff-both', home.id, 'UNIT_LEAD');
    await seed.staff('batch-staff-both', school.id);
    const homeOnly = await seed.staff('batch-staff-home', home.id);
    const citizens = await Promise.all(['batch-a', 'batch-b', 'batch-c', 'batch-d'].map((sub) => seed.citizen(sub)));
    const people = [both, homeOnly, ...citizens];
    // An hour on: every one of them is due a new "last seen".
    clock.advance(61 * 60_000);
    const identifier = new ActorIdentifier(t.app.orm, { clock, knownIssuers: new Map(), bootstrapAdmin: null });

    let actors: Awaited<ReturnType<ActorIdentifier['identify']>>[] = [];
    // All asked in one turn, one of them twice (two tabs), beside one nobody knows yet.
    const statements = await statementsDuring(async () => {
      actors = await Promise.all([...people, citizens[0]!].map((person) => identifier.identify(identityOf(person))));
    });

    expect(actors.map((actor) => actor.personId)).toEqual([...people, citizens[0]!].map((person) => person.id));
    const membershipsOf = (index: number) => actors[index]!.memberships.map((m) => `${m.organizationId}:${m.role}`).sort();
    expect(membershipsOf(0)).toEqual([`${home.id}:UNIT_LEAD`, `${school.id}:STAFF`].sort());
    expect(membershipsOf(1)).toEqual([`${home.id}:STAFF`]);
    for (const index of [2, 3, 4, 5, 6]) expect(actors[index]!.memberships).toEqual([]);
    // Seven sign-ins, three statements: persons, memberships, "last seen" (one autocommit UPDATE).
    expect(statements.filter((sql) => /from "person" where \("issuer", "subject"\)/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /from "membership"/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /^update "person" set "last_seen_at"/.test(sql.trim()))).toHaveLength(1);
    expect(statements).toHaveLength(3);
    const seen = await lastSeenOfEach(people.map((person) => person.id));
    for (const person of people) expect(seen.get(person.id)).toBe(clock.now().toISOString());
  });

  it('a subject no one has yet becomes a new person, once, even when asked twice in one turn', async () => {
    const identifier = new ActorIdentifier(t.app.orm, { clock, knownIssuers: new Map(), bootstrapAdmin: null });
    const newcomer: SeededPerson = { sub: 'batch-newcomer', id: '', token: '', kind: 'citizen' };
    const [first, second] = await Promise.all([identifier.identify(identityOf(newcomer)), identifier.identify(identityOf(newcomer))]);
    expect(first.personId).toBe(second.personId);
    const rows = await t.asOwner('select "id" from "person" where "subject" = $1', ['batch-newcomer']);
    expect(rows.map((row) => row['id'])).toEqual([first.personId]);
  });

  it('a subject that differs only by case or a quote is another person (the batch matches exactly)', async () => {
    const seed = seedFor(t);
    const plain = await seed.citizen('batch-Quote');
    const identifier = new ActorIdentifier(t.app.orm, { clock, knownIssuers: new Map(), bootstrapAdmin: null });
    const [same, other, quoted] = await Promise.all([
      identifier.identify(identityOf(plain)),
      identifier.identify(identityOf(plain, 'batch-quote')),
      identifier.identify(identityOf(plain, 'batch-"Quote",{}')),
    ]);
    expect(same.personId).toBe(plain.id);
    expect(new Set([same.personId, other.personId, quoted.personId]).size).toBe(3);
  });
});

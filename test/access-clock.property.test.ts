import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantIdsTakingPart } from '../src/consent/consent.standing.js';
import { loadPlanFacts } from '../src/plans/plan.facts.js';
import type { PlanFacts } from '../src/policy/policy.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Differential property test of the access clock (docs/consent.md, "Access ends at validUntil, at
 * every door"). Arbitrary timelines of one plan (participants, consents, guardianships of the
 * owner, an end) go straight into PostgreSQL on a small time grid, so boundaries collide often:
 *
 * 1. soundness: the facts at t0 hold unchanged (but for `accessChangesAt`) at every instant before
 *    their `accessChangesAt`, or forever when it is null; a door trusting them is never late;
 * 2. agreement: the plan listing (`participantIdsTakingPart`, narrowed to active rows as
 *    `PlanService.list` does) lists a person's row exactly when the facts say they take part;
 * 3. tightness, reported only: how often the facts at `accessChangesAt` equal the facts before it
 *    (a timer that fires for nothing).
 *
 * Runs: FC_NUM_RUNS (default 200); a failure prints fast-check's seed and path (replay with FC_SEED
 * and FC_PATH) and the shrunk timeline, times as grid steps.
 */
// Test-run knobs, not application configuration: read here, never through src/config.
const env = process['env'];
const NUM_RUNS = Number(env['FC_NUM_RUNS'] ?? 200);
const SEED = env['FC_SEED'] ? Number(env['FC_SEED']) : undefined;
const PATH = env['FC_PATH'];

// ---- the time grid ---------------------------------------------------------------------------

/** Grid steps FIRST..LAST: every date in a timeline is one, and each is an instant checked. */
const FIRST = -2;
const LAST = 12;
const grid = fc.integer({ min: FIRST, max: LAST });
/**
 * Minutes, for boundaries; three hours across Oslo's DST changes (25 Oct and 29 Mar 2026, 01:00
 * UTC), so a follow-up window counted in calendar days closes between grid instants.
 */
const CLOCKS = [
  { base: Date.parse('2026-06-10T10:00:00Z'), stepMs: 60_000 },
  { base: Date.parse('2026-10-24T19:00:00Z'), stepMs: 3 * 3_600_000 },
  { base: Date.parse('2026-03-28T19:00:00Z'), stepMs: 3 * 3_600_000 },
] as const;
/** Well past every date a timeline holds (the longest follow-up window is READ_DAYS' last). */
const FAR_MS = 30 * 24 * 3_600_000;
const READ_DAYS = [0, 1, 2] as const;
/** `value` or, `nullPercent` percent of the time, null (fc.option's `freq` counts the other way). */
const orNull = <T>(value: fc.Arbitrary<T>, nullPercent: number) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: nullPercent }, { arbitrary: value, weight: 100 - nullPercent });

// ---- timelines -------------------------------------------------------------------------------

const OTHERS = 3; // people besides the owner: p0..p2, few so that rows, consents and guardianships meet
const ROLES = ['GUARDIAN', 'RELATIVE', 'PROVIDER', 'COORDINATOR'] as const;
const SCOPES = ['PLAN', 'PARTICIPATE', 'CONFIDENTIAL_INFORMATION'] as const;

const period = fc.record({ validFrom: grid, lasts: orNull(fc.integer({ min: 1, max: 8 }), 40), revokedAt: orNull(grid, 70) });
const consentRecord = fc.record({ givenAt: grid, validUntil: orNull(grid, 40), withdrawnAt: orNull(grid, 80), expiredAt: orNull(grid, 85) });

/**
 * A plan's timeline. Besides rows of any shape the schema accepts (`consents`, `guardianships`),
 * most come the way the app makes them, so the states that matter are common: the plan's consent
 * given once, a participant's consents given from `activeFrom` until `activeTo` (as
 * `addParticipant` gives them), a participant who is also a recorded guardian.
 */
const timeline = fc.record({
  clock: fc.nat(CLOCKS.length - 1),
  readDays: fc.constantFrom(...READ_DAYS),
  plan: fc.record({
    status: fc.constantFrom('ACTIVE' as const, 'REQUESTED' as const, 'ENDED' as const),
    kind: fc.constantFrom('PLAN' as const, 'COORDINATOR_ONLY' as const, 'CHILD_COORDINATOR' as const),
    endedAt: grid,
    consent: orNull(consentRecord, 40),
  }),
  owner: fc.record({ activeFrom: grid, activeTo: orNull(grid, 85) }),
  others: fc.array(
    fc.record({
      person: fc.nat(OTHERS - 1),
      role: fc.constantFrom(...ROLES),
      activeFrom: grid,
      activeTo: orNull(grid, 50),
      removedAt: orNull(grid, 80),
      consented: fc.constantFrom('NONE' as const, 'PARTICIPATE' as const, 'BOTH' as const),
      guardianship: orNull(period, 50),
    }),
    { maxLength: 4 },
  ),
  consents: fc.array(fc.record({ scope: fc.constantFrom(...SCOPES), participant: fc.nat(3), record: consentRecord }), { maxLength: 4 }),
  guardianships: fc.array(fc.record({ guardian: fc.nat(OTHERS - 1), period }), { maxLength: 2 }),
});
type Timeline = typeof timeline extends fc.Arbitrary<infer T> ? T : never;

interface Stored {
  planId: string;
  ownerId: string;
  /** Person id to a name the report uses (owner, p0..p2). */
  names: Map<string, string>;
  /** This plan's participant rows, as stored. */
  rows: Array<{ id: string; personId: string; activeFrom: Date; activeTo: Date | null; removedAt: Date | null }>;
  /** The grid instant of step `k`. */
  at: (k: number) => Date;
}

async function insert(em: EntityManager, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  await em.execute(
    `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values ${rows.map(() => tuple).join(', ')}`,
    rows.flatMap((row) => columns.map((column) => row[column] ?? null)),
  );
}

/**
 * Stores the timeline as rows the schema accepts: one current row per person (a later duplicate is
 * stored removed) and one unrevoked guardianship per pair (a later duplicate is stored revoked).
 */
async function store(em: EntityManager, line: Timeline): Promise<Stored> {
  const { base, stepMs } = CLOCKS[line.clock]!;
  const at = (k: number) => new Date(base + k * stepMs);
  const when = (k: number | null) => (k === null ? null : at(k));
  const created = at(FIRST - 1);
  const ownerId = randomUUID();
  const others = Array.from({ length: OTHERS }, () => randomUUID());
  const names = new Map([[ownerId, 'owner'], ...others.map((id, index) => [id, `p${index}`] as const)]);
  await insert(em, 'person', [ownerId, ...others].map((id) => ({ id, issuer: 'urn:test:access-clock', subject: id, display_name: names.get(id), kind: 'CITIZEN', created_at: created })));
  const planId = randomUUID();
  const ended = line.plan.status === 'ENDED';
  await insert(em, 'plan', [{
    id: planId, owner_id: ownerId, title: 'Timeline', status: line.plan.status, kind: line.plan.kind, created_at: created, updated_at: created,
    ended_at: ended ? at(line.plan.endedAt) : null, ended_by_id: ended ? ownerId : null,
  }]);

  const rows: Stored['rows'] = [{ id: randomUUID(), personId: ownerId, activeFrom: at(line.owner.activeFrom), activeTo: when(line.owner.activeTo), removedAt: null }];
  const roles = ['OWNER'];
  const current = new Set([ownerId]);
  for (const other of line.others) {
    const personId = others[other.person]!;
    const removedAt = when(other.removedAt) ?? (current.has(personId) ? at(other.activeFrom) : null);
    if (!removedAt) current.add(personId);
    rows.push({ id: randomUUID(), personId, activeFrom: at(other.activeFrom), activeTo: when(other.activeTo), removedAt });
    roles.push(other.role);
  }
  await insert(em, 'participant', rows.map((row, index) => ({
    id: row.id, plan_id: planId, person_id: row.personId, role: roles[index], active_from: row.activeFrom, active_to: row.activeTo, removed_at: row.removedAt, added_by_id: ownerId, created_at: created,
  })));

  const otherRows = rows.slice(1);
  const consents = [
    ...(line.plan.consent ? [{ scope: 'PLAN' as const, participant: 0, record: line.plan.consent }] : []),
    ...line.others.flatMap((other, index) => {
      const record = { givenAt: other.activeFrom, validUntil: other.activeTo, withdrawnAt: null, expiredAt: null };
      if (other.consented === 'NONE') return [];
      const participate = { scope: 'PARTICIPATE' as const, participant: index, record };
      return other.consented === 'PARTICIPATE' ? [participate] : [participate, { ...participate, scope: 'CONFIDENTIAL_INFORMATION' as const }];
    }),
    ...line.consents,
  ];
  await insert(em, 'consent', consents.flatMap(({ scope, participant, record }) => {
    const target = scope === 'PLAN' ? null : otherRows[participant % Math.max(otherRows.length, 1)];
    if (scope !== 'PLAN' && !target) return [];
    return [{
      id: randomUUID(), plan_id: planId, participant_id: target?.id ?? null, person_id: target?.personId ?? ownerId, scope,
      given_by_id: ownerId, given_at: at(record.givenAt), valid_until: when(record.validUntil),
      withdrawn_at: when(record.withdrawnAt), withdrawn_by_id: record.withdrawnAt === null ? null : ownerId, expired_at: when(record.expiredAt),
    }];
  }));

  const guardianships = [
    ...line.others.flatMap((other) => (other.guardianship ? [{ guardian: other.person, period: other.guardianship }] : [])),
    ...line.guardianships,
  ];
  const unrevoked = new Set<string>();
  await insert(em, 'guardianship', guardianships.map(({ guardian, period }) => {
    const guardianId = others[guardian]!;
    const revokedAt = when(period.revokedAt) ?? (unrevoked.has(guardianId) ? at(period.validFrom) : null);
    if (!revokedAt) unrevoked.add(guardianId);
    return {
      id: randomUUID(), guardian_id: guardianId, ward_id: ownerId, recorded_by_id: guardianId, created_at: created, basis: 'PARENT', basis_reference: 'test',
      valid_from: at(period.validFrom), valid_until: period.lasts === null ? null : at(period.validFrom + period.lasts),
      revoked_at: revokedAt, revoked_by_id: revokedAt ? guardianId : null, revocation_reason: revokedAt ? 'test' : null,
    };
  }));
  return { planId, ownerId, names, rows, at };
}

// ---- observing -------------------------------------------------------------------------------

/** The facts as a door uses them, but for `accessChangesAt`; people by name, so reports read. */
const shapeOf = (facts: PlanFacts, names: Map<string, string>) =>
  JSON.stringify({
    status: facts.status,
    kind: facts.kind ?? 'PLAN',
    unitId: facts.unitId ?? null,
    participants: facts.participants
      .map((p) => ({ who: names.get(p.personId) ?? p.personId, role: p.role, organizationId: p.organizationId ?? null, readsContent: p.readsContent === true }))
      .sort((a, b) => a.who.localeCompare(b.who)),
  });

interface Observation {
  facts: string;
  changesAt: number | null;
  /** Names of those the facts list as taking part. */
  inFacts: string[];
  /** Names of those the listing lists: `participantIdsTakingPart` and a row active then, as `PlanService.list` asks. */
  listed: string[];
}

const isActive = (row: Stored['rows'][number], t: number) =>
  row.removedAt === null && row.activeFrom.getTime() <= t && (row.activeTo === null || row.activeTo.getTime() > t);

async function observe(em: EntityManager, stored: Stored, t: number, readDays: number): Promise<Observation> {
  const now = new Date(t);
  const facts = await loadPlanFacts(em.fork(), stored.planId, now, readDays);
  if (!facts) throw new Error('plan not found');
  const people = [...new Set(stored.rows.map((row) => row.personId))];
  const listed: string[] = [];
  for (const personId of people) {
    const ids = new Set(await participantIdsTakingPart(em.fork(), personId, now, readDays));
    if (stored.rows.some((row) => row.personId === personId && ids.has(row.id) && isActive(row, t))) listed.push(stored.names.get(personId)!);
  }
  return {
    facts: shapeOf(facts, stored.names),
    changesAt: facts.accessChangesAt?.getTime() ?? null,
    inFacts: facts.participants.map((p) => stored.names.get(p.personId)!).sort(),
    listed: listed.sort(),
  };
}

/**
 * Observes every grid instant, one far past them all, and every `accessChangesAt` seen (which may fall between
 * grid instants, a calendar day across a DST change), until no new one turns up.
 */
async function observeAll(em: EntityManager, stored: Stored, readDays: number): Promise<Map<number, Observation>> {
  const seen = new Map<number, Observation>();
  let pending = [...Array.from({ length: LAST - FIRST + 1 }, (_, k) => stored.at(FIRST + k).getTime()), stored.at(0).getTime() + FAR_MS];
  for (let round = 0; pending.length > 0 && round < 4; round += 1) {
    for (const t of pending) seen.set(t, await observe(em, stored, t, readDays));
    pending = [...new Set([...seen.values()].map((o) => o.changesAt).filter((c): c is number => c !== null && !seen.has(c)))];
  }
  return seen;
}

// ---- the properties --------------------------------------------------------------------------

/**
 * What the runs reached (timelines with a guardian taking part, an ACTIVE plan waiting for consent
 * again, an ended plan still shared; printed, a few asserted), and property 3: timers that fire
 * for nothing (`idleTimers` of `timers`, over all instants observed).
 */
const tally = {
  timelines: 0, instants: 0, timers: 0, idleTimers: 0, changing: 0,
  guardianInFacts: 0, waitsForConsent: 0, endedPlanShared: 0, offGridChanges: 0,
};

/** Checks soundness and agreement over one timeline's observations; returns the first failure, described. */
function check(observations: Map<number, Observation>, step: (t: number | null) => string): string | null {
  const instants = [...observations.keys()].sort((a, b) => a - b);
  for (const [index, t0] of instants.entries()) {
    const first = observations.get(t0)!;
    const c = first.changesAt;
    if (c !== null && c <= t0) return `at ${step(t0)}, accessChangesAt ${step(c)} is not after now`;
    for (const t of instants.slice(index + 1)) {
      if (c !== null && t >= c) break;
      const later = observations.get(t)!;
      if (later.facts !== first.facts) {
        return `facts at ${step(t0)} say they hold until ${step(c)}, but at ${step(t)} they differ:\n  at ${step(t0)}: ${first.facts}\n  at ${step(t)}: ${later.facts}`;
      }
    }
    if (first.listed.join() !== first.inFacts.join()) {
      return `at ${step(t0)} the listing shows [${first.listed.join(', ')}] but the facts [${first.inFacts.join(', ')}] (${first.facts})`;
    }
  }
  return null;
}

function count(line: Timeline, observations: Map<number, Observation>, stepOf: (t: number) => number): void {
  tally.timelines += 1;
  if (new Set([...observations.values()].map((o) => o.facts)).size > 1) tally.changing += 1;
  const reached = new Set<'guardianInFacts' | 'waitsForConsent' | 'endedPlanShared'>();
  for (const observation of observations.values()) {
    const facts = JSON.parse(observation.facts) as { status: string; participants: Array<{ who: string; role: string }> };
    tally.instants += 1;
    if (facts.participants.some((p) => p.role === 'GUARDIAN')) reached.add('guardianInFacts');
    if (line.plan.status === 'ACTIVE' && facts.status === 'REQUESTED') reached.add('waitsForConsent');
    if (line.plan.status === 'ENDED' && facts.participants.some((p) => p.role !== 'OWNER' && p.role !== 'GUARDIAN')) reached.add('endedPlanShared');
    const c = observation.changesAt;
    if (c === null) continue;
    tally.timers += 1;
    if (!Number.isInteger(stepOf(c))) tally.offGridChanges += 1;
    if (observations.get(c)?.facts === observation.facts) tally.idleTimers += 1;
  }
  for (const key of reached) tally[key] += 1;
}

async function runTimeline(em: EntityManager, line: Timeline): Promise<void> {
  const stored = await store(em, line);
  const { base, stepMs } = CLOCKS[line.clock]!;
  const stepOf = (t: number) => (t - base) / stepMs;
  const step = (t: number | null) => (t === null ? 'never' : t >= base + FAR_MS ? `far+${stepOf(t - FAR_MS)}` : `step ${stepOf(t)}`);
  const observations = await observeAll(em, stored, line.readDays);
  count(line, observations, stepOf);
  const failure = check(observations, step);
  if (failure) throw new Error(failure);
}

describe('the access clock (PlanFacts.accessChangesAt) against the facts themselves', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not list a plan to a guardian whose guardianship has ended, whatever consent they kept from before', async () => {
    // Found by the property below: a RELATIVE with the consents adding them gave becomes GUARDIAN
    // (addGuardianToOpenCases, changeParticipantRole) and keeps them; when the guardianship
    // ended, `plans` still listed the plan that `plan(id)` answered NOT_FOUND for.
    await runTimeline(t.app.orm.em.fork(), {
      clock: 0, readDays: 0,
      plan: { status: 'ACTIVE', kind: 'PLAN', endedAt: 0, consent: null },
      owner: { activeFrom: 0, activeTo: null },
      others: [{ person: 0, role: 'GUARDIAN', activeFrom: 0, activeTo: null, removedAt: null, consented: 'PARTICIPATE', guardianship: { validFrom: 0, lasts: 3, revokedAt: null } }],
      consents: [],
      guardianships: [],
    });
  });

  it(`facts hold until accessChangesAt, and the listing agrees with them (${NUM_RUNS} runs; FC_NUM_RUNS, FC_SEED, FC_PATH)`, async () => {
    const em = t.app.orm.em.fork();
    const before = { ...tally };
    await fc.assert(
      fc.asyncProperty(timeline, (line) => runTimeline(em, line)),
      { numRuns: NUM_RUNS, seed: SEED, path: PATH, verbose: 1 },
    );
    const run = Object.fromEntries(Object.entries(tally).map(([key, value]) => [key, value - before[key as keyof typeof tally]]));
    console.info('access-clock property:', JSON.stringify({ ...run, idleTimerRatio: Number((run['idleTimers']! / Math.max(run['timers']!, 1)).toFixed(3)) }));
    // The timelines reach changes by the clock, guardians and ended plans, or the property proves little.
    expect(run['changing']).toBeGreaterThan(NUM_RUNS / 3);
    expect(run['guardianInFacts']).toBeGreaterThan(0);
    expect(run['endedPlanShared']).toBeGreaterThan(0);
  }, Math.max(120_000, NUM_RUNS * 3_000));
});

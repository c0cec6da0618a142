import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import type { ParticipantRole } from '../../src/plans/plan.entity.js';
import type { StoredPlan } from './standing-oracle.js';

/*
 * Random timelines of one plan (participants, consents, guardianships, an end) on a small time
 * grid, and storing one straight into PostgreSQL as rows the schema accepts; for the access-clock
 * property test (test/access-clock.property.test.ts).
 */

// ---- the time grid ---------------------------------------------------------------------------

/** Grid steps FIRST..LAST: every date in a timeline is one, and each is an instant checked. */
export const FIRST = -2;
export const LAST = 12;
const grid = fc.integer({ min: FIRST, max: LAST });
/**
 * Minutes, for boundaries; three hours across Oslo's DST changes (25 Oct and 29 Mar 2026, 01:00
 * UTC), so a follow-up window counted in calendar days closes between grid instants.
 */
export const CLOCKS = [
  { base: Date.parse('2026-06-10T10:00:00Z'), stepMs: 60_000 },
  { base: Date.parse('2026-10-24T19:00:00Z'), stepMs: 3 * 3_600_000 },
  { base: Date.parse('2026-03-28T19:00:00Z'), stepMs: 3 * 3_600_000 },
] as const;
/** Well past every date a timeline holds (the longest follow-up window is READ_DAYS' last). */
export const FAR_MS = 30 * 24 * 3_600_000;
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
export const timeline = fc.record({
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
      // A guardianship of someone else (`stranger`): no standing in this plan, whatever the role says.
      strangersGuardianship: orNull(period, 60),
    }),
    { maxLength: 4 },
  ),
  consents: fc.array(fc.record({ scope: fc.constantFrom(...SCOPES), participant: fc.nat(3), record: consentRecord }), { maxLength: 4 }),
  guardianships: fc.array(fc.record({ guardian: fc.nat(OTHERS - 1), period, ofStranger: fc.boolean() }), { maxLength: 2 }),
});
export type Timeline = typeof timeline extends fc.Arbitrary<infer T> ? T : never;

export interface Stored {
  planId: string;
  ownerId: string;
  /** Person id to a name the report uses (owner, p0..p2). */
  names: Map<string, string>;
  /** This plan's participant rows, as stored. */
  rows: Array<{ id: string; personId: string; activeFrom: Date; activeTo: Date | null; removedAt: Date | null }>;
  /** The grid instant of step `k`. */
  at: (k: number) => Date;
  /** Every row stored, for the pure rules. */
  asStored: StoredPlan;
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
export async function store(em: EntityManager, line: Timeline): Promise<Stored> {
  const { base, stepMs } = CLOCKS[line.clock]!;
  const at = (k: number) => new Date(base + k * stepMs);
  const when = (k: number | null) => (k === null ? null : at(k));
  const created = at(FIRST - 1);
  const ownerId = randomUUID();
  const strangerId = randomUUID();
  const others = Array.from({ length: OTHERS }, () => randomUUID());
  const names = new Map([[ownerId, 'owner'], [strangerId, 'stranger'], ...others.map((id, index) => [id, `p${index}`] as const)]);
  await insert(em, 'person', [ownerId, strangerId, ...others].map((id) => ({ id, issuer: 'urn:test:access-clock', subject: id, display_name: names.get(id), kind: 'CITIZEN', created_at: created })));
  const planId = randomUUID();
  const ended = line.plan.status === 'ENDED';
  await insert(em, 'plan', [{
    id: planId, owner_id: ownerId, title: 'Timeline', status: line.plan.status, kind: line.plan.kind, created_at: created, updated_at: created,
    ended_at: ended ? at(line.plan.endedAt) : null, ended_by_id: ended ? ownerId : null,
  }]);

  const rows: Stored['rows'] = [{ id: randomUUID(), personId: ownerId, activeFrom: at(line.owner.activeFrom), activeTo: when(line.owner.activeTo), removedAt: null }];
  const roles: ParticipantRole[] = ['OWNER'];
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
  const storedConsents: StoredPlan['consents'][number][] = [];
  await insert(em, 'consent', consents.flatMap(({ scope, participant, record }) => {
    const target = scope === 'PLAN' ? null : otherRows[participant % Math.max(otherRows.length, 1)];
    if (scope !== 'PLAN' && !target) return [];
    storedConsents.push({
      scope, participantId: target?.id ?? null, givenAt: at(record.givenAt), validUntil: when(record.validUntil),
      withdrawnAt: when(record.withdrawnAt), expiredAt: when(record.expiredAt),
    });
    return [{
      id: randomUUID(), plan_id: planId, participant_id: target?.id ?? null, person_id: target?.personId ?? ownerId, scope,
      given_by_id: ownerId, given_at: at(record.givenAt), valid_until: when(record.validUntil),
      withdrawn_at: when(record.withdrawnAt), withdrawn_by_id: record.withdrawnAt === null ? null : ownerId, expired_at: when(record.expiredAt),
    }];
  }));

  const guardianships = [
    ...line.others.flatMap((other) => (other.guardianship ? [{ guardian: other.person, period: other.guardianship, ofStranger: false }] : [])),
    ...line.others.flatMap((other) => (other.strangersGuardianship ? [{ guardian: other.person, period: other.strangersGuardianship, ofStranger: true }] : [])),
    ...line.guardianships,
  ];
  const unrevoked = new Set<string>();
  const storedGuardianships: StoredPlan['guardianships'][number][] = [];
  await insert(em, 'guardianship', guardianships.map(({ guardian, period, ofStranger }) => {
    const guardianId = others[guardian]!;
    const wardId = ofStranger ? strangerId : ownerId;
    const revokedAt = when(period.revokedAt) ?? (unrevoked.has(`${guardianId}:${wardId}`) ? at(period.validFrom) : null);
    if (!revokedAt) unrevoked.add(`${guardianId}:${wardId}`);
    const validUntil = period.lasts === null ? null : at(period.validFrom + period.lasts);
    storedGuardianships.push({ guardianId, wardId, validFrom: at(period.validFrom), validUntil, revokedAt });
    return {
      id: randomUUID(), guardian_id: guardianId, ward_id: wardId, recorded_by_id: guardianId, created_at: created, basis: 'PARENT', basis_reference: 'test',
      valid_from: at(period.validFrom), valid_until: validUntil,
      revoked_at: revokedAt, revoked_by_id: revokedAt ? guardianId : null, revocation_reason: revokedAt ? 'test' : null,
    };
  }));
  const asStored: StoredPlan = {
    planId, ownerId, status: line.plan.status, kind: line.plan.kind, endedAt: ended ? at(line.plan.endedAt) : null,
    participants: rows.map((row, index) => ({ ...row, role: roles[index]! })), consents: storedConsents, guardianships: storedGuardianships,
  };
  return { planId, ownerId, names, rows, at, asStored };
}

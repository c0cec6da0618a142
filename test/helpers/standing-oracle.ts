import { isCurrentGuardianship } from '../../src/people/guardianship.current.js';
import type { ParticipantRole, PlanKind, PlanStatus } from '../../src/plans/plan.entity.js';
import type { Actor } from '../../src/policy/actor.js';
import { consentStanding, statusUnderConsent, type PlanConsents } from '../../src/policy/consent-rules.js';
import { can, type PlanFacts } from '../../src/policy/policy.js';

/*
 * Who takes part in a plan, and who reads its content, at one instant: worked out in memory from
 * the rows as stored, by the pure rules alone (src/policy/consent-rules.ts and the policy's
 * `plan.read`; content is each participant's `readsContent`). No SQL: the property tests hold what the database answers
 * (the plan listing's query, the facts the doors load) to this.
 */

/** One plan's rows as stored, times as instants. */
export interface StoredPlan {
  planId: string;
  ownerId: string;
  status: PlanStatus;
  kind: PlanKind;
  endedAt: Date | null;
  participants: ReadonlyArray<{ id: string; personId: string; role: ParticipantRole; activeFrom: Date; activeTo: Date | null; removedAt: Date | null }>;
  consents: ReadonlyArray<{
    scope: 'PLAN' | 'PARTICIPATE' | 'CONFIDENTIAL_INFORMATION';
    participantId: string | null;
    givenAt: Date;
    validUntil: Date | null;
    withdrawnAt: Date | null;
    expiredAt: Date | null;
  }>;
  /** Every guardianship on record, of this plan's owner and of anyone else. */
  guardianships: ReadonlyArray<{ guardianId: string; wardId: string; validFrom: Date; validUntil: Date | null; revokedAt: Date | null }>;
}

/** What the rules say at one instant. */
export interface Standing {
  /** The facts as the doors should have loaded them, but for `accessChangesAt`. */
  facts: PlanFacts;
  /** Person ids the policy lets see the plan (`plan.read`): those the listing must list. */
  readers: Set<string>;
}

/** A withdrawal or expiry on record counts whenever it is dated: the row is over (as `isCurrent` has it). */
const consentHolds = (consent: StoredPlan['consents'][number], now: Date) =>
  consent.withdrawnAt === null && consent.expiredAt === null && consent.givenAt <= now && (consent.validUntil === null || consent.validUntil > now);

const participationActive = (row: StoredPlan['participants'][number], now: Date) =>
  row.removedAt === null && row.activeFrom <= now && (row.activeTo === null || row.activeTo > now);

function planConsentsAt(plan: StoredPlan, now: Date): PlanConsents {
  const current = plan.consents.filter((consent) => consentHolds(consent, now));
  const of = (scope: 'PARTICIPATE' | 'CONFIDENTIAL_INFORMATION') =>
    new Set(current.flatMap((consent) => (consent.scope === scope && consent.participantId ? [consent.participantId] : [])));
  const everGiven = plan.consents.some((consent) => consent.scope === 'PLAN');
  return {
    participating: of('PARTICIPATE'),
    confidential: of('CONFIDENTIAL_INFORMATION'),
    planConsentLapsed: everGiven && !current.some((consent) => consent.scope === 'PLAN'),
  };
}

const citizen = (personId: string): Actor => ({ personId, kind: 'CITIZEN', isAdmin: false, memberships: [], tokenExpiresAt: new Date(8.64e15) });

/** The rules' answer for `plan` at `now`; `readDays` is `ENDED_PLAN_READ_DAYS`. */
export function standingAt(plan: StoredPlan, now: Date, readDays: number): Standing {
  const consents = planConsentsAt(plan, now);
  const guardianIds = new Set(
    plan.guardianships.filter((period) => period.wardId === plan.ownerId && isCurrentGuardianship(period, now)).map((period) => period.guardianId),
  );
  const afterEnd = { endedAt: plan.endedAt, readDays, now };
  const facts: PlanFacts = {
    planId: plan.planId,
    ownerId: plan.ownerId,
    status: statusUnderConsent(plan.status, consents),
    kind: plan.kind,
    unitId: null,
    participants: plan.participants.flatMap((row) => {
      if (!participationActive(row, now)) return [];
      const standing = consentStanding({ id: row.id, role: row.role, guardianshipHolds: guardianIds.has(row.personId) }, plan.status, consents, afterEnd);
      return standing.takesPart ? [{ personId: row.personId, role: row.role, organizationId: null, readsContent: standing.readsContent }] : [];
    }),
  };
  const people = [...new Set(plan.participants.map((row) => row.personId))];
  return { facts, readers: new Set(people.filter((personId) => can(citizen(personId), 'plan.read', facts))) };
}

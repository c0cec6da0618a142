import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { STANDING_CONSENTS_SQL } from '../consent/consent.read-model.js';
import { consentStanding, followUpClosesAt, statusUnderConsent, type AfterEnd, type PlanConsents } from '../policy/consent-rules.js';
import type { PlanFacts } from '../policy/policy.js';
import type { CurrentGuardians } from '../people/guardianship.current.js';
import type { Participant } from './plan.entity.js';
import type { PlanModel } from './plan.model.js';
import type { ParticipantModel } from './participant.model.js';
import sql, { raw, type Sql } from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';

/** Participants with access at `now`: not removed, started, and not past their end date. */
export function activeParticipantFilter(now: Date) {
  return {
    removedAt: null,
    activeFrom: { $lte: now },
    $or: [{ activeTo: null }, { activeTo: { $gt: now } }],
  } satisfies FilterQuery<Participant>;
}

/** What besides the plan and its participants the facts are built from, each loaded for `now`. */
export interface FactsContext {
  /** The plan's current consents (`loadPlanConsents`). */
  consents: PlanConsents | undefined;
  /** `loadAccessChangesAt`: when consents or participations change by the clock. */
  accessChangesAt: Date | null;
  /** The owner's current guardians (`loadCurrentGuardians`): a GUARDIAN participant without one has no standing. */
  guardians: CurrentGuardians | undefined;
  /** The clock and `ENDED_PLAN_READ_DAYS`; without it only the person and their guardians read an ended plan. */
  ended: Omit<AfterEnd, 'endedAt'> | null;
}

const earliest = (a: Date | null, b: Date | null): Date | null => (a && b ? (a < b ? a : b) : (a ?? b));

/**
 * Facts from the plan, its participants active by date, and its current consents: who takes part
 * is consent's call. `accessChangesAt` is when the facts stop holding by the clock alone
 * (`loadAccessChangesAt`); every door that keeps facts past one request re-checks then.
 * `ended` (the clock and `ENDED_PLAN_READ_DAYS`) decides who still reads an ended plan; without
 * it, only the person and their guardians do.
 */
export function factsFrom(plan: PlanModel, participants: readonly ParticipantModel[], context: FactsContext): PlanFacts {
  const { consents, guardians, ended } = context;
  const afterEnd = ended && { ...ended, endedAt: plan.endedAt ?? null };
  // The follow-up window's close is a change by the clock alone, like a consent's validUntil.
  const followUpCloses = followUpClosesAt(plan.status, consents, afterEnd);
  const accessChangesAt = earliest(context.accessChangesAt, guardians?.changesAt ?? null);
  return {
    planId: plan.id,
    ownerId: plan.owner.id,
    status: statusUnderConsent(plan.status, consents),
    kind: plan.kind,
    unitId: plan.unit?.id ?? null,
    accessChangesAt: earliest(accessChangesAt, followUpCloses),
    participants: participants.flatMap((participant) => {
      const guardianshipHolds = guardians?.guardianIds.has(participant.person.id) ?? false;
      const standing = consentStanding({ id: participant.id, role: participant.role, guardianshipHolds }, plan.status, consents, afterEnd);
      if (!standing.takesPart) return [];
      return [{ personId: participant.person.id, role: participant.role, organizationId: participant.organization?.id ?? null, readsContent: standing.readsContent }];
    }),
  };
}

/**
 * The first instant after `now` at which who may do what in each plan changes by the calendar
 * alone: a current consent's `validUntil`, a participation's `activeTo`, or one that has not
 * started yet. Events announce every other change (consent given or withdrawn, someone removed);
 * this is what no event announces in time, so doors set a timer for it (docs/consent.md).
 */
export async function loadAccessChangesAt(em: EntityManager, planIds: readonly string[], now: Date): Promise<Map<string, Date>> {
  if (planIds.length === 0) return new Map();
  const rows = await readRows<AccessChangeRow>(em, accessChangeRows(sql`${sqlArray(planIds)}::uuid[]`, now));
  return accessChangesFrom(rows);
}

/** A row of {@link accessChangeRows}: a plan and the first instant its access changes by the clock (JSON text inside `json_agg`). */
export interface AccessChangeRow {
  plan_id: string;
  at: Date | string;
}

/** The statement behind {@link loadAccessChangesAt}, for the plans `planIds` (an SQL expression of type uuid[]). */
export function accessChangeRows(planIds: Sql, now: Date): Sql {
  const standing = raw(STANDING_CONSENTS_SQL);
  return sql`select "plan_id", min("at") as "at" from (
       select c."plan_id", c."valid_until" as "at" from (${standing}) c
        where c."plan_id" = any(${planIds}) and c."valid_until" > ${now}
       union all
       select c."plan_id", c."given_at" from (${standing}) c
        where c."plan_id" = any(${planIds}) and c."given_at" > ${now}
       union all
       select p."plan_id", p."active_to" from "participant" p
        where p."plan_id" = any(${planIds}) and p."removed_at" is null and p."active_to" > ${now}
       union all
       select p."plan_id", p."active_from" from "participant" p
        where p."plan_id" = any(${planIds}) and p."removed_at" is null and p."active_from" > ${now}
     ) "changes" group by "plan_id"`;
}

export const accessChangesFrom = (rows: readonly AccessChangeRow[]): Map<string, Date> => new Map(rows.map((row) => [row.plan_id, new Date(row.at)]));

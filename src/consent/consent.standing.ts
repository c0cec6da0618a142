import { CURRENT_GUARDIANSHIP_SQL, GUARDIANSHIPS_SQL } from '../people/guardianship.current.js';
import { PARTICIPANTS_SQL, PLANS_SQL } from '../plans/plan.read-model.js';
import type { PlanConsents } from '../policy/consent-rules.js';
import { PLAN_TIME_ZONE } from '../shared/dates.js';
import sql, { type Sql } from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

/** "This consent row `c` is current at `now`", in one place. */
const currentConsent = (now: Date) => sql`c."withdrawn_at" is null and c."expired_at" is null and c."given_at" <= ${now} and (c."valid_until" is null or c."valid_until" > ${now})`;

/** The same as SQL text for `em.execute` (binds `now` twice). */
export const CURRENT_CONSENT_SQL = currentConsent(new Date(0)).sql;

/** A consent row as {@link planConsentRows} reads it. */
export interface PlanConsentRow {
  plan_id: string;
  participant_id: string | null;
  scope: string;
  current: boolean;
}

/**
 * The consent rows that decide the plans' current consents at `now`, for the plans `planIds` (an
 * SQL expression of type uuid[]): {@link planConsentsFrom} reads them. Other modules fold this into
 * a statement of their own (`json_agg` of it), so one round trip reads a plan with its facts.
 */
export function planConsentRows(planIds: Sql, now: Date): Sql {
  return sql`select c."plan_id", c."participant_id", c."scope", (${currentConsent(now)}) as "current"
     from "consent" c where c."plan_id" = any(${planIds}) and (c."scope" = 'PLAN' or (${currentConsent(now)}))`;
}

/** Each plan's current consents from the rows {@link planConsentRows} read (every plan asked for gets an entry). */
export function planConsentsFrom(planIds: readonly string[], rows: readonly PlanConsentRow[]): Map<string, PlanConsents> {
  const byPlan = new Map<string, { participating: Set<string>; confidential: Set<string>; planConsents: number; currentPlanConsents: number }>();
  for (const planId of planIds) byPlan.set(planId, { participating: new Set(), confidential: new Set(), planConsents: 0, currentPlanConsents: 0 });
  for (const row of rows) {
    const plan = byPlan.get(row.plan_id);
    if (!plan) continue;
    if (row.scope === 'PLAN') {
      plan.planConsents += 1;
      if (row.current) plan.currentPlanConsents += 1;
    } else if (row.participant_id && row.current) {
      (row.scope === 'PARTICIPATE' ? plan.participating : plan.confidential).add(row.participant_id);
    }
  }
  return new Map(
    [...byPlan].map(([planId, plan]) => [
      planId,
      { participating: plan.participating, confidential: plan.confidential, planConsentLapsed: plan.planConsents > 0 && plan.currentPlanConsents === 0 },
    ]),
  );
}

/** Current consents of each plan at `now` (one query for many plans); in the caller's transaction, if it has one. */
export async function loadPlanConsents(uow: UnitOfWork, planIds: readonly string[], now: Date): Promise<Map<string, PlanConsents>> {
  if (planIds.length === 0) return new Map();
  const rows = await readRows<PlanConsentRow>(uow.em, planConsentRows(sql`${sqlArray(planIds)}::uuid[]`, now));
  return planConsentsFrom(planIds, rows);
}

/**
 * SQL for "plan `pl` runs, or its follow-up window is open at the bound time and the person's
 * consent to it stands" (`followUpClosesAt` in src/policy/consent-rules.ts): binds the days, then
 * `now` three times. The window is counted in Oslo calendar days, as `daysAfter` counts it.
 */
const FOLLOW_UP_OPEN_SQL = `(pl."status" <> 'ENDED' or (
   (pl."ended_at" at time zone '${PLAN_TIME_ZONE}' + ?::int * interval '1 day') at time zone '${PLAN_TIME_ZONE}' > ?
   and (not exists (select 1 from "consent" c where c."plan_id" = pl."plan_id" and c."scope" = 'PLAN')
        or exists (select 1 from "consent" c where c."plan_id" = pl."plan_id" and c."scope" = 'PLAN' and ${CURRENT_CONSENT_SQL}))))`;

/**
 * The ids of `personId`'s participant rows that take part by consent at `now`, for listing their
 * plans: `consentStanding` in src/policy/consent-rules.ts (a guardian only while the guardianship
 * holds) written in SQL, so one query lists them. test/access-clock.property.test.ts holds the two
 * together on random plans; `endedPlanReadDays` is config `ENDED_PLAN_READ_DAYS`.
 */
export async function participantIdsTakingPart(uow: UnitOfWork, personId: string, now: Date, endedPlanReadDays: number): Promise<string[]> {
  const rows = await uow.em.execute<Array<{ id: string }>>(
    `select p."participant_id" as "id" from (${PARTICIPANTS_SQL}) p join (${PLANS_SQL}) pl on pl."plan_id" = p."plan_id"
     where p."person_id" = ? and p."removed_at" is null and (
       p."role" = 'OWNER'
       or (p."role" = 'GUARDIAN' and exists (select 1 from (${GUARDIANSHIPS_SQL}) g
             where g."ward_id" = pl."owner_id" and g."guardian_id" = p."person_id" and ${CURRENT_GUARDIANSHIP_SQL}))
       or (p."role" = 'COORDINATOR' and pl."status" = 'REQUESTED')
       -- A guardian stands by the guardianship alone: a PARTICIPATE consent kept from when they
       -- took part as a relative must not list the plan once the guardianship has ended.
       or (p."role" <> 'GUARDIAN' and exists (select 1 from "consent" c where c."participant_id" = p."participant_id" and c."scope" = 'PARTICIPATE' and ${CURRENT_CONSENT_SQL})
           and ${FOLLOW_UP_OPEN_SQL}))`,
    [personId, now, now, now, now, now, endedPlanReadDays, now, now, now],
  );
  return rows.map((row) => row.id);
}

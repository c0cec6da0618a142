import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';

/** The consents of one plan that matter for access at one moment. */
export interface PlanConsents {
  /** Participants with a current PARTICIPATE consent. */
  participating: ReadonlySet<string>;
  /** Participants with a current CONFIDENTIAL_INFORMATION consent. */
  confidential: ReadonlySet<string>;
  /** The plan had the person's consent (PLAN), and none is current any more. */
  planConsentLapsed: boolean;
}

/** What consent lets one participant do. */
export interface ConsentStanding {
  /** Counts as taking part: sees the plan's metadata and participants. */
  takesPart: boolean;
  /** May see the plan's content, where the plan's status allows it. */
  readsContent: boolean;
}

const NO_CONSENTS: PlanConsents = { participating: new Set(), confidential: new Set(), planConsentLapsed: false };

/** SQL for "this consent row is current at the bound time" (binds `now` twice), in one place. */
export const CURRENT_CONSENT_SQL = `c."withdrawn_at" is null and c."expired_at" is null and c."given_at" <= ? and (c."valid_until" is null or c."valid_until" > ?)`;

/** Current consents of each plan at `now` (one query for many plans). */
export async function loadPlanConsents(em: EntityManager, planIds: readonly string[], now: Date): Promise<Map<string, PlanConsents>> {
  const byPlan = new Map<string, { participating: Set<string>; confidential: Set<string>; planConsents: number; currentPlanConsents: number }>();
  for (const planId of planIds) byPlan.set(planId, { participating: new Set(), confidential: new Set(), planConsents: 0, currentPlanConsents: 0 });
  if (planIds.length === 0) return new Map();
  const rows = await em.execute<Array<{ plan_id: string; participant_id: string | null; scope: string; current: boolean }>>(
    `select c."plan_id", c."participant_id", c."scope", (${CURRENT_CONSENT_SQL}) as "current"
     from "consent" c where c."plan_id" = any(?::uuid[]) and (c."scope" = 'PLAN' or (${CURRENT_CONSENT_SQL}))`,
    [now, now, `{${planIds.join(',')}}`, now, now],
  );
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

/**
 * The plan's status as access sees it: an ACTIVE plan whose consent has run out waits for the
 * person's consent again (REQUESTED), even before the scheduler records the expiry.
 */
export function statusUnderConsent(status: PlanStatus, consents: PlanConsents | undefined): PlanStatus {
  return status === 'ACTIVE' && consents?.planConsentLapsed ? 'REQUESTED' : status;
}

/**
 * What consent lets a participant do. The person and their guardian need no consent of their own.
 * The coordinator handling a REQUESTED plan takes part (without content) while the person decides;
 * everyone else takes part only with a current PARTICIPATE consent, and reads content only with
 * CONFIDENTIAL_INFORMATION as well.
 */
export function consentStanding(
  participant: { id: string; role: ParticipantRole },
  storedStatus: PlanStatus,
  consents: PlanConsents = NO_CONSENTS,
): ConsentStanding {
  if (participant.role === 'OWNER' || participant.role === 'GUARDIAN') return { takesPart: true, readsContent: true };
  const participates = consents.participating.has(participant.id);
  const takesPart = participates || (participant.role === 'COORDINATOR' && storedStatus === 'REQUESTED');
  return { takesPart, readsContent: participates && consents.confidential.has(participant.id) };
}

/**
 * The ids of `personId`'s participant rows that take part by consent at `now`, for listing their
 * plans (the same rule as `consentStanding`, in SQL).
 */
export async function participantIdsTakingPart(em: EntityManager, personId: string, now: Date): Promise<string[]> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select p."id" from "participant" p join "plan" pl on pl."id" = p."plan_id"
     where p."person_id" = ? and p."removed_at" is null and (
       p."role" in ('OWNER', 'GUARDIAN')
       or (p."role" = 'COORDINATOR' and pl."status" = 'REQUESTED')
       or exists (select 1 from "consent" c where c."participant_id" = p."id" and c."scope" = 'PARTICIPATE' and ${CURRENT_CONSENT_SQL}))`,
    [personId, now, now],
  );
  return rows.map((row) => row.id);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../errors/error-codes.js';
import { daysAfter } from '../shared/dates.js';

export interface DashboardCounts {
  openRequests: number;
  nextDecisionDueAt: Date | null;
  interimNoticesDue: number;
  plansWithoutCoordinator: number;
  measuresPastEvaluation: number;
  revisionsDue: number;
  consentsExpiring: number;
  openComplaints: number;
}

/** Everything the unit has to act on, counted in one round trip. */
const COUNTS_SQL = `select
  (select count(*) from "service_request" where "unit_id" = :unit and "status" = 'RECEIVED')::int as "open_requests",
  (select min("decision_due_at") from "service_request" where "unit_id" = :unit and "status" = 'RECEIVED') as "next_decision_due_at",
  (select count(*) from "service_request" where "unit_id" = :unit and "status" = 'RECEIVED'
      and "decision_due_at" <= :now
      and ("interim_notice_sent_at" is null or "interim_notice_expected_date" < (:now::timestamptz at time zone 'Europe/Oslo')::date))::int as "interim_notices_due",
  (select count(*) from "plan" p where p."unit_id" = :unit and p."status" <> 'ENDED' and not exists (
      select 1 from "participant" pa where pa."plan_id" = p."id" and pa."role" = 'COORDINATOR' and pa."removed_at" is null
        and pa."active_from" <= :now and (pa."active_to" is null or pa."active_to" > :now)))::int as "plans_without_coordinator",
  (select count(*) from "deadline" where "unit_id" = :unit and "kind" = 'MEASURE_EVALUATION' and "resolved_at" is null
      and "due_at" <= :now)::int as "measures_past_evaluation",
  (select count(*) from "deadline" where "unit_id" = :unit and "kind" = 'REVISION' and "resolved_at" is null
      and "due_at" <= :horizon)::int as "revisions_due",
  (select count(*) from "deadline" where "unit_id" = :unit and "kind" = 'CONSENT_EXPIRY' and "resolved_at" is null
      and "fired_at" is null and "due_at" <= :horizon)::int as "consents_expiring",
  (select count(*) from "complaint" where "unit_id" = :unit and "status" in ('RECEIVED', 'FORWARDED'))::int as "open_complaints"`;

export async function countDashboard(em: EntityManager, input: { unitId: string; now: Date; withinDays?: number | null }): Promise<DashboardCounts> {
  const withinDays = input.withinDays ?? 30;
  if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > 3660) throw badInput('withinDays must be 0 to 3660');
  const params = { unit: input.unitId, now: input.now, horizon: daysAfter(input.now, withinDays) };
  const [row] = (await em.getKnex().raw(COUNTS_SQL, params)).rows as Array<Record<string, number | Date | null>>;
  return {
    openRequests: Number(row!['open_requests']),
    nextDecisionDueAt: row!['next_decision_due_at'] ? new Date(row!['next_decision_due_at']) : null,
    interimNoticesDue: Number(row!['interim_notices_due']),
    plansWithoutCoordinator: Number(row!['plans_without_coordinator']),
    measuresPastEvaluation: Number(row!['measures_past_evaluation']),
    revisionsDue: Number(row!['revisions_due']),
    consentsExpiring: Number(row!['consents_expiring']),
    openComplaints: Number(row!['open_complaints']),
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { readNamedRows } from '../db/prepared-statements.js';
import { badInput } from '../errors/error-codes.js';
import { daysAfter, todayInOslo } from '../shared/dates.js';
import { UNIT_DASHBOARD_RELATIONS } from './unit-dashboard.relations.js';

export interface DashboardCounts {
  openRequests: number;
  nextDecisionDueAt: Date | null;
  interimNoticesDue: number;
  plansWithoutCoordinator: number;
  measuresPastEvaluation: number;
  measuresIncomplete: number;
  revisionsDue: number;
  consentsExpiring: number;
  openComplaints: number;
}

/**
 * Everything the unit has to act on, counted in one round trip. A plan's dates count for the unit
 * the plan answers to now (a plan may come under a unit after its dates were read).
 */
const COUNTS_SQL = `with ${UNIT_DASHBOARD_RELATIONS} select
  r."open_requests", r."next_decision_due_at", r."interim_notices_due",
  (select count(*) from "unit_plans" p where p."status" <> 'ENDED' and not exists (
      select 1 from "current_coordinators" pa where pa."plan_id" = p."plan_id"))::int as "plans_without_coordinator",
  (select count(*) from "deadline" d join "unit_plans" p on p."plan_id" = d."plan_id"
      where d."kind" = 'MEASURE_EVALUATION' and d."resolved_at" is null and d."due_at" <= :now)::int as "measures_past_evaluation",
  (select count(*) from "measure_gap" g join "unit_plans" p on p."plan_id" = g."plan_id"
      where p."status" <> 'ENDED')::int as "measures_incomplete",
  (select count(*) from "deadline" d join "unit_plans" p on p."plan_id" = d."plan_id"
      where d."kind" = 'REVISION' and d."resolved_at" is null and d."due_at" <= :horizon)::int as "revisions_due",
  (select count(*) from "deadline" where "unit_id" = :unit and "kind" = 'CONSENT_EXPIRY' and "resolved_at" is null
      and "fired_at" is null and "due_at" <= :horizon)::int as "consents_expiring",
  (select count(*) from "unit_complaints" where "status" in ('RECEIVED', 'FORWARDED'))::int as "open_complaints"
  -- The open requests are read once for their three figures (a busy unit has thousands waiting).
  from (select count(*)::int as "open_requests", min("decision_due_at") as "next_decision_due_at",
          (count(*) filter (where case when "interim_notice_sent_at" is null then "decision_due_at" <= :now
                                       else "interim_notice_expected_date" < :today::date end))::int as "interim_notices_due"
          from "unit_requests" where "status" = 'RECEIVED') r`;

export async function countDashboard(em: EntityManager, input: { unitId: string; now: Date; withinDays?: number | null }): Promise<DashboardCounts> {
  const withinDays = input.withinDays ?? 30;
  if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > 3660) throw badInput('withinDays must be 0 to 3660');
  const params = { unit: input.unitId, now: input.now, today: todayInOslo(input.now), horizon: daysAfter(input.now, withinDays) };
  const [row] = await readNamedRows<Record<string, number | Date | null>>(em, COUNTS_SQL, params);
  return {
    openRequests: Number(row!['open_requests']),
    nextDecisionDueAt: row!['next_decision_due_at'] ? new Date(row!['next_decision_due_at']) : null,
    interimNoticesDue: Number(row!['interim_notices_due']),
    plansWithoutCoordinator: Number(row!['plans_without_coordinator']),
    measuresPastEvaluation: Number(row!['measures_past_evaluation']),
    measuresIncomplete: Number(row!['measures_incomplete']),
    revisionsDue: Number(row!['revisions_due']),
    consentsExpiring: Number(row!['consents_expiring']),
    openComplaints: Number(row!['open_complaints']),
  };
}

import { Buffer } from 'node:buffer';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../errors/error-codes.js';
import { daysAfter } from '../shared/dates.js';
import { parseId } from '../shared/ids.js';
import type { DeadlineKind } from './deadline.js';
import { REQUESTS_SQL } from '../requests/request.read-model.js';
import { UNIT_DASHBOARD_RELATIONS } from './unit-dashboard.relations.js';
import { readNamedRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';

export type CaseStatus = 'REQUESTED' | 'REFUSED' | 'WITHDRAWN' | 'AWAITING_CONSENT' | 'ACTIVE' | 'ENDED';
const CASE_STATUSES: readonly CaseStatus[] = ['REQUESTED', 'REFUSED', 'WITHDRAWN', 'AWAITING_CONSENT', 'ACTIVE', 'ENDED'];

/** One row of a unit's caseload: metadata only, never plan content. */
export interface CaseModel {
  id: string;
  status: CaseStatus;
  personId: string;
  planId: string | null;
  requestId: string | null;
  coordinatorId: string | null;
  openedAt: Date;
  nextDeadline: { kind: DeadlineKind; dueAt: Date; overdue: boolean } | null;
  /** Running measures of the plan lacking a responsible unit or an evaluate-by date. */
  incompleteMeasures: number;
}

export interface CaseFilter {
  status?: readonly CaseStatus[] | null;
  coordinatorId?: string | null;
  overdue?: boolean | null;
  dueWithinDays?: number | null;
}

interface CaseRow {
  id: string;
  status: CaseStatus;
  person_id: string;
  plan_id: string | null;
  request_id: string | null;
  coordinator_id: string | null;
  opened_at: Date;
  deadline_kind: DeadlineKind | null;
  deadline_due_at: Date | null;
  incomplete_measures: number;
}

export const MAX_CASE_PAGE = 100;

/**
 * Every case of a unit: requests that have not (yet) become a plan, and the plans the unit
 * oversees, each with its coordinator. A page is one statement and its count another, however
 * many cases or deadlines there are; only the cases on the page are dated (`datedFrom`), unless
 * a filter asks about deadlines.
 */
const CASES_SQL = `
  with ${UNIT_DASHBOARD_RELATIONS}, "cases" as (
    select r."request_id" as "id", case r."status" when 'RECEIVED' then 'REQUESTED' when 'GRANTED' then 'AWAITING_CONSENT' else r."status" end as "status",
           r."person_id", null::uuid as "plan_id", r."request_id", r."received_at" as "opened_at", null::uuid as "coordinator_id",
           0 as "incomplete_measures"
      from "unit_requests" r where r."plan_id" is null
    union all
    select p."plan_id", case p."status" when 'REQUESTED' then 'AWAITING_CONSENT' else p."status" end,
           p."owner_id", p."plan_id",
           (select r."request_id" from (${REQUESTS_SQL}) r where r."plan_id" = p."plan_id" order by r."received_at" limit 1),
           p."created_at",
           (select pa."person_id" from "current_coordinators" pa where pa."plan_id" = p."plan_id" limit 1),
           case when p."status" = 'ENDED' then 0 else (select count(*) from "measure_gap" g where g."plan_id" = p."plan_id")::int end
      from "unit_plans" p
  )`;

/**
 * Each case with its earliest open deadline, found by its plan or by its request: two lookups on
 * the partial indexes `deadline_plan_pending_idx` and `deadline_request_pending_idx` (one `or`
 * condition would scan every open deadline for every case). `source` is the cases to date.
 */
const datedFrom = (source: string) => `
    select c.*, d."kind" as "deadline_kind", d."due_at" as "deadline_due_at"
      from ${source} c left join lateral (
        select x."kind", x."due_at" from (
          (select d."kind", d."due_at" from "deadline" d where d."resolved_at" is null and d."plan_id" = c."plan_id" order by d."due_at" limit 1)
          union all
          (select d."kind", d."due_at" from "deadline" d where d."resolved_at" is null and d."request_id" = c."request_id" order by d."due_at" limit 1)
        ) x order by x."due_at" limit 1) d on true`;

function encodeCursor(row: { opened_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([new Date(row.opened_at).toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string') {
      return [value[0], parseId(value[1], 'Case')];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a valid cursor');
}

export async function listCases(
  em: EntityManager,
  input: { unitId: string; now: Date; first?: number | null; after?: string | null; filter?: CaseFilter | null },
): Promise<{ cases: CaseModel[]; cursors: string[]; hasNextPage: boolean; endCursor: string | null; totalCount: number }> {
  const first = input.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_CASE_PAGE) throw badInput(`first must be 1 to ${MAX_CASE_PAGE}`);
  const filter = input.filter ?? {};
  const params: Record<string, unknown> = { unit: input.unitId, now: input.now };
  const where: string[] = [];
  if (filter.status?.length) {
    for (const status of filter.status) if (!CASE_STATUSES.includes(status)) throw badInput(`unknown case status ${status}`);
    // One array, not a placeholder per status: the statement's text stays the same however many are asked.
    where.push('"status" = any(:statuses::text[])');
    params['statuses'] = sqlArray(filter.status);
  }
  if (filter.coordinatorId) {
    where.push('"coordinator_id" = :coordinator');
    params['coordinator'] = parseId(filter.coordinatorId, 'Person');
  }
  if (filter.overdue) where.push('"deadline_due_at" <= :now');
  if (filter.dueWithinDays != null) {
    if (!Number.isInteger(filter.dueWithinDays) || filter.dueWithinDays < 0 || filter.dueWithinDays > 3660) throw badInput('dueWithinDays must be 0 to 3660');
    where.push('"deadline_due_at" <= :horizon');
    params['horizon'] = daysAfter(input.now, filter.dueWithinDays);
  }
  // Filters on the deadline need every case dated first; the others narrow the cases, and only the page is dated.
  const byDeadline = Boolean(filter.overdue) || filter.dueWithinDays != null;
  const filtered = where.length ? `where ${where.join(' and ')}` : '';
  const page = [...where];
  if (input.after) {
    const [openedAt, id] = decodeCursor(input.after);
    page.push('("opened_at", "id") < (:afterAt, :afterId)');
    Object.assign(params, { afterAt: new Date(openedAt), afterId: id });
  }
  const pageWhere = page.length ? `where ${page.join(' and ')}` : '';
  // The limit is bound, not written in: one statement text per filter shape, prepared once.
  const order = `order by "opened_at" desc, "id" desc limit :limit`;
  params['limit'] = first + 1;
  const pageSql = byDeadline
    ? `${CASES_SQL} select * from (${datedFrom('"cases"')}) dated ${pageWhere} ${order}`
    : `${CASES_SQL}, "page" as (select * from "cases" ${pageWhere} ${order}) select * from (${datedFrom('"page"')}) dated ${order}`;
  const countSql = `${CASES_SQL} select count(*)::int as "count" from ${byDeadline ? `(${datedFrom('"cases"')}) dated` : '"cases"'} ${filtered}`;
  const [rows, [{ count }]] = await Promise.all([
    readNamedRows<CaseRow>(em, pageSql, params),
    readNamedRows<{ count: number }>(em, countSql, params) as Promise<[{ count: number }]>,
  ]);
  const visible = rows.slice(0, first);
  const cursors = visible.map(encodeCursor);
  return {
    cases: visible.map((row) => ({
      id: row.id,
      status: row.status,
      personId: row.person_id,
      planId: row.plan_id,
      requestId: row.request_id,
      coordinatorId: row.coordinator_id,
      openedAt: new Date(row.opened_at),
      nextDeadline: row.deadline_kind && row.deadline_due_at
        ? { kind: row.deadline_kind, dueAt: new Date(row.deadline_due_at), overdue: new Date(row.deadline_due_at) <= input.now }
        : null,
      incompleteMeasures: Number(row.incomplete_measures),
    })),
    cursors,
    hasNextPage: rows.length > first,
    endCursor: cursors.at(-1) ?? null,
    totalCount: count,
  };
}

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
import { raw } from 'sql-template-tag';
import { personCardRows, personCardsFromRows, type PersonCard, type PersonCardRow } from '../people/person.rows.js';

export type CaseStatus = 'REQUESTED' | 'REFUSED' | 'WITHDRAWN' | 'AWAITING_CONSENT' | 'ACTIVE' | 'ENDED';
const CASE_STATUSES: readonly CaseStatus[] = ['REQUESTED', 'REFUSED', 'WITHDRAWN', 'AWAITING_CONSENT', 'ACTIVE', 'ENDED'];

/** One row of a unit's caseload: metadata only, never plan content. */
export interface CaseModel {
  id: string;
  status: CaseStatus;
  personId: string;
  /** Read with the page (src/people/person.rows.ts), as is the coordinator. */
  person: PersonCard;
  planId: string | null;
  requestId: string | null;
  coordinatorId: string | null;
  coordinator: PersonCard | null;
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
  opened_at: string;
  deadline_kind: DeadlineKind | null;
  deadline_due_at: string | null;
  incomplete_measures: number;
}

/** The one row of a caseload read: the count, the page's cases and their people, the last two as `json_agg` wrote them. */
interface CaseloadRow {
  total_count: number;
  cases: CaseRow[] | null;
  persons: PersonCardRow[] | null;
}

export const MAX_CASE_PAGE = 100;

/** The two kinds of case, each a relation of `CASES_SQL` read in its own index's order. */
const CASE_KINDS = ['request_cases', 'plan_cases'] as const;

/**
 * Every case of a unit, plainly (`c`): requests that have not (yet) become a plan
 * (`request_cases`), and the plans the unit oversees (`plan_cases`). Only what the order and the
 * filters on status and coordinator need; what is looked up per case (`detailed`, `datedFrom`) is
 * looked up for the page's cases only, unless a filter asks about deadlines. Each kind is ordered
 * by an index of its own (`service_request_unit_open_idx`, `plan_unit_created_idx`), so a page
 * takes the first few of each kind and merges them instead of sorting every case of the unit.
 * Named bindings: those of `UNIT_DASHBOARD_RELATIONS`.
 */
const CASES_SQL = `
  with ${UNIT_DASHBOARD_RELATIONS}, "request_cases" as not materialized (
    select r."request_id" as "id", case r."status" when 'RECEIVED' then 'REQUESTED' when 'GRANTED' then 'AWAITING_CONSENT' else r."status" end as "status",
           r."person_id", null::uuid as "plan_id", r."request_id", r."received_at" as "opened_at"
      from "unit_requests" r where r."plan_id" is null
  ), "plan_cases" as not materialized (
    select p."plan_id" as "id", case p."status" when 'REQUESTED' then 'AWAITING_CONSENT' else p."status" end as "status",
           p."owner_id" as "person_id", p."plan_id", null::uuid as "request_id", p."created_at" as "opened_at"
      from "unit_plans" p
  ), "cases" as not materialized (${CASE_KINDS.map((kind) => `select * from "${kind}"`).join(' union all ')})`;

/** Cases of `source` with what is looked up per case: a plan's first request, its coordinator, its measures lacking a unit or a date. */
const detailed = (source: string) => `
    select c."id", c."status", c."person_id", c."plan_id",
           coalesce(c."request_id", (select r."request_id" from (${REQUESTS_SQL}) r where r."plan_id" = c."plan_id" order by r."received_at" limit 1)) as "request_id",
           c."opened_at",
           (select pa."person_id" from "current_coordinators" pa where pa."plan_id" = c."plan_id" limit 1) as "coordinator_id",
           case when c."plan_id" is null or c."status" = 'ENDED' then 0
                else (select count(*) from "measure_gap" g where g."plan_id" = c."plan_id")::int end as "incomplete_measures"
      from ${source} c`;

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

/** The people the page names (each case's person and coordinator), as the people module reads them. */
const PAGE_PERSONS_SQL = (() => {
  const read = personCardRows(raw(`array(select "person_id" from "shown" union select "coordinator_id" from "shown" where "coordinator_id" is not null)`));
  // The ids come from the statement itself: nothing to bind, so the text can go into a statement with named bindings.
  if (read.values.length) throw new Error('the page persons read must not take bindings');
  return read.sql;
})();

function encodeCursor(row: { opened_at: string; id: string }): string {
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
  // Conditions on the plain cases (`c`), then on their deadlines, which need every case dated first.
  const onCases: string[] = [];
  const onDeadlines: string[] = [];
  if (filter.status?.length) {
    for (const status of filter.status) if (!CASE_STATUSES.includes(status)) throw badInput(`unknown case status ${status}`);
    // One array, not a placeholder per status: the statement's text stays the same however many are asked.
    onCases.push('c."status" = any(:statuses::text[])');
    params['statuses'] = sqlArray(filter.status);
  }
  if (filter.coordinatorId) {
    onCases.push('exists (select 1 from "current_coordinators" pa where pa."plan_id" = c."plan_id" and pa."person_id" = :coordinator)');
    params['coordinator'] = parseId(filter.coordinatorId, 'Person');
  }
  if (filter.overdue) onDeadlines.push('c."deadline_due_at" <= :now');
  if (filter.dueWithinDays != null) {
    if (!Number.isInteger(filter.dueWithinDays) || filter.dueWithinDays < 0 || filter.dueWithinDays > 3660) throw badInput('dueWithinDays must be 0 to 3660');
    onDeadlines.push('c."deadline_due_at" <= :horizon');
    params['horizon'] = daysAfter(input.now, filter.dueWithinDays);
  }
  const cursor: string[] = [];
  if (input.after) {
    const [openedAt, id] = decodeCursor(input.after);
    cursor.push('(c."opened_at", c."id") < (:afterAt, :afterId)');
    Object.assign(params, { afterAt: new Date(openedAt), afterId: id });
  }
  const where = (conditions: readonly string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '');
  // The limit is bound, not written in: one statement text per filter shape, prepared once.
  const order = `order by c."opened_at" desc, c."id" desc limit :limit`;
  params['limit'] = first + 1;
  const matching = `(select * from "cases" c ${where(onCases)})`;
  // With a deadline filter every matching case is dated, once ("dated" is read twice, so materialized); else only the page is.
  // "shown" needs no order of its own: `json_agg` below puts the page in order.
  const byDeadline = onDeadlines.length > 0;
  const dated = byDeadline ? `, "dated" as (select * from (${datedFrom(`(${detailed(matching)})`)}) c ${where(onDeadlines)})` : '';
  const counted = byDeadline ? '"dated" c' : `${matching} c`;
  // Without a deadline filter, the page is the first `limit` of each kind, merged: each kind is read in its index's order.
  const firstOfEachKind = CASE_KINDS.map((kind) => `(select * from "${kind}" c ${where([...onCases, ...cursor])} ${order})`).join(' union all ');
  const shown = byDeadline
    ? `select * from "dated" c ${where(cursor)} ${order}`
    : datedFrom(`(${detailed(`(select * from (${firstOfEachKind}) c ${order})`)})`);
  const sql = `${CASES_SQL}${dated}, "shown" as (${shown})
    select (select count(*)::int from ${counted}) as "total_count",
           (select json_agg(s order by s."opened_at" desc, s."id" desc) from "shown" s) as "cases",
           (select json_agg(p) from (${PAGE_PERSONS_SQL}) p) as "persons"`;
  const [result] = await readNamedRows<CaseloadRow>(em, sql, params);
  const rows = result!.cases ?? [];
  const persons = new Map(personCardsFromRows(result!.persons ?? []).map((person) => [person.id, person]));
  const personOf = (id: string) => {
    const person = persons.get(id);
    if (!person) throw new Error(`person ${id} of a case was not read`);
    return person;
  };
  const visible = rows.slice(0, first);
  const cursors = visible.map(encodeCursor);
  return {
    cases: visible.map((row) => ({
      id: row.id,
      status: row.status,
      personId: row.person_id,
      person: personOf(row.person_id),
      planId: row.plan_id,
      requestId: row.request_id,
      coordinatorId: row.coordinator_id,
      coordinator: row.coordinator_id ? personOf(row.coordinator_id) : null,
      openedAt: new Date(row.opened_at),
      nextDeadline: row.deadline_kind && row.deadline_due_at
        ? { kind: row.deadline_kind, dueAt: new Date(row.deadline_due_at), overdue: new Date(row.deadline_due_at) <= input.now }
        : null,
      incompleteMeasures: Number(row.incomplete_measures),
    })),
    cursors,
    hasNextPage: rows.length > first,
    endCursor: cursors.at(-1) ?? null,
    totalCount: result!.total_count,
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { ORGANIZATIONS_SQL } from '../organizations/organization.read-model.js';
import { PLANS_SQL } from '../plans/plan.read-model.js';
import { isCalendarDate } from '../shared/dates.js';
import { isTrackableEntryId } from './deadline.js';
import { sqlArray } from '../db/sql-array.js';

/** What rule 9 asks of every measure, and a measure may still lack while it is being written. */
export const MEASURE_GAPS = ['RESPONSIBLE_UNIT', 'EVALUATE_BY'] as const;
export type MeasureGap = (typeof MEASURE_GAPS)[number];

/** Measures that are over: they need no evaluation reminder, nor a unit to carry them on. */
export const FINISHED_MEASURES = new Set(['DONE', 'STOPPED']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MeasureGapRow {
  measureId: string;
  missing: MeasureGap[];
}

/** The organisation ids measures name, worth asking the database about (the rest name nothing). */
export function namedOrganizationIds(measures: unknown): string[] {
  return measuresOf(measures)
    .map((measure) => measure['organizationId'])
    .filter((id): id is string => typeof id === 'string' && UUID.test(id));
}

/**
 * Which running measures lack a responsible unit (no `organizationId`, or one naming no
 * organisation Samplan knows) or an `evaluateBy` date. Entries without an id are not measures yet.
 */
export function measureGapsOf(measures: unknown, knownOrganizationIds: ReadonlySet<string>): MeasureGapRow[] {
  const gaps: MeasureGapRow[] = [];
  for (const measure of measuresOf(measures)) {
    const id = measure['id'];
    if (!isTrackableEntryId(id) || FINISHED_MEASURES.has(String(measure['status']))) continue;
    const missing: MeasureGap[] = [];
    const unit = measure['organizationId'];
    if (typeof unit !== 'string' || !knownOrganizationIds.has(unit.toLowerCase())) missing.push('RESPONSIBLE_UNIT');
    if (!isCalendarDate(measure['evaluateBy'])) missing.push('EVALUATE_BY');
    if (missing.length) gaps.push({ measureId: id, missing });
  }
  return gaps;
}

function measuresOf(measures: unknown): Array<Record<string, unknown>> {
  return Array.isArray(measures) ? measures.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null) : [];
}

/** The subset of `ids` naming an organisation, lower-cased (PostgreSQL writes uuids that way). */
export async function knownOrganizations(em: EntityManager, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await em.execute<Array<{ id: string }>>(
    `select "organization_id" as "id" from (${ORGANIZATIONS_SQL}) "o" where "organization_id" = any(?::uuid[])`,
    [sqlArray(ids)],
  );
  return new Set(rows.map((row) => row.id.toLowerCase()));
}

/**
 * Makes the plan's rows in `measure_gap` what `gaps` says, in the caller's transaction. A measure
 * that stays incomplete keeps the time it was first seen so (`since`); a completed, finished or
 * removed one drops out.
 */
export async function recordMeasureGaps(em: EntityManager, planId: string, gaps: readonly MeasureGapRow[], now: Date): Promise<void> {
  for (const gap of gaps) {
    await em.execute(
      `insert into "measure_gap" ("plan_id", "measure_id", "missing", "since", "updated_at") values (?, ?, ?::text[], ?, ?)
       on conflict ("plan_id", "measure_id") do update set "missing" = excluded."missing", "updated_at" = excluded."updated_at"`,
      [planId, gap.measureId, sqlArray(gap.missing), now, now],
    );
  }
  await em.execute('delete from "measure_gap" where "plan_id" = ? and not ("measure_id" = any(?::text[]))', [planId, sqlArray(gaps.map((gap) => gap.measureId))]);
}

/** One incomplete measure as the unit's dashboard lists it: no content, only what is missing. */
export interface IncompleteMeasureModel {
  planId: string;
  measureId: string;
  personId: string;
  missing: MeasureGap[];
  since: Date;
}

/** The unit's incomplete measures in plans that have not ended, longest-standing first. */
export async function listIncompleteMeasures(em: EntityManager, unitId: string, first: number): Promise<IncompleteMeasureModel[]> {
  const rows = await em.execute<Array<{ plan_id: string; measure_id: string; owner_id: string; missing: MeasureGap[]; since: Date }>>(
    `select g."plan_id", g."measure_id", p."owner_id", g."missing", g."since" from "measure_gap" g join (${PLANS_SQL}) p on p."plan_id" = g."plan_id"
      where p."unit_id" = ? and p."status" <> 'ENDED' order by g."since", g."plan_id", g."measure_id" limit ?`,
    [unitId, first],
  );
  return rows.map((row) => ({ planId: row.plan_id, measureId: row.measure_id, personId: row.owner_id, missing: row.missing, since: new Date(row.since) }));
}


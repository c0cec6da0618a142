import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { sqlArray } from '../db/sql-array.js';

/** Every dated obligation the scheduler watches (src/casework/deadline.scheduler.ts). */
export const DEADLINE_KINDS = [
  /** A request must be decided within one month of receipt (fvl § 11 a). */
  'DECISION',
  /** Not decided in time: the unit owes the person a written interim notice. */
  'INTERIM_NOTICE',
  /** A participant's consent runs out; access ends at the due time. */
  'CONSENT_EXPIRY',
  /** A measure's evaluate-by date, from the plan document. */
  'MEASURE_EVALUATION',
  /** A revision date of the plan period, from the plan document. */
  'REVISION',
  /** A guardianship's validUntil: it ends then (src/people/guardianship.end.ts). */
  'GUARDIANSHIP_END',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export interface DeadlineInput {
  /** Names what the deadline is about, e.g. `decision:<requestId>`; unique. */
  key: string;
  kind: DeadlineKind;
  unitId: string | null;
  planId?: string | null;
  requestId?: string | null;
  personId?: string | null;
  dueAt: Date;
  /** When to warn that it is coming up; null for no warning. */
  warnAt?: Date | null;
}

/**
 * Sets (or moves) a deadline in the caller's transaction. Moving it re-arms the warning and the
 * due event when the dates change, and reopens a resolved one.
 */
export async function setDeadline(em: EntityManager, input: DeadlineInput, now: Date): Promise<void> {
  await em.execute(
    `insert into "deadline" ("key", "kind", "unit_id", "plan_id", "request_id", "person_id", "due_at", "warn_at", "created_at", "updated_at")
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict ("key") do update set
       "unit_id" = excluded."unit_id",
       "due_at" = excluded."due_at",
       "warn_at" = excluded."warn_at",
       "warned_at" = case when "deadline"."warn_at" is not distinct from excluded."warn_at" then "deadline"."warned_at" end,
       "fired_at" = case when "deadline"."due_at" = excluded."due_at" then "deadline"."fired_at" end,
       "resolved_at" = null,
       "updated_at" = excluded."updated_at"`,
    [input.key, input.kind, input.unitId, input.planId ?? null, input.requestId ?? null, input.personId ?? null, input.dueAt, input.warnAt ?? null, now, now],
  );
}

/**
 * A plan came under a unit: its open deadlines without one (consent expiry, measure dates) show on
 * that unit's dashboard from now on, in the caller's transaction.
 */
export async function moveOpenDeadlinesToUnit(uow: UnitOfWork, planId: string, unitId: string): Promise<void> {
  await uow.em.execute('update "deadline" set "unit_id" = ? where "plan_id" = ? and "unit_id" is null and "resolved_at" is null', [unitId, planId]);
}

/** Marks a deadline met (the request was decided, the notice sent, the entry removed). */
export async function resolveDeadline(em: EntityManager, key: string, now: Date): Promise<void> {
  await em.execute('update "deadline" set "resolved_at" = ?, "updated_at" = ? where "key" = ? and "resolved_at" is null', [now, now, key]);
}

/** Resolves every open deadline of a plan whose key starts with `prefix` and is not in `keep`. */
export async function resolveDeadlinesExcept(em: EntityManager, prefix: string, keep: readonly string[], now: Date): Promise<void> {
  await em.execute(
    `update "deadline" set "resolved_at" = ?, "updated_at" = ?
     where "key" like ? and "resolved_at" is null and not ("key" = any(?::text[]))`,
    [now, now, `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`, sqlArray(keep)],
  );
}

/** Longest entry id a deadline key or a measure gap is kept for: honest clients write uuids, and a key must fit a btree index. */
const MAX_TRACKED_ENTRY_ID = 200;

/** Whether a document entry's id can name a deadline or a gap (a string of sane length). */
export const isTrackableEntryId = (id: unknown): id is string => typeof id === 'string' && id.length > 0 && id.length <= MAX_TRACKED_ENTRY_ID;

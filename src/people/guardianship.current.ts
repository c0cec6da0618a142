import type { Guardianship } from './guardianship.entity.js';
import sql, { type Sql } from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

/**
 * SQL for "the guardianship row `g` holds at the bound time" (binds `now` three times), in one
 * place: it has taken effect, has not run out, and had not been revoked by then.
 */
export const CURRENT_GUARDIANSHIP_SQL = `g."valid_from" <= ? and (g."valid_until" is null or g."valid_until" > ?) and (g."revoked_at" is null or g."revoked_at" > ?)`;

/**
 * Every guardianship, for other modules' SQL (docs/architecture.md): `ward_id`, `guardian_id`,
 * `valid_from`, `valid_until`, `revoked_at`. Alias it `g` and {@link CURRENT_GUARDIANSHIP_SQL} applies.
 */
export const GUARDIANSHIPS_SQL = `select "ward_id", "guardian_id", "valid_from", "valid_until", "revoked_at" from "guardianship"`;

export interface CurrentGuardians {
  /** Who is the ward's guardian at `now`. */
  guardianIds: Set<string>;
  /**
   * The earliest instant after `now` at which that set changes by the clock alone (a recorded
   * period starts or ends), or null when it changes only if someone records or revokes one.
   * Whoever caches guardian facts must not keep them past it.
   */
  changesAt: Date | null;
}

/** A guardianship row as {@link currentGuardianRows} reads it. */
export interface GuardianshipRow {
  ward_id: string;
  guardian_id: string;
  valid_from: Date | string;
  valid_until: Date | string | null;
  revoked_at: Date | string | null;
}

interface Period {
  guardianId: string;
  from: number;
  until: number | null;
  revokedAt: number | null;
}

const holdsAt = (period: Period, t: number) =>
  period.from <= t && (period.until === null || period.until > t) && (period.revokedAt === null || period.revokedAt > t);

/** Whether `guardianship` holds at `at`: CURRENT_GUARDIANSHIP_SQL, for a row already loaded. */
export function isCurrentGuardianship(guardianship: Pick<Guardianship, 'validFrom' | 'validUntil' | 'revokedAt'>, at: Date): boolean {
  const { validFrom, validUntil, revokedAt } = guardianship;
  return holdsAt({ guardianId: '', from: validFrom.getTime(), until: validUntil?.getTime() ?? null, revokedAt: revokedAt?.getTime() ?? null }, at.getTime());
}

const guardiansAt = (periods: readonly Period[], t: number) => new Set(periods.filter((period) => holdsAt(period, t)).map((period) => period.guardianId));

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((id) => b.has(id));

/**
 * The guardianship rows that decide the wards' current guardians at `now`, for the wards `wardIds`
 * (an SQL expression of type uuid[]): {@link currentGuardiansFrom} reads them. Rows that hold now
 * or may yet: those already over stay over, whatever the clock does. Other modules fold this into
 * a statement of their own (`json_agg` of it), so one round trip reads a plan with its facts.
 */
export function currentGuardianRows(wardIds: Sql, now: Date): Sql {
  return sql`select g."ward_id", g."guardian_id", g."valid_from", g."valid_until", g."revoked_at" from "guardianship" g
     where g."ward_id" = any(${wardIds}) and (g."valid_until" is null or g."valid_until" > ${now}) and (g."revoked_at" is null or g."revoked_at" > ${now})`;
}

/** Each ward's guardians at `now`, and when that changes by itself, from {@link currentGuardianRows}' rows (dates as `Date` or JSON text). */
export function currentGuardiansFrom(wardIds: readonly string[], rows: readonly GuardianshipRow[], now: Date): Map<string, CurrentGuardians> {
  const periods = new Map<string, Period[]>(wardIds.map((wardId) => [wardId, []]));
  const time = (value: Date | string) => new Date(value).getTime();
  for (const row of rows) {
    periods.get(row.ward_id)?.push({
      guardianId: row.guardian_id,
      from: time(row.valid_from),
      until: row.valid_until === null ? null : time(row.valid_until),
      revokedAt: row.revoked_at === null ? null : time(row.revoked_at),
    });
  }
  const t = now.getTime();
  return new Map(
    [...periods].map(([wardId, ofWard]) => {
      const guardianIds = guardiansAt(ofWard, t);
      // The set is constant between the instants a period starts or ends: the first such instant
      // after now at which it differs is when it changes (two rows of one pair can cancel out).
      const instants = [...new Set(ofWard.flatMap((period) => [period.from, period.until, period.revokedAt]))]
        .filter((instant): instant is number => instant !== null && instant > t)
        .sort((a, b) => a - b);
      const changesAt = instants.find((instant) => !sameSet(guardiansAt(ofWard, instant), guardianIds));
      return [wardId, { guardianIds, changesAt: changesAt === undefined ? null : new Date(changesAt) }];
    }),
  );
}

/**
 * The guardians of each ward at `now`, and when that changes by itself (one query for many wards),
 * read through the caller's unit of work (inside its transaction when it has one).
 */
export async function loadCurrentGuardians(uow: UnitOfWork, wardIds: readonly string[], now: Date): Promise<Map<string, CurrentGuardians>> {
  if (wardIds.length === 0) return new Map();
  const rows = await readRows<GuardianshipRow>(uow.em, currentGuardianRows(sql`${sqlArray(wardIds)}::uuid[]`, now));
  return currentGuardiansFrom(wardIds, rows, now);
}

import { badInput } from '../errors/error-codes.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The same instant one calendar month later (fvl § 11 a's "one month"). A day the next month lacks
 * falls back to its last day: 31 January gives 28 (or 29) February, not 3 March.
 */
export function addCalendarMonth(at: Date): Date {
  const next = new Date(at.getTime());
  const day = at.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

export const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** A calendar date as `YYYY-MM-DD`, refused as BAD_USER_INPUT unless it is a real date. */
export function parseLocalDate(value: string, field: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== match[0]) throw badInput(`${field} must be a date as YYYY-MM-DD`);
  return match[0];
}

/** The calendar date of an instant, `YYYY-MM-DD` (UTC). */
export const localDateOf = (at: Date) => at.toISOString().slice(0, 10);

/** Whole years from `birthDate` (`YYYY-MM-DD`) to the date of `at`. */
export function ageAt(birthDate: string, at: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const today = localDateOf(at);
  const [nowYear, nowMonth, nowDay] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = nowMonth > month || (nowMonth === month && nowDay >= day);
  return nowYear - year - (hadBirthday ? 0 : 1);
}

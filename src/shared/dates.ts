/** Norwegian municipalities keep dates in Norwegian time; a `yyyy-mm-dd` date ends at midnight in Oslo. */
export const PLAN_TIME_ZONE = 'Europe/Oslo';

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: PLAN_TIME_ZONE, timeZoneName: 'longOffset' });

/** The zone's offset from UTC at `at`, in minutes (Oslo: +60 in winter, +120 in summer). */
function offsetMinutes(at: Date): number {
  const name = offsetFormat.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The instant a calendar date ends in Oslo (midnight starting the next day): when "by that date" is past. */
export function endOfPlanDate(date: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const nextUtcMidnight = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(nextUtcMidnight.getTime())) return null;
  nextUtcMidnight.setUTCDate(nextUtcMidnight.getUTCDate() + 1);
  return new Date(nextUtcMidnight.getTime() - offsetMinutes(nextUtcMidnight) * 60_000);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarMonth,
  addDaysToDate,
  ageAt,
  dateInOslo,
  daysAfter,
  daysBefore,
  displayDate,
  displayDateTime,
  endOfPlanDate,
  isCalendarDate,
  parseCalendarDate,
  startOfPlanDate,
  todayInOslo,
} from './dates.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const ymd = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
/** Days in a month by the Gregorian rule, written out independently of the module under test. */
const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
const years = fc.integer({ min: 1000, max: 9999 });
const months = fc.integer({ min: 1, max: 12 });
const realDate = fc
  .tuple(years, months, fc.integer({ min: 1, max: 31 }))
  .map(([year, month, day]) => ({ year, month, day: Math.min(day, daysIn(year, month)) }));
const instant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T23:59:59Z'), noInvalidDate: true });

describe('calendar dates', () => {
  it.each(['2024-02-29', '2026-02-28', '2026-12-31', '2000-02-29'])('accepts %s', (date) => {
    expect(isCalendarDate(date)).toBe(true);
    expect(parseCalendarDate(` ${date} `, 'evaluateBy')).toBe(date);
  });

  it.each(['2026-02-31', '2026-02-30', '2025-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-00', '26-02-01', '2026-2-1', 'tomorrow', '2026-01-01T00:00:00Z', ''])(
    'refuses %s, naming the field',
    (date) => {
      expect(isCalendarDate(date)).toBe(false);
      expect(() => parseCalendarDate(date, 'evaluateBy')).toThrow('evaluateBy must be a real calendar date (yyyy-mm-dd)');
    },
  );

  it('refuses what is not a string', () => {
    for (const value of [null, undefined, 20260101, new Date(), ['2026-01-01']]) expect(isCalendarDate(value)).toBe(false);
  });

  it('every real date is accepted and round-trips through its start in Oslo', () => {
    fc.assert(
      fc.property(realDate, ({ year, month, day }) => {
        const date = ymd(year, month, day);
        expect(isCalendarDate(date)).toBe(true);
        expect(dateInOslo(startOfPlanDate(date)!)).toBe(date);
        expect(dateInOslo(new Date(endOfPlanDate(date)!.getTime() - 1))).toBe(date);
      }),
    );
  });

  it('a day past the end of its month is never accepted', () => {
    fc.assert(
      fc.property(years, months, fc.integer({ min: 1, max: 68 }), (year, month, extra) => {
        const day = daysIn(year, month) + extra;
        expect(isCalendarDate(ymd(year, month, Math.min(day, 99)))).toBe(false);
      }),
    );
  });
});

describe('Oslo time', () => {
  it('ends a date at midnight in Oslo, winter and summer time', () => {
    expect(endOfPlanDate('2026-01-15')?.toISOString()).toBe('2026-01-15T23:00:00.000Z');
    expect(endOfPlanDate('2026-07-15')?.toISOString()).toBe('2026-07-15T22:00:00.000Z');
    expect(endOfPlanDate('15.01.2026')).toBeNull();
    expect(endOfPlanDate('2026-02-31')).toBeNull();
  });

  it('the days of the DST changes are 23 and 25 hours long', () => {
    // Summer time starts 29 March 2026 at 02:00 and ends 25 October 2026 at 03:00.
    expect(startOfPlanDate('2026-03-29')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfPlanDate('2026-03-29')?.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfPlanDate('2026-10-25')?.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(endOfPlanDate('2026-10-25')?.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(daysBefore(new Date('2026-03-30T10:00:00Z'), 7).toISOString()).toBe('2026-03-23T11:00:00.000Z');
    expect(daysAfter(new Date('2026-10-24T10:00:00Z'), 1).toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });

  it('every date ends when the next one starts, 23 to 25 hours after it started', () => {
    fc.assert(
      fc.property(realDate.filter(({ year }) => year >= 1980 && year <= 2100), ({ year, month, day }) => {
        const date = ymd(year, month, day);
        const start = startOfPlanDate(date)!;
        const end = endOfPlanDate(date)!;
        const hours = (end.getTime() - start.getTime()) / 3_600_000;
        expect([23, 24, 25]).toContain(hours);
        expect(startOfPlanDate(addDaysToDate(date, 1))).toEqual(end);
      }),
    );
  });

  it('reads the date in Oslo as the platform\'s time zone data and date-fns\'s format both do, at any instant', () => {
    const oslo = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
    const byIntl = (at: Date) => {
      const parts = Object.fromEntries(oslo.formatToParts(at).map((part) => [part.type, part.value]));
      return `${parts['year']!.padStart(4, '0')}-${parts['month']}-${parts['day']}`;
    };
    // Instants near every DST change and midnight are where an offset read wrong shows.
    const nearChange = fc.tuple(fc.integer({ min: 1980, max: 2100 }), fc.constantFrom(2, 9), fc.integer({ min: 24, max: 31 }), fc.integer({ min: -180, max: 180 }))
      .map(([year, month, day, minutes]) => new Date(Date.UTC(year, month, day, 0, minutes)));
    const wide = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(fc.oneof(instant, nearChange, wide), (at) => {
        expect(dateInOslo(at)).toBe(byIntl(at));
        expect(dateInOslo(at)).toBe(format(at, 'yyyy-MM-dd', { in: tz('Europe/Oslo') }));
      }),
      { numRuns: 2000 },
    );
    expect(() => dateInOslo(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('today is the date in Oslo, not in UTC', () => {
    expect(todayInOslo(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(todayInOslo(new Date('2026-06-30T21:59:00Z'))).toBe('2026-06-30');
    expect(todayInOslo(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
  });

  it('formats for display in Oslo', () => {
    expect(displayDate('2026-02-28')).toBe('2026-02-28');
    expect(displayDate('2026-12-31T23:30:00.000Z')).toBe('2027-01-01');
    expect(displayDate(null)).toBe('—');
    expect(displayDateTime('2026-07-01T10:05:00.000Z')).toBe('2026-07-01 12:05 Oslo time');
    expect(displayDateTime(new Date('2026-01-01T10:05:00.000Z'))).toBe('2026-01-01 11:05 Oslo time');
  });
});

describe('one calendar month (fvl § 11 a)', () => {
  it.each([
    ['2026-01-15T09:30:00.000Z', '2026-02-15T09:30:00.000Z'],
    ['2026-01-31T12:00:00.000Z', '2026-02-28T12:00:00.000Z'],
    ['2028-01-31T12:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['2026-12-20T08:00:00.000Z', '2027-01-20T08:00:00.000Z'],
    ['2026-03-31T08:00:00.000Z', '2026-04-30T08:00:00.000Z'],
    // Same wall-clock time in Oslo across the change to summer time: 10:30 CET, then 10:30 CEST.
    ['2026-03-15T09:30:00.000Z', '2026-04-15T08:30:00.000Z'],
    // 01:30 on 1 May in Oslo (still 30 April in UTC) gives 1 June in Oslo, not 30 May.
    ['2026-04-30T23:30:00.000Z', '2026-05-31T23:30:00.000Z'],
  ])('one calendar month after %s is %s', (from, to) => {
    expect(addCalendarMonth(new Date(from)).toISOString()).toBe(to);
  });

  it('never skips a month and never moves the day forward', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const [year, month, day] = dateInOslo(at).split('-').map(Number) as [number, number, number];
        const [nextYear, nextMonth, nextDay] = dateInOslo(addCalendarMonth(at)).split('-').map(Number) as [number, number, number];
        expect(nextYear * 12 + nextMonth).toBe(year * 12 + month + 1);
        expect(nextDay).toBe(Math.min(day, daysIn(nextYear, nextMonth)));
      }),
    );
  });
});

describe('ages', () => {
  it.each([
    ['2010-06-01', '2028-05-31T12:00:00Z', 17],
    ['2010-06-01', '2028-05-31T22:00:00Z', 18],
    ['2010-06-01', '2028-05-31T21:59:59Z', 17],
    ['2012-02-29', '2013-02-28T12:00:00Z', 0],
    ['2012-02-29', '2013-03-01T12:00:00Z', 1],
    ['2009-01-01', '2026-12-31T23:30:00Z', 18],
  ])('born %s is, at %s, %i years old (in Oslo)', (birth, at, age) => {
    expect(ageAt(birth, new Date(at))).toBe(age);
  });
});

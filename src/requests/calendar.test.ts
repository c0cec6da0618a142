import { describe, expect, it } from 'vitest';
import { addCalendarMonth, ageAt, parseLocalDate } from './calendar.js';

describe('calendar arithmetic for requests', () => {
  it.each([
    ['2026-01-15T09:30:00.000Z', '2026-02-15T09:30:00.000Z'],
    ['2026-01-31T12:00:00.000Z', '2026-02-28T12:00:00.000Z'],
    ['2028-01-31T12:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['2026-12-20T08:00:00.000Z', '2027-01-20T08:00:00.000Z'],
    ['2026-03-31T08:00:00.000Z', '2026-04-30T08:00:00.000Z'],
  ])('one calendar month after %s is %s', (from, to) => {
    expect(addCalendarMonth(new Date(from)).toISOString()).toBe(to);
  });

  it.each([
    ['2010-06-01', '2028-05-31T12:00:00Z', 17],
    ['2010-06-01', '2028-06-01T00:00:00Z', 18],
    ['2012-02-29', '2013-02-28T12:00:00Z', 0],
    ['2012-02-29', '2013-03-01T12:00:00Z', 1],
  ])('born %s is %s years old at %s', (birth, at, age) => {
    expect(ageAt(birth, new Date(at))).toBe(age);
  });

  it('refuses what is not a real calendar date', () => {
    expect(parseLocalDate('2026-02-28', 'date')).toBe('2026-02-28');
    for (const bad of ['2026-02-30', '26-02-01', '2026-2-1', 'tomorrow', '2026-13-01']) {
      expect(() => parseLocalDate(bad, 'date')).toThrow('date must be a date as YYYY-MM-DD');
    }
  });
});

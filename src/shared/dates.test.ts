import { describe, expect, it } from 'vitest';
import { endOfPlanDate } from './dates.js';

describe('endOfPlanDate', () => {
  it('ends a date at midnight in Oslo, winter and summer time', () => {
    expect(endOfPlanDate('2026-01-15')?.toISOString()).toBe('2026-01-15T23:00:00.000Z');
    expect(endOfPlanDate('2026-07-15')?.toISOString()).toBe('2026-07-15T22:00:00.000Z');
  });

  it('refuses what is not a yyyy-mm-dd date', () => {
    expect(endOfPlanDate('15.01.2026')).toBeNull();
    expect(endOfPlanDate('2026-13-45')).toBeNull();
  });
});

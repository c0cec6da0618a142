import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './notification.delivery.js';

describe('retryDelayMs', () => {
  it('doubles per failed attempt, between half and all of the ceiling', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryDelayMs(60, 30_000, 0.999999)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(60, 30_000, 0.999999)).toBeGreaterThan(MAX_RETRY_DELAY_MS * 0.999);
    expect(retryDelayMs(60, 30_000, 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});

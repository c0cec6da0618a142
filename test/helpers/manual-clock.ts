import type { Clock } from '../../src/shared/clock.js';

/** A clock the test moves by hand, to drive deadlines, consent expiry and interim notices. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date | string = new Date()) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 24 * 60 * 60 * 1000);
  }

  set(at: Date | string): void {
    this.#now = new Date(at).getTime();
  }
}

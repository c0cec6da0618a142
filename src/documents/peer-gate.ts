import type { Clock } from '../shared/clock.js';

/**
 * What a live document sends its peers (updates, presence), held while who may read it is being
 * re-read, so nothing goes out to someone whose access has just ended. Held sends go out in order
 * at `release`, to the peers still connected then: whoever lost access was closed meanwhile.
 *
 * Two things hold it: the hub, while it re-reads access after an event (consent withdrawn, rights
 * revoked), and the clock: at or past `validUntil` (the facts' `accessChangesAt`) every send waits
 * and `onStale` asks the hub to re-read, which ends in a `release`. So a consent ends at its
 * instant even for an update that was accepted just before it.
 */
export class PeerGate {
  #holds = 0;
  readonly #held: Array<() => void> = [];
  #validUntil: number | null = null;
  #staleReported = false;

  constructor(
    private readonly clock: Clock,
    private readonly onStale: () => void,
  ) {}

  /** When the access facts the peers were checked against stop holding by the clock; null for never. */
  setValidUntil(at: number | null): void {
    this.#validUntil = at;
    this.#staleReported = false;
    this.#flushIfOpen();
  }

  hold(): void {
    this.#holds += 1;
  }

  release(): void {
    if (this.#holds === 0) return;
    this.#holds -= 1;
    this.#flushIfOpen();
  }

  /** Runs `deliver` now, or at the release that follows the re-check. */
  send(deliver: () => void): void {
    if (this.#holds === 0 && this.#held.length === 0 && !this.#stale()) deliver();
    else this.#held.push(deliver);
  }

  /** Sends waiting now (for tests and logs). */
  get waiting(): number {
    return this.#held.length;
  }

  #flushIfOpen(): void {
    if (this.#holds === 0 && this.#held.length > 0 && !this.#stale()) for (const deliver of this.#held.splice(0)) deliver();
  }

  #stale(): boolean {
    if (this.#validUntil === null || this.clock.now().getTime() < this.#validUntil) return false;
    if (!this.#staleReported) {
      this.#staleReported = true;
      this.onStale();
    }
    return true;
  }
}

/**
 * Runs a round of work now, then again `intervalMs` after each round ends, until stopped. Rounds
 * never overlap: a round asked for while one runs (say, a test's `runDue()`) shares it. Timers are
 * unref'd, so a poller never keeps the process alive.
 */
export class Poller {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly intervalMs: number,
    /** Told how many milliseconds after its planned time each timed round started (a busy event loop makes it late). */
    private readonly onLate?: (ms: number) => void,
  ) {}

  start(): void {
    let planned = Date.now();
    const tick = () => {
      this.onLate?.(Math.max(0, Date.now() - planned));
      void this.runOnce().finally(() => {
        planned = Date.now() + this.intervalMs;
        if (this.#timer) this.#timer = setTimeout(tick, this.intervalMs).unref();
      });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  /** One round now (or the one already running); resolves with what it reports. */
  runOnce(): Promise<number> {
    this.#running ??= this.round().finally(() => (this.#running = null));
    return this.#running;
  }

  /** No more rounds; resolves when the one running has ended. */
  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }
}

import type { Clock } from '../shared/clock.js';
import type { PlanAccess } from './live-document.contracts.js';

/**
 * How long cached access facts are trusted without an event saying they changed. Every change of
 * participants, consent, rights or the plan's end publishes one (relayed between servers), so the
 * age only bounds what changes by the calendar alone, like a participation's last day.
 */
export const ACCESS_TTL_MS = 30_000;
/**
 * Past this age (plus up to a third more, drawn per load, so plans loaded together do not all
 * reload together), facts still in use are reloaded in the background: a steady stream of edits
 * never waits for a reload.
 */
const ACCESS_REFRESH_AFTER_MS = 18_000;
const refreshAgeMs = () => ACCESS_REFRESH_AFTER_MS * (1 + Math.random() / 3);

interface CachedAccess {
  value: Promise<PlanAccess>;
  /** When the load began: the facts are at least this fresh. */
  loadedAt: number;
  /** When the loaded facts stop holding by the clock (`PlanFacts.accessChangesAt`), once known. */
  changesAt?: number | null;
  /** Age at which a use starts a reload in the background. */
  refreshAfter: number;
  refreshing: boolean;
}

export interface AccessCacheOptions {
  clock: Clock;
  /** Reads a plan's access facts from the database. */
  load(planId: string): Promise<PlanAccess>;
  /**
   * Fresh facts are in use: `changesAt` is when they stop holding by the clock (null: not by the
   * clock). `inBackground` when they replaced facts still in use, so connected peers were checked
   * against the older ones.
   */
  onLoaded(planId: string, access: PlanAccess, changesAt: number | null, inBackground: boolean): void;
  /** The instant a plan's cached facts stop holding has come: read them again. */
  onExpired(planId: string): void;
}

/**
 * Who may do what in each plan with documents loaded here, read once and shared by every
 * connection and operation. Facts are used until an event drops them (`invalidate`), until they
 * age out, and never past the instant they stop holding by the clock: a timer fires then.
 */
export class AccessCache {
  readonly #entries = new Map<string, CachedAccess>();
  /** One timer per plan, at the instant its cached facts stop holding by the clock. */
  readonly #clockTimers = new Map<string, NodeJS.Timeout>();
  #disposed = false;

  constructor(private readonly options: AccessCacheOptions) {}

  /** A plan's facts, from the cache while they hold, else loaded (concurrent callers share the load). */
  get(planId: string): Promise<PlanAccess> {
    const now = this.options.clock.now().getTime();
    const cached = this.#entries.get(planId);
    // Facts past the instant they stop holding are never used: a consent ends at its validUntil.
    if (cached && now - cached.loadedAt < ACCESS_TTL_MS && (cached.changesAt == null || now < cached.changesAt)) {
      if (now - cached.loadedAt >= cached.refreshAfter && !cached.refreshing) this.#reloadAhead(planId, cached, now);
      return cached.value;
    }
    const value = this.options.load(planId);
    const entry: CachedAccess = { value, loadedAt: now, refreshAfter: refreshAgeMs(), refreshing: false };
    this.#entries.set(planId, entry);
    value.then(
      (access) => this.#loaded(planId, entry, access, false),
      () => {
        if (this.#entries.get(planId) === entry) this.#entries.delete(planId);
      },
    );
    return value;
  }

  /** When the cached facts of a plan stop holding by the clock; null when unknown or never. */
  changesAt(planId: string): number | null {
    return this.#entries.get(planId)?.changesAt ?? null;
  }

  /** Facts never loaded, or older than the cache trusts them without an event. */
  isAged(planId: string): boolean {
    const cached = this.#entries.get(planId);
    return !cached || this.options.clock.now().getTime() - cached.loadedAt >= ACCESS_TTL_MS;
  }

  /** An event said the facts changed: the next use loads them anew (the clock timer stays until then). */
  invalidate(planId: string): void {
    this.#entries.delete(planId);
  }

  /** No document of the plan is loaded any more: drop its facts and timer. */
  forget(planId: string): void {
    this.#entries.delete(planId);
    this.#clearTimer(planId);
  }

  dispose(): void {
    this.#disposed = true;
    for (const timer of this.#clockTimers.values()) clearTimeout(timer);
    this.#clockTimers.clear();
    this.#entries.clear();
  }

  /** Replaces `cached` once fresh facts are in, unless an event dropped it meanwhile (then the next use loads anew). */
  #reloadAhead(planId: string, cached: CachedAccess, startedAt: number): void {
    cached.refreshing = true;
    const value = this.options.load(planId);
    value.then(
      (access) => {
        if (this.#entries.get(planId) !== cached) return;
        const entry: CachedAccess = { value, loadedAt: startedAt, refreshAfter: refreshAgeMs(), refreshing: false };
        this.#entries.set(planId, entry);
        this.#loaded(planId, entry, access, true);
      },
      () => {
        cached.refreshing = false;
      },
    );
  }

  /**
   * Notes when freshly loaded facts stop holding and sets the plan's timer for that instant, so
   * connected readers whose consent or participation ends are disconnected then, not at the next
   * sweep. Instants further off than the cache's lifetime are left to a later load.
   */
  #loaded(planId: string, entry: CachedAccess, access: PlanAccess, inBackground: boolean): void {
    if (this.#entries.get(planId) !== entry || this.#disposed) return;
    const changesAt = access.plan.accessChangesAt?.getTime() ?? null;
    entry.changesAt = changesAt;
    this.options.onLoaded(planId, access, changesAt, inBackground);
    this.#clearTimer(planId);
    if (changesAt === null) return;
    const delay = changesAt - this.options.clock.now().getTime();
    if (delay > ACCESS_TTL_MS) return;
    // A timer may fire a little early; the reload then finds the same instant ahead and sets another.
    const timer = setTimeout(() => {
      if (this.#clockTimers.get(planId) === timer) this.#clockTimers.delete(planId);
      this.options.onExpired(planId);
    }, Math.max(0, delay) + 1);
    timer.unref();
    this.#clockTimers.set(planId, timer);
  }

  #clearTimer(planId: string): void {
    clearTimeout(this.#clockTimers.get(planId));
    this.#clockTimers.delete(planId);
  }
}

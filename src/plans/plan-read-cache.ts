import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { rowsHoldUntil, type PlanReadRows } from './plan.with-facts.js';

/**
 * How long a plan's rows are trusted without an event saying they changed. Every change of a plan's
 * participants, consents, guardians, status or end publishes one (relayed between servers), as do
 * changes of a participant's name; the age only bounds what an event lost between servers could
 * leave stale (the same bound as the live document's access facts, src/documents/access-cache.ts).
 */
export const PLAN_READ_TTL_MS = 30_000;
/** Plans kept at most; the one read longest ago goes first. */
export const PLAN_READ_MAX_PLANS = 5_000;

export interface PlanReadCacheOptions {
  events: EventBus;
  clock: Clock;
  /**
   * The link that carries other servers' events: a number that changes whenever it was down (an
   * event may have been missed then), or null while it is down (nothing is trusted). Omitted on a
   * single server, whose events cannot be missed.
   */
  link?: () => number | null;
  ttlMs?: number;
  maxPlans?: number;
  /** Told at every use where the rows came from (the metric `samplan_plan_reads_total`). */
  observe?: (source: PlanRowsSource) => void;
}

/** `kept`: an earlier read's rows, or one under way, shared (no statement of its own); `read`: read for this use. */
export type PlanRowsSource = 'kept' | 'read';

/** A plan's rows and the instant the caller's facts are to be built at: one at which they hold. */
export interface RowsAt {
  rows: PlanReadRows;
  at: Date;
}

interface Entry {
  rows: Promise<PlanReadRows>;
  /** When the read began (ms): the rows are those of that instant. */
  readAt: number;
  /** The rows once they are in. */
  read: PlanReadRows | null;
  /** The link's number when the read began: rows read under another are not trusted. */
  link: number | null;
  /** Until when (ms) the rows may be used: set once they are in. */
  usableUntil: number;
}

/**
 * The rows of `plan(id)` (the plan with everything its policy facts are built from,
 * `readPlanRows`), kept between requests, so reading one plan again costs no statement for it; the
 * access-log row of a read of its content is still written for every read. Rows are never used
 * after an event about the plan, past the plan's next change of access by the clock (a
 * participation's or consent's first or last day), past {@link PLAN_READ_TTL_MS}, or while the
 * link to other servers is or was down since they were read. The policy is still asked at every
 * read, with the reader's own actor, over facts built from the rows at that instant.
 *
 * A read that began before an event and ends after it is handed to those who asked, as any read
 * running then would be, but is not kept. Ended plans are not kept (their archive changes without
 * an event, and they are read rarely).
 */
export class PlanReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #stop: Array<() => void>;
  readonly #ttlMs: number;
  readonly #maxPlans: number;

  constructor(private readonly options: PlanReadCacheOptions) {
    this.#ttlMs = options.ttlMs ?? PLAN_READ_TTL_MS;
    this.#maxPlans = options.maxPlans ?? PLAN_READ_MAX_PLANS;
    const { events } = options;
    this.#stop = [
      events.listen('participantsChanged', ({ planId }) => this.forget(planId)),
      events.listen('planEnded', ({ planId }) => this.forget(planId)),
      events.listen('personCardChanged', ({ personId }) => this.#forgetNaming(personId)),
    ];
  }

  /**
   * The plan's rows, with the instant (now) the caller builds its facts at: kept ones while they
   * may be used, else read by `read` as of now (one read for every concurrent caller). Rows read at
   * one instant give at a later one the facts a read then would, until their `rowsHoldUntil`
   * (test/access-clock.property.test.ts): used only in between.
   */
  async rows(planId: string, read: (now: Date) => Promise<PlanReadRows>): Promise<RowsAt> {
    const now = this.options.clock.now();
    const link = this.options.link ? this.options.link() : 0;
    const kept = this.#entries.get(planId);
    if (kept && kept.link === link && link !== null && kept.readAt <= now.getTime() && now.getTime() < kept.usableUntil) {
      // Kept in order of use, so the one read longest ago is the first to go.
      this.#entries.delete(planId);
      this.#entries.set(planId, kept);
      const rows = await kept.rows;
      // A read that was under way may bring rows that stopped holding before this caller asked
      // (a consent that ended meanwhile): then it reads for itself.
      if (now.getTime() < (rowsHoldUntil(rows)?.getTime() ?? Number.POSITIVE_INFINITY)) {
        this.options.observe?.('kept');
        return { rows, at: now };
      }
    }
    this.options.observe?.('read');
    return { rows: await this.#read(planId, read, now, link), at: now };
  }

  /** Reads the plan's rows as of `now` and keeps them for others while the link is up. */
  #read(planId: string, read: (now: Date) => Promise<PlanReadRows>, now: Date, link: number | null): Promise<PlanReadRows> {
    const rows = read(now).then(deepFreeze);
    if (link === null) return rows;
    // Until the rows are in, concurrent callers share the read.
    const entry: Entry = { rows, readAt: now.getTime(), read: null, link, usableUntil: Number.POSITIVE_INFINITY };
    this.#entries.delete(planId);
    this.#entries.set(planId, entry);
    while (this.#entries.size > this.#maxPlans) this.#entries.delete(this.#entries.keys().next().value!);
    rows.then(
      (read) => {
        if (this.#entries.get(planId) !== entry) return;
        const plan = read.plans[0];
        if (!plan || plan.status === 'ENDED') {
          this.#entries.delete(planId);
          return;
        }
        entry.read = read;
        entry.usableUntil = Math.min(now.getTime() + this.#ttlMs, rowsHoldUntil(read)?.getTime() ?? Number.POSITIVE_INFINITY);
      },
      () => {
        if (this.#entries.get(planId) === entry) this.#entries.delete(planId);
      },
    );
    return rows;
  }

  /** Something about the plan changed: its rows are read again at the next use. */
  forget(planId: string): void {
    this.#entries.delete(planId);
  }

  get size(): number {
    return this.#entries.size;
  }

  dispose(): void {
    for (const stop of this.#stop) stop();
    this.#entries.clear();
  }

  /** A person's name or kind changed: every plan whose rows show them is read again. */
  #forgetNaming(personId: string): void {
    for (const [planId, entry] of this.#entries) {
      // Rows still being read are dropped too: they may have been read before the change.
      if (!entry.read || entry.read.persons.some((person) => person.id === personId)) this.#entries.delete(planId);
    }
  }
}

/** Kept rows are shared by every request that uses them: one that changed them would change them for all. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

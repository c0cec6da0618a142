import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../shared/clock.js';
import { Poller } from '../shared/poller.js';
import type { DeadlineKind } from './deadline.js';
import { sqlArray } from '../db/sql-array.js';

export interface Deadline {
  key: string;
  kind: DeadlineKind;
  unitId: string | null;
  planId: string | null;
  requestId: string | null;
  personId: string | null;
  dueAt: Date;
  warnAt: Date | null;
}

export interface FiringContext {
  now: Date;
  /** Runs once the firing transaction has committed (publish in-process events here). */
  afterCommit(task: () => void): void;
}

/** What the scheduler reports as it runs (src/metrics/). */
export interface SchedulerObserver {
  /** A timed round started this many seconds after it was planned. */
  roundLate(seconds: number): void;
  /** A deadline fired this many seconds after its due (or warning) time. */
  fired(phase: 'due' | 'warn', lateSeconds: number): void;
}

/** What happens when a deadline of one kind comes up (warn) or falls due, inside the firing transaction. */
export interface DeadlineHandler {
  onWarn?(em: EntityManager, deadline: Deadline, context: FiringContext): Promise<void>;
  onDue?(em: EntityManager, deadline: Deadline, context: FiringContext): Promise<void>;
}

interface DeadlineRow {
  key: string;
  kind: DeadlineKind;
  unit_id: string | null;
  plan_id: string | null;
  request_id: string | null;
  person_id: string | null;
  due_at: Date;
  warn_at: Date | null;
}

/**
 * Fires deadlines as the clock passes them. Each deadline is taken with `FOR UPDATE SKIP LOCKED`
 * and marked fired in the same transaction as its handler's writes (case events, notifications),
 * so it fires exactly once even when several servers share the database, and a crash before the
 * commit leaves it to fire on the next run. The state lives in PostgreSQL, so restarts lose nothing.
 */
export class DeadlineScheduler {
  readonly #handlers = new Map<DeadlineKind, DeadlineHandler>();
  readonly #poller: Poller;

  constructor(private readonly deps: { orm: MikroORM; clock: Clock; logger: Logger; intervalMs: number; observer?: SchedulerObserver }) {
    this.#poller = new Poller(() => this.#fireAll(), deps.intervalMs, (ms) => deps.observer?.roundLate(ms / 1000));
  }

  /** One handler per kind; the module that owns the kind registers it at start-up. */
  handle(kind: DeadlineKind, handler: DeadlineHandler): void {
    if (this.#handlers.has(kind)) throw new Error(`a handler for ${kind} deadlines is already registered`);
    this.#handlers.set(kind, handler);
  }

  start(): void {
    this.#poller.start();
  }

  stop(): Promise<void> {
    return this.#poller.stop();
  }

  /** Fires everything due at the clock's now; resolves with how many were fired. Runs do not overlap. */
  runDue(): Promise<number> {
    return this.#poller.runOnce();
  }

  async #fireAll(): Promise<number> {
    const failed: string[] = [];
    let fired = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const after: Array<() => void> = [];
      let key: string | null;
      // Set inside the transaction's callback, so declared by cast: TypeScript would narrow it to null.
      let firing = null as { phase: 'due' | 'warn'; at: Date } | null;
      try {
        key = await this.deps.orm.em.fork().transactional(async (em) => {
          const [row] = await em.execute<DeadlineRow[]>(
            `select "key", "kind", "unit_id", "plan_id", "request_id", "person_id", "due_at", "warn_at" from "deadline"
             where "resolved_at" is null and "fired_at" is null
               and ("due_at" <= ? or ("warn_at" <= ? and "warned_at" is null))
               and not ("key" = any(?::text[]))
             order by "due_at" limit 1 for update skip locked`,
            [now, now, sqlArray(failed)],
          );
          if (!row) return null;
          const deadline = fromRow(row);
          const due = deadline.dueAt.getTime() <= now.getTime();
          const handler = this.#handlers.get(deadline.kind);
          const context: FiringContext = { now, afterCommit: (task) => after.push(task) };
          if (due) await handler?.onDue?.(em, deadline, context);
          else await handler?.onWarn?.(em, deadline, context);
          if (due) await em.execute('update "deadline" set "fired_at" = ?, "warned_at" = coalesce("warned_at", ?) where "key" = ?', [now, now, deadline.key]);
          else await em.execute('update "deadline" set "warned_at" = ? where "key" = ?', [now, deadline.key]);
          this.deps.logger.info({ event: 'deadline.fired', kind: deadline.kind, phase: due ? 'due' : 'warn', key: deadline.key });
          firing = due ? { phase: 'due', at: deadline.dueAt } : { phase: 'warn', at: deadline.warnAt ?? deadline.dueAt };
          return deadline.key;
        });
      } catch (error) {
        // One failing handler must not hold up every other deadline: skip it for this run.
        const [row] = await this.#peek(now, failed).catch(() => []);
        this.deps.logger.error({ event: 'deadline.fire_failed', key: row?.key, err: error });
        if (!row) return fired;
        failed.push(row.key);
        continue;
      }
      if (!key) return fired;
      fired += 1;
      if (firing) this.deps.observer?.fired(firing.phase, Math.max(0, (now.getTime() - firing.at.getTime()) / 1000));
      for (const task of after) task();
    }
  }

  #peek(now: Date, skip: readonly string[]): Promise<DeadlineRow[]> {
    return this.deps.orm.em.fork().execute<DeadlineRow[]>(
      `select "key" from "deadline" where "resolved_at" is null and "fired_at" is null
         and ("due_at" <= ? or ("warn_at" <= ? and "warned_at" is null)) and not ("key" = any(?::text[]))
       order by "due_at" limit 1`,
      [now, now, sqlArray(skip)],
    );
  }
}

function fromRow(row: DeadlineRow): Deadline {
  return {
    key: row.key,
    kind: row.kind,
    unitId: row.unit_id,
    planId: row.plan_id,
    requestId: row.request_id,
    personId: row.person_id,
    dueAt: new Date(row.due_at),
    warnAt: row.warn_at ? new Date(row.warn_at) : null,
  };
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { sqlArray } from '../db/sql-array.js';

/** Plans read per turn; each turn holds its rows locked, so servers starting together share the queue. */
const BATCH = 10;

/**
 * Works off `plan_deadline_resync`: plans whose dates and incomplete measures must be read again
 * from their documents (all running plans when incomplete measures were introduced, and plans
 * whose change was not read before a stop or a crash: see `markPlanStale`). Each turn
 * locks a few queued rows (others skip them), reads those plans with `sync`, and removes them in
 * the same transaction, so a crash leaves them queued for the next start. A plan that cannot be
 * read stays queued, is skipped for the rest of this run and is logged. Progress is logged.
 */
export async function resyncQueuedPlans(deps: {
  orm: MikroORM;
  logger: Logger;
  sync: (planId: string) => Promise<void>;
  stopped: () => boolean;
}): Promise<void> {
  const failed: string[] = [];
  let done = 0;
  for (;;) {
    if (deps.stopped()) return;
    const turn = await deps.orm.em.fork().transactional(async (em) => {
      const rows = await em.execute<Array<{ plan_id: string }>>(
        `select "plan_id" from "plan_deadline_resync" where not ("plan_id" = any(?::uuid[]))
         order by "queued_at", "plan_id" limit ? for update skip locked`,
        [sqlArray(failed), BATCH],
      );
      const read: string[] = [];
      for (const { plan_id: planId } of rows) {
        if (deps.stopped()) break;
        try {
          await deps.sync(planId);
          read.push(planId);
        } catch (error) {
          failed.push(planId);
          deps.logger.error({ event: 'deadlines.resync_failed', planId, err: error });
        }
      }
      if (read.length) await em.execute('delete from "plan_deadline_resync" where "plan_id" = any(?::uuid[])', [sqlArray(read)]);
      return { locked: rows.length, read: read.length };
    });
    if (turn.locked === 0) break;
    done += turn.read;
    const [{ left }] = await deps.orm.em.fork().execute<[{ left: number }]>('select count(*)::int as "left" from "plan_deadline_resync"');
    deps.logger.info({ event: 'deadlines.resync_progress', done, left, failed: failed.length });
  }
  if (done > 0 || failed.length > 0) deps.logger.info({ event: 'deadlines.resync_finished', done, failed: failed.length });
}

/**
 * Marks a plan's dates as needing a reading (a change to its measures or period was heard). The
 * mark is the database's time, as text (microseconds kept): a reading removes only the mark it saw.
 */
export async function markPlanStale(em: EntityManager, planId: string): Promise<void> {
  await em.execute(
    `insert into "plan_deadline_resync" ("plan_id", "queued_at") values (?, clock_timestamp())
     on conflict ("plan_id") do update set "queued_at" = excluded."queued_at"`,
    [planId],
  );
}

/** The plan's stale mark now, to hand to the reading that follows (null when there is none). */
export async function staleSinceOf(em: EntityManager, planId: string): Promise<string | null> {
  const [row] = await em.execute<Array<{ since: string }>>('select "queued_at"::text as "since" from "plan_deadline_resync" where "plan_id" = ?', [planId]);
  return row?.since ?? null;
}

/**
 * Removes the plan's stale mark, in the reading's transaction, unless a later change has marked it
 * again. A mark the start-up turn holds locked is left to it (it removes what it reads): waiting
 * for it could deadlock with that turn writing the same plan's deadlines.
 */
export async function unmarkPlanStale(em: EntityManager, planId: string, since: string): Promise<void> {
  await em.execute(
    `delete from "plan_deadline_resync" where "plan_id" in (
       select "plan_id" from "plan_deadline_resync" where "plan_id" = ? and "queued_at" = ?::timestamptz for update skip locked)`,
    [planId, since],
  );
}

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { sqlArray } from '../db/sql-array.js';

/** Plans read per turn; each turn holds its rows locked, so servers starting together share the queue. */
const BATCH = 10;

/**
 * Works off `plan_deadline_resync`: plans whose dates and incomplete measures must be read again
 * from their documents (all running plans when incomplete measures were introduced). Each turn
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

import type { MikroORM } from '@mikro-orm/postgresql';
import type { DocumentHub } from '../documents/document-hub.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PlanEndedEvent } from '../plans/plan.events.js';
import type { Clock } from '../shared/clock.js';
import { dateInOslo } from '../shared/dates.js';
import { writeArchiveRecord } from './archive.writer.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { hasVersionOfKind } from '../documents/version.store.js';
import { PLANS_SQL } from '../plans/plan.read-model.js';

export interface FinalArchiverDeps {
  orm: MikroORM;
  hub: DocumentHub;
  events: EventBus;
  clock: Clock;
  logger: Logger;
}

/**
 * Saves the CLOSED version and then the FINAL archive record of every plan that ends (docs/domain.md
 * rule 10), so the record lists the version that holds the plan as it ended. It listens for
 * `planEnded`; since that event lives only in memory, a server that stops between ending a plan
 * and writing the record would lose it, so `start` also archives every ENDED plan that has no
 * FINAL record yet. The unique FINAL index makes both paths, on any number of servers, write one.
 */
export class FinalArchiver {
  readonly #inFlight = new Set<Promise<void>>();
  #stopListening: (() => void) | null = null;

  constructor(private readonly deps: FinalArchiverDeps) {}

  /** Listens for ended plans, then catches up on plans that ended without a FINAL record. */
  async start(): Promise<void> {
    this.#stopListening = this.deps.events.listen('planEnded', (event: PlanEndedEvent) => this.#track(this.#archive(event.planId, event.endedById)));
    const missing = await this.deps.orm.em.fork().execute<Array<{ id: string; archived_by: string }>>(
      `select p."plan_id" as "id", coalesce(p."ended_by_id", p."owner_id") as archived_by from (${PLANS_SQL}) p
       where p."status" = 'ENDED' and not exists (select 1 from "archive_record" r where r."plan_id" = p."plan_id" and r."kind" = 'FINAL')`,
    );
    if (missing.length) this.deps.logger.info({ event: 'archive.catch_up', plans: missing.length });
    await Promise.all(missing.map((plan) => this.#track(this.#archive(plan.id, plan.archived_by))));
  }

  /** Stops listening and waits for records being written (before the documents and database close). */
  async dispose(): Promise<void> {
    this.#stopListening?.();
    await Promise.allSettled([...this.#inFlight]);
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  async #archive(planId: string, archivedById: string): Promise<void> {
    try {
      await this.#saveClosedVersion(planId, archivedById);
      const recordId = await writeArchiveRecord(this.deps.orm.em.fork(), this.deps.hub, {
        planId,
        kind: 'FINAL',
        createdById: archivedById,
        at: this.deps.clock.now(),
      });
      this.deps.logger.info({ event: 'archive.final_written', planId, recordId });
    } catch (error) {
      // The next start's catch-up writes it; nothing here is lost for good.
      this.deps.logger.error({ event: 'archive.final_failed', planId, err: error });
    }
  }

  /** The frozen document as a CLOSED version, once, so the FINAL record's version list holds it. */
  async #saveClosedVersion(planId: string, endedById: string): Promise<void> {
    if (await hasVersionOfKind(withoutTransaction(this.deps.orm.em.fork()), planId, 'CLOSED')) return;
    const label = `Plan ended ${dateInOslo(this.deps.clock.now())}`;
    await this.deps.hub.createVersion(planId, { kind: 'CLOSED', label, authorId: endedById });
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PARTICIPANTS_SQL, PLANS_SQL } from '../plans/plan.read-model.js';
import type { DocumentHub } from '../documents/document-hub.js';
import { sectionContent } from '../documents/document.template.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import type { Clock } from '../shared/clock.js';
import { daysBefore, endOfPlanDate } from '../shared/dates.js';
import { recordCaseEvent } from './case-event.js';
import { isTrackableEntryId, resolveDeadlinesExcept, setDeadline, type DeadlineInput } from './deadline.js';
import type { Deadline, DeadlineScheduler, FiringContext } from './deadline.scheduler.js';
import { markPlanStale, resyncQueuedPlans, staleSinceOf, unmarkPlanStale } from './plan-deadline-resync.js';
import { FINISHED_MEASURES, knownOrganizations, measureGapsOf, namedOrganizationIds, recordMeasureGaps } from './measure-gaps.js';

/** How long before an evaluate-by or revision date the plan's coordinator is reminded. @default 14 days */
export const PLAN_DATE_WARNING_DAYS = 14;
/** Changes to measures arrive keystroke by keystroke; deadlines are re-read once a burst settles. */
const SETTLE_MS = 500;

const keyPrefix = (planId: string) => `plan:${planId}:`;

/** The dated obligations a plan document holds: each measure's evaluate-by date and the plan's revision dates. */
export function planDatesOf(content: { measures: unknown; period: unknown }): Array<{ key: string; kind: 'MEASURE_EVALUATION' | 'REVISION'; dueAt: Date }> {
  const dates: Array<{ key: string; kind: 'MEASURE_EVALUATION' | 'REVISION'; dueAt: Date }> = [];
  for (const measure of Array.isArray(content.measures) ? (content.measures as Array<Record<string, unknown>>) : []) {
    const dueAt = typeof measure['evaluateBy'] === 'string' ? endOfPlanDate(measure['evaluateBy']) : null;
    if (!dueAt || !isTrackableEntryId(measure['id']) || FINISHED_MEASURES.has(String(measure['status']))) continue;
    dates.push({ key: `measure:${measure['id']}`, kind: 'MEASURE_EVALUATION', dueAt });
  }
  const period = (content.period ?? {}) as Record<string, unknown>;
  for (const date of Array.isArray(period['revisionDates']) ? (period['revisionDates'] as unknown[]) : []) {
    const dueAt = typeof date === 'string' ? endOfPlanDate(date) : null;
    if (dueAt) dates.push({ key: `revision:${date}`, kind: 'REVISION', dueAt });
  }
  return dates;
}

/**
 * Keeps the `deadline` table in step with the dates inside each plan document, and says what
 * happens when they come up: the unit's dashboard hears EVALUATION_DUE / REVISION_DUE and then
 * EVALUATION_OVERDUE, and the coordinator (or, without one, the person) gets a reminder that
 * carries no content. The same reading keeps `measure_gap`: the running measures that lack a
 * responsible unit or an evaluate-by date (rule 9), which the unit's dashboard shows as incomplete.
 *
 * A change to measures or the period marks the plan stale in `plan_deadline_resync` at once, and
 * the reading follows when the burst settles; the mark goes only once a reading has seen the
 * change. A reading lost to a stop, a crash or an error is made at the next start, whatever door
 * the change came through (a live editor, GraphQL, the seed).
 */
export class PlanDeadlines {
  readonly #pending = new Map<string, { timer: NodeJS.Timeout; marked: Promise<void> }>();
  /** Readings running now, so `settle` and a stop can wait for them. */
  readonly #running = new Set<Promise<void>>();
  readonly #stop: Array<() => void>;
  #stopped = false;
  #resync: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { orm: MikroORM; hub: DocumentHub; events: EventBus; clock: Clock; logger: Logger; scheduler: DeadlineScheduler }) {
    this.#stop = [
      deps.events.listen('documentChanged', ({ planId, sections }) => {
        if (sections.includes('measures') || sections.includes('period')) this.#schedule(planId);
      }),
      deps.events.listen('planEnded', ({ planId }) => void this.#closeAll(planId)),
    ];
    deps.scheduler.handle('MEASURE_EVALUATION', {
      onWarn: (em, deadline, context) => this.#fire(em, deadline, context, 'EVALUATION_DUE'),
      onDue: (em, deadline, context) => this.#fire(em, deadline, context, 'EVALUATION_OVERDUE'),
    });
    deps.scheduler.handle('REVISION', {
      onWarn: (em, deadline, context) => this.#fire(em, deadline, context, 'REVISION_DUE'),
      onDue: (em, deadline, context) => this.#fire(em, deadline, context, 'EVALUATION_OVERDUE'),
    });
  }

  /**
   * Reads the plan's committed document and rewrites its deadlines; resolves with when it is done.
   * `staleSince` is the stale mark this reading covers (read before the document): it is removed
   * once the reading is written, unless a later change has marked the plan again meanwhile.
   */
  async sync(planId: string, staleSince?: string | null): Promise<void> {
    const content = await this.deps.hub.use(planId, (document) =>
      document.readCommitted((live) => ({ measures: sectionContent(live.doc, 'measures'), period: sectionContent(live.doc, 'period') })),
    );
    const now = this.deps.clock.now();
    await this.deps.orm.em.fork().transactional(async (em) => {
      const [plan] = await em.execute<Array<{ unit_id: string | null; owner_id: string; status: string }>>(
        `select "unit_id", "owner_id", "status" from (${PLANS_SQL}) "pl" where "plan_id" = ?`,
        [planId],
      );
      if (!plan) return;
      const ended = plan.status === 'ENDED';
      const dates = ended ? [] : planDatesOf(content);
      for (const date of dates) {
        const input: DeadlineInput = {
          key: keyPrefix(planId) + date.key,
          kind: date.kind,
          unitId: plan.unit_id,
          planId,
          personId: plan.owner_id,
          dueAt: date.dueAt,
          warnAt: daysBefore(date.dueAt, PLAN_DATE_WARNING_DAYS),
        };
        await setDeadline(em, input, now);
      }
      await resolveDeadlinesExcept(em, keyPrefix(planId), dates.map((date) => keyPrefix(planId) + date.key), now);
      const gaps = ended ? [] : measureGapsOf(content.measures, await knownOrganizations(em, namedOrganizationIds(content.measures)));
      await recordMeasureGaps(em, planId, gaps, now);
      if (staleSince) await unmarkPlanStale(em, planId, staleSince);
    });
  }

  /**
   * Makes now every reading that waits for a burst to settle, and waits for those running: what
   * has been written so far is on the dashboard when it resolves. The seed calls it before it
   * moves its clock; a stop calls it before the documents go.
   */
  async settle(): Promise<void> {
    const waiting = [...this.#pending.entries()];
    for (const [planId, { timer, marked }] of waiting) {
      clearTimeout(timer);
      this.#pending.delete(planId);
      this.#read(planId, marked);
    }
    await Promise.all([...this.#running]);
  }

  /** Reads, in the background, the plans queued for it (src/casework/plan-deadline-resync.ts). */
  start(): void {
    this.#resync = resyncQueuedPlans({ orm: this.deps.orm, logger: this.deps.logger, sync: (planId) => this.sync(planId), stopped: () => this.#stopped }).catch(
      (error: unknown) => this.deps.logger.error({ event: 'deadlines.resync_failed', err: error }),
    );
  }

  /**
   * Stops the background re-reading after the plan in hand, and makes the readings still waiting
   * for a burst to settle (before the documents go away).
   */
  async stopResync(): Promise<void> {
    this.#stopped = true;
    await this.#resync;
    await this.settle();
  }

  /**
   * Stops listening and lets readings in hand finish. A change heard after the documents went
   * (their last commits) is not read now: its stale mark is written, and the next start reads it.
   */
  async dispose(): Promise<void> {
    for (const stop of this.#stop) stop();
    this.#stopped = true;
    await this.#resync;
    const marks = [...this.#pending.values()].map(({ timer, marked }) => {
      clearTimeout(timer);
      return marked;
    });
    this.#pending.clear();
    await Promise.all([...marks, ...this.#running]);
  }

  #schedule(planId: string): void {
    const pending = this.#pending.get(planId);
    clearTimeout(pending?.timer);
    // Marked once per burst: the mark stays until a reading that began after it is written.
    const marked = pending?.marked ?? this.#mark(planId);
    const timer = setTimeout(() => {
      this.#pending.delete(planId);
      this.#read(planId, marked);
    }, SETTLE_MS);
    timer.unref();
    this.#pending.set(planId, { timer, marked });
  }

  #mark(planId: string): Promise<void> {
    return markPlanStale(this.deps.orm.em.fork(), planId).catch((error: unknown) =>
      this.deps.logger.error({ event: 'deadlines.mark_failed', planId, err: error }),
    );
  }

  /** One reading after the burst's mark is written, covering that mark. */
  #read(planId: string, marked: Promise<void>): void {
    const reading = marked
      .then(() => staleSinceOf(this.deps.orm.em.fork(), planId))
      .then((staleSince) => this.sync(planId, staleSince))
      .catch((error: unknown) => this.deps.logger.error({ event: 'deadlines.sync_failed', planId, err: error }))
      .finally(() => this.#running.delete(reading));
    this.#running.add(reading);
  }

  async #closeAll(planId: string): Promise<void> {
    clearTimeout(this.#pending.get(planId)?.timer);
    try {
      await this.deps.orm.em.fork().transactional(async (em) => {
        const now = this.deps.clock.now();
        await resolveDeadlinesExcept(em, keyPrefix(planId), [], now);
        await recordMeasureGaps(em, planId, [], now);
      });
    } catch (error) {
      this.deps.logger.error({ event: 'deadlines.close_failed', planId, err: error });
    }
  }

  async #fire(em: EntityManager, deadline: Deadline, context: FiringContext, kind: 'EVALUATION_DUE' | 'EVALUATION_OVERDUE' | 'REVISION_DUE'): Promise<void> {
    if (!deadline.planId) return;
    // An ended plan is evaluated no more. Its deadlines are resolved when it ends; this covers one
    // a document sync re-armed in the moment between the end and that resolution.
    const [plan] = await em.execute<Array<{ status: string; unit_id: string | null }>>(`select "status", "unit_id" from (${PLANS_SQL}) "pl" where "plan_id" = ?`, [deadline.planId]);
    if (!plan || plan.status === 'ENDED') return;
    // The plan's unit as it is now: a plan may have come under a unit since its dates were read.
    const unitId = plan.unit_id ?? deadline.unitId;
    const what = deadline.kind === 'REVISION' ? 'revision' : 'measure';
    const ref = deadline.key.slice(keyPrefix(deadline.planId).length).split(':').slice(1).join(':');
    if (unitId) {
      await recordCaseEvent(em, {
        unitId,
        kind,
        at: context.now,
        planId: deadline.planId,
        personId: deadline.personId,
        detail: { what, ref, dueAt: deadline.dueAt.toISOString() },
      });
    }
    const [coordinator] = await em.execute<Array<{ person_id: string }>>(
      `select "person_id" from (${PARTICIPANTS_SQL}) "pa" where "plan_id" = ? and "role" = 'COORDINATOR' and "removed_at" is null
         and "active_from" <= ? and ("active_to" is null or "active_to" > ?) limit 1`,
      [deadline.planId, context.now, context.now],
    );
    const recipientId = coordinator?.person_id ?? deadline.personId;
    if (!recipientId) return;
    await enqueueNotification(
      em,
      { recipientId, kind: 'EVALUATION_DUE', link: `/plans/${deadline.planId}`, dedupeKey: `${kind}:${deadline.key}:${deadline.dueAt.toISOString()}` },
      context.now,
    );
  }
}

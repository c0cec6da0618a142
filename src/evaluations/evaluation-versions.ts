import type { DocumentHub } from '../documents/document-hub.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { dateInOslo } from '../shared/dates.js';

/**
 * Every committed change that adds an evaluation to a plan's document makes an automatic
 * EVALUATION version of the plan (docs/archive.md), whether the entry came through
 * `recordEvaluation` or was typed into the live document. It listens for committed changes the way
 * the deadlines do (src/casework/plan-deadlines.ts); only the server that committed the change
 * saves the version.
 */
/** Versions remembered after they are saved, for a committer that asks after they settled; the oldest go first. */
const KEPT_VERSIONS = 1_000;

export class EvaluationVersions {
  /**
   * Versions being saved or saved lately, by `planId:seq` of the change that added the evaluation.
   * A settled one is kept (up to {@link KEPT_VERSIONS}): the version can be saved before the
   * committer gets to ask for it, and forgetting it then left the evaluation without its version.
   */
  readonly #saving = new Map<string, Promise<string | null>>();
  readonly #stop: () => void;

  constructor(private readonly deps: { hub: DocumentHub; events: EventBus; logger: Logger }) {
    this.#stop = deps.events.listen('documentChanged', (change) => {
      if (!change.committedHere || !change.newEntries.includes('evaluations')) return;
      const key = `${change.planId}:${change.seq}`;
      const saving = deps.hub
        .createVersion(change.planId, { kind: 'EVALUATION', label: `Evaluation ${dateInOslo(change.at)}`, authorId: change.authorId })
        .catch((error: unknown) => {
          deps.logger.error({ event: 'evaluation.auto_version_failed', planId: change.planId, seq: change.seq, err: error });
          return null;
        });
      this.#saving.set(key, saving);
      if (this.#saving.size > KEPT_VERSIONS) this.#saving.delete(this.#saving.keys().next().value!);
    });
  }

  /**
   * The version the committed change `seq` of the plan's main document made; null when it made
   * none or saving it failed. The event comes before the committer hears its change is durable, so
   * a caller who asks right after its commit never misses it.
   */
  versionOf(planId: string, seq: number): Promise<string | null> {
    return this.#saving.get(`${planId}:${seq}`) ?? Promise.resolve(null);
  }

  /** Stops listening and waits for versions being saved (server shutdown). */
  async dispose(): Promise<void> {
    this.#stop();
    await Promise.allSettled(this.#saving.values());
  }
}

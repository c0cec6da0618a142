import type { EventBus } from '../events/event-bus.js';

/** An abort signal that fires when a subscriber of a plan's content loses the right to read it. */
export interface ContentAccessWatch {
  /** Aborts with the outer signal, or when access is lost. */
  signal: AbortSignal;
  /** Access was lost (as opposed to the subscriber leaving). */
  lost(): boolean;
  stop(): void;
}

/**
 * Re-checks content access on every `participantsChanged` event of the plan (consent given,
 * withdrawn or expired; someone removed), so a content subscription ends at once rather than at
 * its next change.
 */
export function watchContentAccess(events: EventBus, planId: string, canRead: () => Promise<boolean>, outer?: AbortSignal): ContentAccessWatch {
  const controller = new AbortController();
  let lost = false;
  const stop = events.listen('participantsChanged', (event) => {
    if (event.planId !== planId || lost) return;
    canRead().then(
      (allowed) => {
        if (allowed) return;
        lost = true;
        controller.abort();
      },
      // A failed check leaves the subscription to the per-event check on its next change.
      () => undefined,
    );
  });
  return { signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal, lost: () => lost, stop };
}

import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../shared/clock.js';

/** A check of a subscriber's access now, and when its answer may change by the clock alone. */
export interface AccessCheck {
  allowed: boolean;
  /** `PlanFacts.accessChangesAt`: when a consent or participation ends by date; null for never. */
  changesAt: Date | null;
}

/** An abort signal that fires when a subscriber loses access to a plan. */
export interface AccessWatch {
  /** Aborts with the outer signal, or when access is lost. */
  signal: AbortSignal;
  /** Access was lost (as opposed to the subscriber leaving). */
  lost(): boolean;
  stop(): void;
}

/** Longest single timer: Node's limit is about 24.8 days; a later instant is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Re-checks access on every `participantsChanged` event of the plan (consent given, withdrawn or
 * expired; someone removed) and at the instant the last check said it may change by the clock
 * (a consent's validUntil), so a subscription ends at once rather than at its next change.
 */
export function watchAccess(
  deps: { events: EventBus; clock: Clock },
  planId: string,
  check: () => Promise<AccessCheck>,
  first: AccessCheck,
  outer?: AbortSignal,
): AccessWatch {
  const controller = new AbortController();
  let lost = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (changesAt: Date | null) => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || lost || !changesAt) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, changesAt.getTime() - deps.clock.now().getTime()) + 1);
    timer = setTimeout(recheck, delay);
    timer.unref();
  };
  const recheck = () => {
    if (stopped || lost) return;
    check().then(
      (result) => {
        if (stopped || lost) return;
        if (!result.allowed) {
          lost = true;
          clearTimeout(timer);
          controller.abort();
          return;
        }
        schedule(result.changesAt);
      },
      // A failed check leaves the subscription to the per-event check on its next change, and
      // tries the clock again shortly.
      () => schedule(new Date(deps.clock.now().getTime() + 1_000)),
    );
  };
  const stopListening = deps.events.listen('participantsChanged', (event) => {
    if (event.planId === planId) recheck();
  });
  schedule(first.changesAt);
  return {
    signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal,
    lost: () => lost,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      stopListening();
    },
  };
}

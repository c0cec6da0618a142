import { setTimeout as sleep } from 'node:timers/promises';
import type { DocumentChangedEvent } from './document.events.js';
import type { PlanChangedModel } from './document.service.js';

/** How long changes are gathered into one `planChanged` event. @default 250 ms */
export const PLAN_CHANGED_WINDOW_MS = 250;

function merge(into: PlanChangedModel | null, event: DocumentChangedEvent): PlanChangedModel {
  if (!into) return { planId: event.planId, seq: event.seq, sections: [...event.sections], personIds: [event.authorId], at: event.at };
  return {
    planId: into.planId,
    seq: Math.max(into.seq, event.seq),
    sections: [...new Set([...into.sections, ...event.sections])],
    personIds: [...new Set([...into.personIds, event.authorId])],
    at: event.at > into.at ? event.at : into.at,
  };
}

/**
 * Turns a plan's stream of committed changes into one event per burst: the first change opens a
 * window, and everything committed within it (sections, authors, the newest sequence) is sent
 * together when it closes. A typing burst is then one event, not one per keystroke.
 */
export async function* coalescePlanChanges(
  source: AsyncIterableIterator<DocumentChangedEvent>,
  planId: string,
  windowMs = PLAN_CHANGED_WINDOW_MS,
): AsyncGenerator<PlanChangedModel> {
  let pending: PlanChangedModel | null = null;
  let wake: (() => void) | null = null;
  let ended = false;
  const pump = async () => {
    try {
      for await (const event of source) {
        if (event.planId !== planId) continue;
        pending = merge(pending, event);
        wake?.();
      }
    } finally {
      ended = true;
      wake?.();
    }
  };
  void pump();
  try {
    for (;;) {
      if (!pending) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      await sleep(windowMs);
      const batch: PlanChangedModel = pending;
      pending = null;
      yield batch;
    }
  } finally {
    // Removes the source's listener at once (and ends `pump`) when the consumer stops.
    void source.return?.(undefined);
  }
}

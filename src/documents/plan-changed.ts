import { setTimeout as sleep } from 'node:timers/promises';
import type { DocumentChangedEvent } from './document.events.js';
import type { PlanChangedModel } from './document.service.js';

/** How long changes are gathered into one `planChanged` event. @default 250 ms */
export const PLAN_CHANGED_WINDOW_MS = 250;

function merge(into: PlanChangedModel | undefined, event: DocumentChangedEvent): PlanChangedModel {
  const restricted = event.part === 'restricted';
  if (!into) return { planId: event.planId, restricted, seq: event.seq, sections: [...event.sections], personIds: [event.authorId], at: event.at };
  return {
    planId: into.planId,
    restricted,
    seq: Math.max(into.seq, event.seq),
    sections: [...new Set([...into.sections, ...event.sections])],
    personIds: [...new Set([...into.personIds, event.authorId])],
    at: event.at > into.at ? event.at : into.at,
  };
}

/**
 * Turns a plan's stream of committed changes into one event per burst and document: the first
 * change opens a window, and everything committed within it (sections, authors, the newest
 * sequence) is sent together when it closes, the main document's changes and the restricted
 * one's apart (their sequences count separately, and not everyone may hear of the second). A
 * typing burst is then one event, not one per keystroke.
 */
export async function* coalescePlanChanges(
  source: AsyncIterableIterator<DocumentChangedEvent>,
  planId: string,
  windowMs = PLAN_CHANGED_WINDOW_MS,
): AsyncGenerator<PlanChangedModel> {
  const pending = new Map<DocumentChangedEvent['part'], PlanChangedModel>();
  let wake: (() => void) | null = null;
  let ended = false;
  const pump = async () => {
    try {
      for await (const event of source) {
        if (event.planId !== planId) continue;
        pending.set(event.part, merge(pending.get(event.part), event));
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
      if (!pending.size) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      await sleep(windowMs);
      const batches = [...pending.values()];
      pending.clear();
      for (const batch of batches) yield batch;
    }
  } finally {
    // Removes the source's listener at once (and ends `pump`) when the consumer stops.
    void source.return?.(undefined);
  }
}

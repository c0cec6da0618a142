import { EventEmitter, on } from 'node:events';
import type { DocumentChangedEvent, SectionRightsChangedEvent } from '../documents/document.events.js';
import type { ParticipantsChangedEvent, PlanEndedEvent } from '../plans/plan.events.js';
import type { CaseEvent } from '../casework/case-event.js';

/** Every event the server publishes, by topic. */
export interface EventMap {
  participantsChanged: ParticipantsChangedEvent;
  /** A committed change of a plan's document. */
  documentChanged: DocumentChangedEvent;
  sectionRightsChanged: SectionRightsChangedEvent;
  planEnded: PlanEndedEvent;
  /** A committed case event of any server (src/casework/case-event.listener.ts). */
  caseEvent: CaseEvent;
}

/**
 * In-process publish/subscribe for subscriptions. Events are published after their transaction
 * commits, so a subscriber never sees a change that was rolled back.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open subscription; the count is bounded by connections, not a leak.
    this.#emitter.setMaxListeners(0);
  }

  publish<T extends keyof EventMap>(topic: T, event: EventMap[T]): void {
    this.#emitter.emit(topic, event);
  }

  /** Calls `listener` for each event of a topic; returns the function that stops it. */
  listen<T extends keyof EventMap>(topic: T, listener: (event: EventMap[T]) => void): () => void {
    const wrapped = (event: EventMap[T]) => listener(event);
    this.#emitter.on(topic, wrapped);
    return () => this.#emitter.off(topic, wrapped);
  }

  /** Events of a topic until `signal` aborts or the consumer stops iterating. */
  async *subscribe<T extends keyof EventMap>(topic: T, signal?: AbortSignal): AsyncGenerator<EventMap[T]> {
    try {
      for await (const [event] of on(this.#emitter, topic, { signal })) yield event as EventMap[T];
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }
}

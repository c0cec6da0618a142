import { EventEmitter, on } from 'node:events';
import type { ParticipantsChangedEvent } from '../plans/plan.events.js';

/** Every event the server publishes, by topic. */
export interface EventMap {
  participantsChanged: ParticipantsChangedEvent;
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

  /** Events of a topic until `signal` aborts or the consumer stops iterating. */
  async *subscribe<T extends keyof EventMap>(topic: T, signal?: AbortSignal): AsyncGenerator<EventMap[T]> {
    try {
      for await (const [event] of on(this.#emitter, topic, { signal })) yield event as EventMap[T];
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }
}

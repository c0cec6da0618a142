import { EventEmitter } from 'node:events';
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
  /** What the policy knows of a person as an actor (memberships, administrator) changed and committed. */
  actorChanged: { personId: string };
  /** A person's card (the name others see them by) changed and committed. */
  personCardChanged: { personId: string };
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

  /**
   * Events of a topic until `signal` aborts or the consumer calls `return()`. Either removes the
   * listener at once and ends a pending `next()`: an async generator around `events.on` cannot do
   * that, because its `return()` waits until the generator next yields, which a quiet topic never does.
   */
  subscribe<T extends keyof EventMap>(topic: T, signal?: AbortSignal): AsyncIterableIterator<EventMap[T]> {
    const queued: Array<EventMap[T]> = [];
    let waiting: ((result: IteratorResult<EventMap[T]>) => void) | null = null;
    let ended = false;
    const listener = (event: EventMap[T]) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: event, done: false });
      } else queued.push(event);
    };
    const end = (): IteratorResult<EventMap[T]> => {
      if (!ended) {
        ended = true;
        queued.length = 0;
        this.#emitter.off(topic, listener);
        signal?.removeEventListener('abort', end);
        waiting?.({ value: undefined, done: true });
        waiting = null;
      }
      return { value: undefined, done: true };
    };
    if (signal?.aborted) ended = true;
    else {
      this.#emitter.on(topic, listener);
      signal?.addEventListener('abort', end, { once: true });
    }
    return {
      next: () => {
        if (queued.length) return Promise.resolve({ value: queued.shift()!, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => Promise.resolve(end()),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Listeners of one topic, or of all topics: each open subscription holds one (tests watch it return to zero). */
  listenerCount(topic?: keyof EventMap): number {
    if (topic) return this.#emitter.listenerCount(topic);
    return this.#emitter.eventNames().reduce((sum, name) => sum + this.#emitter.listenerCount(name), 0);
  }
}

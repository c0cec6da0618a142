import type { EventBus, EventMap } from '../events/event-bus.js';

/**
 * The EventBus topics other servers must hear. documentChanged travels with the update itself
 * (src/cluster/cluster.ts), and caseEvent already comes from PostgreSQL LISTEN/NOTIFY.
 */
const RELAYED = ['participantsChanged', 'sectionRightsChanged', 'planEnded', 'actorChanged', 'personCardChanged'] as const;
type RelayedTopic = (typeof RELAYED)[number];

/** JSON turns dates into strings; these put them back. */
const REVIVE: { [T in RelayedTopic]: (event: EventMap[T]) => EventMap[T] } = {
  participantsChanged: (event) => event,
  sectionRightsChanged: (event) => event,
  planEnded: (event) => ({ ...event, at: new Date(event.at) }),
  actorChanged: (event) => event,
  personCardChanged: (event) => event,
};

interface RelayedEvent {
  origin: string;
  topic: RelayedTopic;
  event: unknown;
}

/**
 * Publishes this server's events of the relayed topics to the other servers, and re-emits theirs
 * on this server's EventBus (for subscriptions and the DocumentHub). An event re-emitted here is
 * remembered, so it is not sent back out.
 */
export class EventRelay {
  readonly #heardFromOthers = new WeakSet<object>();
  #stopListening: Array<() => void> = [];

  constructor(private readonly deps: { events: EventBus; serverId: string; publish(message: string): void }) {}

  start(): void {
    this.#stopListening = RELAYED.map((topic) =>
      this.deps.events.listen(topic, (event) => {
        if (this.#heardFromOthers.has(event)) return;
        const message: RelayedEvent = { origin: this.deps.serverId, topic, event };
        this.deps.publish(JSON.stringify(message));
      }),
    );
  }

  stop(): void {
    for (const stop of this.#stopListening) stop();
    this.#stopListening = [];
  }

  /** A message from the events channel; this server's own are skipped. */
  receive(raw: string): void {
    const message = JSON.parse(raw) as RelayedEvent;
    if (message.origin === this.deps.serverId || !RELAYED.includes(message.topic)) return;
    this.#emit(message.topic, message.event as EventMap[typeof message.topic]);
  }

  #emit<T extends RelayedTopic>(topic: T, raw: EventMap[T]): void {
    const event = REVIVE[topic](raw);
    this.#heardFromOthers.add(event);
    this.deps.events.publish(topic, event);
  }
}

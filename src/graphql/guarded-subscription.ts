import { forbidden } from '../errors/error-codes.js';
import { cancellable } from '../events/cancellable.js';

/** What a subscription yields once the subscriber may no longer hear it; `resolve` turns it into FORBIDDEN. */
interface AccessLost {
  accessLost: true;
}

/** A subscription's events, opened after the first access check, and how access is asked again. */
export interface GuardedStream<Event> {
  /** The events meant for this subscription (already filtered to its plan or unit), ending with `signal`. */
  events: AsyncIterable<Event>;
  /** Asked before every event: false ends the subscription with FORBIDDEN. */
  stillAllowed(): Promise<boolean>;
  /** Asked for each event after `stillAllowed`: false skips just this one (a part the subscriber may not read). @default every event */
  delivers?(event: Event): Promise<boolean>;
  /** After the events end: whether they ended because access ran out (a timer, src/consent/access-watch.ts). */
  lost?(): boolean;
  /** Releases what `open` started (timers, listeners); runs however the subscription ends. */
  stop?(): void;
}

/**
 * The one shape of every subscription that re-checks access (caseEvents, participantsChanged,
 * planChanged): `open` checks access once and refuses at once (NOT_FOUND / FORBIDDEN, thrown);
 * then every event asks again, and losing access ends the subscription with FORBIDDEN
 * (`lostMessage`); the client completing or going away ends it at once (src/events/cancellable.ts).
 */
export function guardedSubscription<Field extends string, Args, Context, Event>(
  field: Field,
  lostMessage: string,
  open: (args: Args, ctx: Context, signal: AbortSignal) => Promise<GuardedStream<Event>>,
) {
  type Payload = Record<Field, Event | AccessLost>;
  const payload = (value: Event | AccessLost) => ({ [field]: value }) as Payload;
  return {
    subscribe: (_parent: unknown, args: Args, ctx: Context) =>
      cancellable<Payload>(async function* (signal) {
        const stream = await open(args, ctx, signal);
        try {
          for await (const event of stream.events) {
            if (!(await stream.stillAllowed())) {
              yield payload({ accessLost: true });
              return;
            }
            if (stream.delivers && !(await stream.delivers(event))) continue;
            yield payload(event);
          }
          if (stream.lost?.()) yield payload({ accessLost: true });
        } finally {
          stream.stop?.();
        }
      }),
    resolve: (value: Payload): Event => {
      const event: Event | AccessLost = value[field];
      if (isAccessLost(event)) throw forbidden(lostMessage);
      return event;
    },
  };
}

function isAccessLost<Event>(value: Event | AccessLost): value is AccessLost {
  return typeof value === 'object' && value !== null && 'accessLost' in value;
}

/** The events of `source` that `keep` says are for this subscription. */
export async function* onlyWhere<Event>(source: AsyncIterable<Event>, keep: (event: Event) => boolean): AsyncGenerator<Event> {
  for await (const event of source) if (keep(event)) yield event;
}

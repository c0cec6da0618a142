import type { EventBus } from '../events/event-bus.js';
import type { Actor } from '../policy/actor.js';

/** How long a token's actor is trusted without asking the database again (its memberships, admin right). */
export const ACTOR_CACHE_TTL_MS = 60_000;
/** Tokens remembered at most; the oldest goes first. */
export const ACTOR_CACHE_MAX_TOKENS = 10_000;

interface Cached {
  actor: Actor;
  /** Real time (ms) after which the entry is asked again: the TTL, or the token's expiry if sooner. */
  until: number;
}

/**
 * The actor a verified token resolved to, per token string: a token seen again within a minute
 * skips the signature check and the two queries that find the person and their memberships.
 * Safe because a token's content cannot change (its signature covers it) and everything the
 * actor holds from the database is dropped on `actorChanged`, which membership and administrator
 * changes publish after they commit (relayed to the other servers, src/cluster/event-relay.ts).
 * Expiry is checked against real time, as the token verifier checks it.
 */
export class ActorCache {
  readonly #byToken = new Map<string, Cached>();
  readonly #tokensOf = new Map<string, Set<string>>();
  readonly #stop: () => void;

  constructor(events: EventBus, private readonly now: () => number = Date.now) {
    this.#stop = events.listen('actorChanged', ({ personId }) => this.forgetPerson(personId));
  }

  get(token: string): Actor | null {
    const cached = this.#byToken.get(token);
    if (!cached) return null;
    if (this.now() >= cached.until) {
      this.#forget(token, cached.actor.personId);
      return null;
    }
    return cached.actor;
  }

  set(token: string, actor: Actor): void {
    const until = Math.min(this.now() + ACTOR_CACHE_TTL_MS, actor.tokenExpiresAt.getTime());
    if (until <= this.now()) return;
    this.#byToken.delete(token);
    this.#byToken.set(token, { actor, until });
    let tokens = this.#tokensOf.get(actor.personId);
    if (!tokens) this.#tokensOf.set(actor.personId, (tokens = new Set()));
    tokens.add(token);
    while (this.#byToken.size > ACTOR_CACHE_MAX_TOKENS) {
      const [oldest, entry] = this.#byToken.entries().next().value as [string, Cached];
      this.#forget(oldest, entry.actor.personId);
    }
  }

  forgetPerson(personId: string): void {
    for (const token of this.#tokensOf.get(personId) ?? []) this.#byToken.delete(token);
    this.#tokensOf.delete(personId);
  }

  get size(): number {
    return this.#byToken.size;
  }

  dispose(): void {
    this.#stop();
    this.#byToken.clear();
    this.#tokensOf.clear();
  }

  #forget(token: string, personId: string): void {
    this.#byToken.delete(token);
    const tokens = this.#tokensOf.get(personId);
    tokens?.delete(token);
    if (tokens?.size === 0) this.#tokensOf.delete(personId);
  }
}

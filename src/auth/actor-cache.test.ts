import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.js';
import type { Actor } from '../policy/actor.js';
import { ACTOR_CACHE_MAX_TOKENS, ACTOR_CACHE_TTL_MS, ActorCache } from './actor-cache.js';

const actor = (personId: string, expiresAt: number): Actor => ({ personId, kind: 'PERSONNEL', isAdmin: false, memberships: [], tokenExpiresAt: new Date(expiresAt) });

describe('ActorCache', () => {
  it('keeps an actor for the TTL, never past the token’s expiry', () => {
    let now = 1_000_000;
    const cache = new ActorCache(new EventBus(), () => now);
    cache.set('long', actor('a', now + 3_600_000));
    cache.set('short', actor('b', now + 10_000));
    now += 9_999;
    expect(cache.get('short')?.personId).toBe('b');
    now += 1;
    expect(cache.get('short')).toBeNull();
    expect(cache.get('long')?.personId).toBe('a');
    now += ACTOR_CACHE_TTL_MS;
    expect(cache.get('long')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not keep an actor whose token has already expired', () => {
    const now = 5_000;
    const cache = new ActorCache(new EventBus(), () => now);
    cache.set('expired', actor('a', now));
    expect(cache.get('expired')).toBeNull();
  });

  it('drops every token of a person on actorChanged, and only theirs', () => {
    const events = new EventBus();
    const cache = new ActorCache(events, () => 0);
    cache.set('a-phone', actor('a', 3_600_000));
    cache.set('a-laptop', actor('a', 3_600_000));
    cache.set('b', actor('b', 3_600_000));
    events.publish('actorChanged', { personId: 'a' });
    expect(cache.get('a-phone')).toBeNull();
    expect(cache.get('a-laptop')).toBeNull();
    expect(cache.get('b')?.personId).toBe('b');
    cache.dispose();
    events.publish('actorChanged', { personId: 'b' });
  });

  it('holds at most its bound, forgetting the oldest first', () => {
    const cache = new ActorCache(new EventBus(), () => 0);
    for (let index = 0; index <= ACTOR_CACHE_MAX_TOKENS; index += 1) cache.set(`token-${index}`, actor(`p${index % 7}`, 3_600_000));
    expect(cache.size).toBe(ACTOR_CACHE_MAX_TOKENS);
    expect(cache.get('token-0')).toBeNull();
    expect(cache.get(`token-${ACTOR_CACHE_MAX_TOKENS}`)).not.toBeNull();
  });
});

import { describe, expect, it, vi } from 'vitest';
import { cancellable } from './cancellable.js';
import { EventBus } from './event-bus.js';

const event = (planId: string) => ({ planId, change: 'ADDED', participantId: 'p', planVersion: 1 }) as never;

describe('EventBus.subscribe', () => {
  it('delivers in order and removes its listener at once when returned, ending a pending next', async () => {
    const bus = new EventBus();
    const events = bus.subscribe('participantsChanged');
    expect(bus.listenerCount('participantsChanged')).toBe(1);
    bus.publish('participantsChanged', event('a'));
    bus.publish('participantsChanged', event('b'));
    expect((await events.next()).value).toMatchObject({ planId: 'a' });
    expect((await events.next()).value).toMatchObject({ planId: 'b' });
    const pending = events.next();
    await events.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
  });

  it('ends when its signal aborts, and never listens when it was aborted already', async () => {
    const bus = new EventBus();
    const controller = new AbortController();
    const events = bus.subscribe('caseEvent', controller.signal);
    const pending = events.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
    bus.subscribe('caseEvent', controller.signal);
    expect(bus.listenerCount()).toBe(0);
  });
});

describe('cancellable', () => {
  it('returns a loop waiting inside for-await on a quiet topic, running its finally', async () => {
    const bus = new EventBus();
    let cleanedUp = false;
    const loop = cancellable(async function* (signal) {
      try {
        for await (const each of bus.subscribe('planEnded', signal)) yield each;
      } finally {
        cleanedUp = true;
      }
    });
    const pending = loop.next();
    // The loop is inside for-await once it listens.
    await vi.waitFor(() => expect(bus.listenerCount('planEnded')).toBe(1));
    await loop.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(cleanedUp).toBe(true);
    expect(bus.listenerCount()).toBe(0);
  });
});

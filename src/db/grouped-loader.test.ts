import { describe, expect, it } from 'vitest';
import { groupedLoader, MAX_IN_FLIGHT } from './grouped-loader.js';

/** A batch function whose every call waits until the test lets it return; records each call's keys. */
function heldBatches() {
  const calls: number[][] = [];
  const releases: Array<() => void> = [];
  const load = async (keys: readonly number[]) => {
    calls.push([...keys]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return keys.map((key) => key * 10);
  };
  return { calls, load, release: () => releases.shift()!() };
}

describe('groupedLoader', () => {
  it('sends loads at once while few batches are in flight, and groups what arrives meanwhile into the next', async () => {
    const held = heldBatches();
    const loader = groupedLoader(held.load);
    // Each in a turn of its own: each its own batch, up to the limit.
    const early: Array<Promise<number>> = [];
    for (let key = 1; key <= MAX_IN_FLIGHT; key += 1) {
      early.push(loader.load(key));
      await expect.poll(() => held.calls.length).toBe(key);
    }
    // The limit reached: these wait, across ticks and turns, and go together when a batch returns.
    const waiting = [loader.load(101)];
    await new Promise((resolve) => setImmediate(resolve));
    waiting.push(loader.load(102));
    await new Promise((resolve) => setTimeout(resolve, 0));
    waiting.push(loader.load(103));
    // The barrier: a call for them now would already have been made (a tick-scheduled loader makes one per tick).
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.calls).toHaveLength(MAX_IN_FLIGHT);
    held.release();
    expect(await early[0]).toBe(10);
    await expect.poll(() => held.calls.length).toBe(MAX_IN_FLIGHT + 1);
    expect(held.calls.at(-1)).toEqual([101, 102, 103]);
    for (let index = 0; index < MAX_IN_FLIGHT; index += 1) held.release();
    expect(await Promise.all([...early, ...waiting])).toEqual([...Array.from({ length: MAX_IN_FLIGHT }, (_, index) => (index + 1) * 10), 1010, 1020, 1030]);
    // Idle again: the next load goes at once, alone.
    const later = loader.load(5);
    await expect.poll(() => held.calls.length).toBe(MAX_IN_FLIGHT + 2);
    held.release();
    expect(await later).toBe(50);
    expect(held.calls.at(-1)).toEqual([5]);
  });

  it('gives the error of a failed batch to its own callers only, and goes on with the next', async () => {
    let fail = true;
    const loader = groupedLoader(async (keys: readonly string[]) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      return keys.map((key) => key.toUpperCase());
    });
    const failed = loader.load('a');
    const after = loader.load('b'); // same tick: same batch
    await expect(failed).rejects.toThrow('database down');
    await expect(after).rejects.toThrow('database down');
    expect(await loader.load('c')).toBe('C');
  });

  it('never caches: the same key asked again is loaded again', async () => {
    let calls = 0;
    const loader = groupedLoader(async (keys: readonly string[]) => {
      calls += 1;
      return keys.map(() => calls);
    });
    expect(await loader.load('x')).toBe(1);
    expect(await loader.load('x')).toBe(2);
  });
});

import DataLoader from 'dataloader';

/** One statement's worth of keys (array parameters): more waiting are split into batches of this. */
const MAX_BATCH = 500;
/** Batches of one loader in the database at once, below the hot reads' pool of five. */
export const MAX_IN_FLIGHT = 4;

/**
 * A DataLoader that batches as a group commit does: a load goes at once (at the end of the tick,
 * as DataLoader's own batching) while fewer than {@link MAX_IN_FLIGHT} of its batches are in the
 * database, and loads that arrive while that many are wait and go together when one returns. A
 * lone sign-in costs no extra wait; a join storm's 200 sign-ins, whose token checks finish in
 * separate callbacks (each its own tick, so a tick-scheduled loader would make a batch of one of
 * every one), are a few dozen statements, not 200. (With one batch in flight, each step of every
 * sign-in waited for the batch ahead of it, and the storm was slower: bench/README.md.)
 * Caches nothing: every load reads the database as it is now.
 */
export function groupedLoader<K, V>(load: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V> {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const next = () => {
    const run = waiting.shift();
    if (run) run();
  };
  return new DataLoader<K, V>(
    async (keys) => {
      inFlight += 1;
      try {
        return await load(keys);
      } finally {
        inFlight -= 1;
        next();
      }
    },
    {
      cache: false,
      maxBatchSize: MAX_BATCH,
      // DataLoader's own schedule (after the tick's promise jobs) while there is room; else when a batch returns.
      batchScheduleFn: (run) => {
        if (inFlight < MAX_IN_FLIGHT && waiting.length === 0) void Promise.resolve().then(() => process.nextTick(run));
        else waiting.push(run);
      },
    },
  );
}

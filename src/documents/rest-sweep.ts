/** A document that can let go of its `Y.Doc` once quiet (src/documents/live-document.ts). */
export interface Restable {
  /** Rests if it has been quiet long enough by `now` (a `performance.now()` time) and nothing is in flight; true when it rested or was closed. */
  restIfQuiet(now: number): boolean;
}

/** How often the awake documents are looked at: a document rests within a second of its quiet period. */
const SWEEP_INTERVAL_MS = 1_000;

/** Documents holding a `Y.Doc`, looked at by one timer for all; no timer runs while none are awake. */
const awake = new Set<Restable>();
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const now = performance.now();
  for (const document of awake) if (document.restIfQuiet(now)) awake.delete(document);
  if (awake.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/** `document` holds its `Y.Doc` now: look at it until it rests. */
export function watchUntilRest(document: Restable): void {
  awake.add(document);
  sweeper ??= setInterval(sweep, SWEEP_INTERVAL_MS).unref();
}

/** `document` rested or closed: nothing to look at. */
export function stopWatching(document: Restable): void {
  awake.delete(document);
}

import * as Y from 'yjs';

/** Distinct state vectors remembered at once: joiners mostly send one of a few (empty, or a recent state). */
const MAX_ANSWERS = 8;
/** How long answers are kept once nobody asks for one: a join storm asks within seconds, and an idle plan holds none. */
const KEEP_MS = 10_000;
const SWEEP_INTERVAL_MS = 5_000;

/** The documents' answers held now, swept by one timer for all; no timer runs while none are held. */
const holding = new Set<SyncAnswers>();
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const cutoff = performance.now() - KEEP_MS;
  for (const answers of holding) answers.forgetIfIdleSince(cutoff);
  if (holding.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/**
 * The sync answers of one document (what a client with a given state vector is missing), each
 * computed once per distinct state vector while the document stays as it is. When 200 people open
 * a 5 MB plan at once, they all send the same (empty) state vector: one encoding serves them all,
 * instead of 200 copies of the whole state built one after another. Every change to the document
 * drops what was remembered, so an answer never misses a change made after it was computed.
 */
export class SyncAnswers {
  readonly #answers = new Map<string, Uint8Array>();
  readonly #onUpdate = () => this.#forget();
  /** When an answer was last asked for (`performance.now()`). */
  #lastAsked = 0;
  /** How many answers were encoded (not served from memory): for tests and metrics. */
  encoded = 0;

  constructor(private readonly doc: Y.Doc) {
    doc.on('update', this.#onUpdate);
  }

  /** What a client whose state vector is `stateVector` is missing; the same array for the same vector until the document changes. */
  missingFor(stateVector: Uint8Array): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString('latin1');
    this.#lastAsked = performance.now();
    const known = this.#answers.get(key);
    if (known) return known;
    const answer = Y.encodeStateAsUpdate(this.doc, stateVector);
    this.encoded += 1;
    if (this.#answers.size >= MAX_ANSWERS) this.#answers.delete(this.#answers.keys().next().value!);
    this.#answers.set(key, answer);
    holding.add(this);
    sweeper ??= setInterval(sweep, SWEEP_INTERVAL_MS).unref();
    return answer;
  }

  /**
   * Forgets every answer when none was asked for since `cutoff` (a `performance.now()` time): a
   * loaded plan nobody is joining holds no copy of its whole state (and none of its framing).
   */
  forgetIfIdleSince(cutoff: number): void {
    if (this.#lastAsked < cutoff) this.#forget();
  }

  dispose(): void {
    this.doc.off('update', this.#onUpdate);
    this.#forget();
  }

  #forget(): void {
    this.#answers.clear();
    holding.delete(this);
  }
}

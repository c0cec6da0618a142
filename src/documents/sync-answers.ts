import * as Y from 'yjs';
import { NO_DOCUMENT_OBSERVER, type DocumentObserver } from './document-metrics.js';

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

/** The state vector of a client that has nothing yet (`Y.encodeStateVector` of an empty document). */
export const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** Yjs's own test of whether a transaction has an update to report (`writeUpdateMessageFromTransaction`). */
function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true;
  return false;
}

const keyOf = (stateVector: Uint8Array) => Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString('latin1');

/**
 * The sync answers of one document (what a client with a given state vector is missing), each
 * computed once per distinct state vector while the document stays as it is. When 200 people open
 * a 5 MB plan at once, they all send the same (empty) state vector: one encoding serves them all,
 * instead of 200 copies of the whole state built one after another. Every transaction that changes
 * the document drops what was remembered, so an answer never misses a change made after it was
 * computed.
 *
 * It listens to `afterTransaction`, not `update`: Yjs encodes each transaction's update for
 * `update` listeners, and this one only needs to know that something changed (the load of a 5 MB
 * plan was encoded once more for nothing, on the way to a join storm's first byte). A transaction
 * that changed nothing (a joiner's own sync answer, with nothing the server lacks) keeps them.
 */
export class SyncAnswers {
  /** Made at the first answer and dropped with the last: most loaded plans hold none at rest. */
  #answers: Map<string, Uint8Array> | null = null;
  readonly #onTransaction = (transaction: Y.Transaction) => {
    if (changedAnything(transaction)) this.#forget();
  };
  /** When an answer was last asked for (`performance.now()`). */
  #lastAsked = 0;
  /** How many answers were encoded (not served from memory): for tests and metrics. */
  encoded = 0;

  constructor(
    private readonly doc: Y.Doc,
    private readonly observer: Pick<DocumentObserver, 'syncAnswered'> = NO_DOCUMENT_OBSERVER,
  ) {
    doc.on('afterTransaction', this.#onTransaction);
  }

  /** What a client whose state vector is `stateVector` is missing; the same array for the same vector until the document changes. */
  missingFor(stateVector: Uint8Array): Uint8Array {
    this.#lastAsked = performance.now();
    const known = this.#answers?.get(keyOf(stateVector));
    if (known) {
      this.observer.syncAnswered('remembered');
      return known;
    }
    const answer = Y.encodeStateAsUpdate(this.doc, stateVector);
    this.encoded += 1;
    this.observer.syncAnswered('encoded');
    this.remember(stateVector, answer);
    return answer;
  }

  /**
   * Takes `answer` as what a client whose state vector is `stateVector` is missing, for a caller
   * that holds it already (the committed snapshot a document was loaded from alone, for a joiner
   * who has nothing). Kept as any computed answer is: until the next transaction, or idleness.
   */
  remember(stateVector: Uint8Array, answer: Uint8Array): void {
    const answers = (this.#answers ??= new Map());
    if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
    answers.set(keyOf(stateVector), answer);
    this.#lastAsked = performance.now();
    holding.add(this);
    sweeper ??= setInterval(sweep, SWEEP_INTERVAL_MS).unref();
  }

  /**
   * Forgets every answer when none was asked for since `cutoff` (a `performance.now()` time): a
   * loaded plan nobody is joining holds no copy of its whole state (and none of its framing).
   */
  forgetIfIdleSince(cutoff: number): void {
    if (this.#lastAsked < cutoff) this.#forget();
  }

  dispose(): void {
    this.doc.off('afterTransaction', this.#onTransaction);
    this.#forget();
  }

  #forget(): void {
    this.#answers = null;
    holding.delete(this);
  }
}

import * as Y from 'yjs';

/** Distinct state vectors remembered at once: joiners mostly send one of a few (empty, or a recent state). */
const MAX_ANSWERS = 8;

/**
 * The sync answers of one document (what a client with a given state vector is missing), each
 * computed once per distinct state vector while the document stays as it is. When 200 people open
 * a 5 MB plan at once, they all send the same (empty) state vector: one encoding serves them all,
 * instead of 200 copies of the whole state built one after another. Every change to the document
 * drops what was remembered, so an answer never misses a change made after it was computed.
 */
export class SyncAnswers {
  readonly #answers = new Map<string, Uint8Array>();
  readonly #onUpdate = () => this.#answers.clear();
  /** How many answers were encoded (not served from memory): for tests and metrics. */
  encoded = 0;

  constructor(private readonly doc: Y.Doc) {
    doc.on('update', this.#onUpdate);
  }

  /** What a client whose state vector is `stateVector` is missing; the same array for the same vector until the document changes. */
  missingFor(stateVector: Uint8Array): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString('latin1');
    const known = this.#answers.get(key);
    if (known) return known;
    const answer = Y.encodeStateAsUpdate(this.doc, stateVector);
    this.encoded += 1;
    if (this.#answers.size >= MAX_ANSWERS) this.#answers.delete(this.#answers.keys().next().value!);
    this.#answers.set(key, answer);
    return answer;
  }

  dispose(): void {
    this.doc.off('update', this.#onUpdate);
    this.#answers.clear();
  }
}

/**
 * Why the core refused a change; a closed set, so a metric labelled by it stays small.
 * - `forbidden`: the policy refuses a section or entry the change touches
 * - `invalid`: the inspector refuses its shape or size (src/documents/update-inspector.ts)
 * - `wrong_document`: a section that lives in the plan's other document
 * - `document_full`: the stored document would grow past `DOC_MAX_BYTES`
 * - `incomplete`: it refers to changes the document does not have (Yjs left it pending)
 */
export type UpdateRefusalReason = 'forbidden' | 'invalid' | 'wrong_document' | 'document_full' | 'incomplete';

/** Where a change came from: a live connection, or the server on someone's behalf (GraphQL, a section move). */
export type UpdateDoor = 'live' | 'server';

/**
 * What the document core reports as it works, handed in by the app (src/metrics/): the core
 * knows nothing of how it is counted or exported. Every method is called on a hot path and must
 * return at once.
 */
export interface DocumentObserver {
  updateAccepted(door: UpdateDoor): void;
  updateRefused(reason: UpdateRefusalReason, door: UpdateDoor): void;
  /** One document's batch committed: seconds from the batch leaving memory to its commit returning, and its size. */
  batchCommitted(seconds: number, entries: number): void;
  /** One group-commit statement (src/documents/log-writer.ts): its duration, documents and entries; `ok` false when it failed. */
  groupCommitted(seconds: number, documents: number, entries: number, ok: boolean): void;
  /**
   * A joining client's sync answer (what its state vector is missing): `encoded` when it had to
   * be encoded from the document, `remembered` when an earlier joiner's (or the stored snapshot
   * the document was loaded from) served it (src/documents/sync-answers.ts).
   */
  syncAnswered(how: SyncAnswerSource): void;
  /** A resting document built its `Y.Doc` again to be changed or read (src/documents/live-document.ts). */
  documentWoke(): void;
}

export type SyncAnswerSource = 'encoded' | 'remembered';

/** Reports nothing: the default, for tools and tests that build the core without metrics. */
export const NO_DOCUMENT_OBSERVER: DocumentObserver = {
  updateAccepted: () => undefined,
  updateRefused: () => undefined,
  batchCommitted: () => undefined,
  groupCommitted: () => undefined,
  syncAnswered: () => undefined,
  documentWoke: () => undefined,
};

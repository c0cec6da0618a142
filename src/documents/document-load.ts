import * as Y from 'yjs';

/** Where a stored part of a document comes from: the plan's snapshot or a row of its update log. */
export type StoredSource = 'SNAPSHOT' | 'LOG';

/** One stored part of a plan's document, in the order it is applied. */
export interface StoredPart {
  source: StoredSource;
  /** The log row's sequence, or the sequence the snapshot covers. */
  seq: number;
  update: Uint8Array;
  /** Who committed a log row; null for a snapshot. */
  authorId: string | null;
}

/** What a load could not integrate, set aside for an operator (the `plan_document_quarantine` table). */
export interface QuarantinedPart {
  source: StoredSource;
  seq: number;
  authorId: string | null;
  reason: string;
  /** A Yjs update (format v1) holding exactly what was set aside; `Y.decodeUpdate` reads it. */
  update: Uint8Array;
}

const LOAD_ORIGIN = Symbol('samplan.load');

/**
 * Applies stored parts to `doc` in log order and keeps everything Yjs integrates. A part that
 * leaves pending structs or deletions (it depends on changes the document does not have) keeps
 * what did integrate; the pending rest is taken out of the document and returned, so memory holds
 * only a complete document and one bad part never costs the plan. Each part is checked on its own,
 * so a later part never completes an earlier one's leftovers: in a sound log every row integrates
 * fully in order, and whatever does not is set aside with the sequence that brought it.
 */
export function loadStoredParts(doc: Y.Doc, parts: readonly StoredPart[]): QuarantinedPart[] {
  const quarantined: QuarantinedPart[] = [];
  Y.transact(doc, () => {
    for (const part of parts) {
      const set = (reason: string, update: Uint8Array) => quarantined.push({ source: part.source, seq: part.seq, authorId: part.authorId, reason, update });
      try {
        Y.applyUpdate(doc, part.update, LOAD_ORIGIN);
      } catch (error) {
        // Unreadable bytes: whatever integrated before the failure stays; the whole part is kept for the operator.
        takePending(doc);
        set(`unreadable update: ${error instanceof Error ? error.message : String(error)}`, part.update);
        continue;
      }
      const pending = takePending(doc);
      if (pending) set(pending.reason, pending.update);
    }
  }, LOAD_ORIGIN);
  return quarantined;
}

/** Removes what Yjs is holding back (pending structs and deletions) from `doc`, as one v1 update. */
function takePending(doc: Y.Doc): { reason: string; update: Uint8Array } | null {
  const { pendingStructs, pendingDs } = doc.store;
  if (!pendingStructs && !pendingDs) return null;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  const reasons: string[] = [];
  const parts: Uint8Array[] = [];
  if (pendingStructs) {
    reasons.push(`changes that depend on changes the document does not have (client ${[...pendingStructs.missing.keys()].join(', client ')})`);
    parts.push(pendingStructs.update);
  }
  if (pendingDs) {
    reasons.push('deletions of items the document does not have');
    parts.push(pendingDs);
  }
  // Yjs keeps both in format v2; storage everywhere else holds v1.
  const merged = parts.length === 1 ? parts[0]! : Y.mergeUpdatesV2(parts);
  return { reason: reasons.join('; '), update: Y.convertUpdateFormatV2ToV1(merged) };
}

import * as Y from 'yjs';

/**
 * Yjs could not integrate all of an update: it threw halfway, or it holds structs or deletions
 * back as pending. The document in memory now holds a part of it, which must never be stored.
 */
export class IncompleteIntegration extends Error {
  constructor(reason: string) {
    super(`update did not integrate completely: ${reason}`);
    this.name = 'IncompleteIntegration';
  }
}

/**
 * Applies `update` to `doc` under `origin` and returns what Yjs actually integrated (null for
 * nothing new): that, not the incoming bytes, is what is stored and relayed. Throws
 * IncompleteIntegration when the document is left with pending structs or deletions, or when Yjs
 * throws while integrating; the caller then discards this copy of the document.
 */
export function integrateUpdate(doc: Y.Doc, update: Uint8Array, origin: symbol): Uint8Array | null {
  const integrated: Uint8Array[] = [];
  const capture = (change: Uint8Array, changeOrigin: unknown) => {
    if (changeOrigin === origin) integrated.push(change);
  };
  doc.on('update', capture);
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (error) {
    throw new IncompleteIntegration(error instanceof Error ? error.message : String(error));
  } finally {
    doc.off('update', capture);
  }
  if (doc.store.pendingStructs || doc.store.pendingDs) {
    throw new IncompleteIntegration(doc.store.pendingStructs ? 'it depends on changes the document does not have' : 'it deletes items the document does not have');
  }
  if (integrated.length === 0) return null;
  return integrated.length === 1 ? integrated[0]! : Y.mergeUpdates(integrated);
}

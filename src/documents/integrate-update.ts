import * as Y from 'yjs';

/**
 * Applies `update` to `doc` under `origin` and returns what Yjs actually integrated (null for
 * nothing new): that, not the incoming bytes, is what is stored and relayed.
 */
export function integrateUpdate(doc: Y.Doc, update: Uint8Array, origin: symbol): Uint8Array | null {
  const integrated: Uint8Array[] = [];
  const capture = (change: Uint8Array, changeOrigin: unknown) => {
    if (changeOrigin === origin) integrated.push(change);
  };
  doc.on('update', capture);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off('update', capture);
  }
  if (doc.store.pendingStructs || doc.store.pendingDs) {
    // The inspector (or the log's order) should make this impossible; if not, memory no longer matches what can be stored.
    throw new Error('an accepted or logged update left pending structs');
  }
  if (integrated.length === 0) return null;
  return integrated.length === 1 ? integrated[0]! : Y.mergeUpdates(integrated);
}

import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/**
 * The canonical shape of an update, as Yjs's own reader sees it. `Y.decodeUpdate` reads every
 * struct group in turn, but `Y.applyUpdate` (readClientsStructRefs) keys the groups by client, so
 * a second group for a client replaces the first: the inspector would judge structs Yjs never
 * integrates and miss the gap they leave. An update is canonical when each client has exactly one
 * group, its structs continue one another with no Skip, and the group starts at or before where the
 * document's state for that client ends. Anything else no honest Yjs encoder writes; it is refused.
 */
export function nonCanonicalReason(doc: Y.Doc, update: Uint8Array, structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>): string | null {
  // Format v1 starts with the number of struct groups, read exactly as readClientsStructRefs reads it.
  const groups = decoding.readVarUint(decoding.createDecoder(update));
  const seen = new Set<number>();
  let runs = 0;
  let previous: Y.Item | Y.GC | Y.Skip | null = null;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) return 'update has gaps';
    const client = struct.id.client;
    if (previous === null || previous.id.client !== client) {
      // A new run of structs: a client seen before appears in a second group.
      if (seen.has(client)) return 'update names a client in more than one part';
      seen.add(client);
      runs += 1;
      if (struct.id.clock > Y.getState(doc.store, client)) return 'update refers to changes the document does not have';
    } else if (struct.id.clock !== previous.id.clock + previous.length) {
      return 'update has gaps';
    }
    previous = struct;
  }
  // Two adjacent groups for one client (or an empty group) read as one run here but as one group in Yjs.
  if (runs !== groups) return 'update names a client in more than one part';
  return null;
}

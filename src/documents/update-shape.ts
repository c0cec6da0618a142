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
  if (!integratesInOrder(doc, structs as ReadonlyArray<Y.Item | Y.GC>)) return 'update refers to changes the document does not have';
  return null;
}

/**
 * Plays Yjs's integration order (integrateStructs): each client's structs go in clock order, and a
 * struct waits until every struct it names (origin, right origin, parent) of another client is in.
 * Parts of one update that wait on each other in a circle are held back as pending by Yjs, so the
 * update would never integrate whole. Linear in the number of structs.
 */
function integratesInOrder(doc: Y.Doc, structs: ReadonlyArray<Y.Item | Y.GC>): boolean {
  // The usual update names only what the document already has (or its own client's earlier structs).
  const known = (id: Y.ID | null, own: number) => id === null || id.client === own || id.clock < Y.getState(doc.store, id.client);
  const namesOnlyKnown = structs.every(
    (struct) =>
      !(struct instanceof Y.Item) ||
      (known(struct.origin, struct.id.client) && known(struct.rightOrigin, struct.id.client) && (!(struct.parent instanceof Y.ID) || known(struct.parent, struct.id.client))),
  );
  if (namesOnlyKnown) return true;
  const queues = new Map<number, Array<Y.Item | Y.GC>>();
  const state = new Map<number, number>();
  for (const struct of structs) {
    const queue = queues.get(struct.id.client) ?? [];
    queue.push(struct);
    queues.set(struct.id.client, queue);
    if (!state.has(struct.id.client)) state.set(struct.id.client, Y.getState(doc.store, struct.id.client));
  }
  const have = (id: Y.ID | null, own: number) =>
    id === null || id.client === own || id.clock < (state.get(id.client) ?? Y.getState(doc.store, id.client));
  const ready = (struct: Y.Item | Y.GC) =>
    !(struct instanceof Y.Item) ||
    (have(struct.origin, struct.id.client) && have(struct.rightOrigin, struct.id.client) && (!(struct.parent instanceof Y.ID) || have(struct.parent, struct.id.client)));
  const next = new Map<number, number>([...queues.keys()].map((client) => [client, 0]));
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const [client, queue] of queues) {
      let index = next.get(client)!;
      while (index < queue.length && ready(queue[index]!)) {
        const struct = queue[index]!;
        state.set(client, Math.max(state.get(client)!, struct.id.clock + struct.length));
        index += 1;
        progressed = true;
      }
      next.set(client, index);
    }
  }
  return [...queues].every(([client, queue]) => next.get(client) === queue.length);
}

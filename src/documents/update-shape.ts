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
  // Clients of the runs before this one; an update of one run (most are) needs no set.
  let seen: Set<number> | null = null;
  let runs = 0;
  let previous: Y.Item | Y.GC | Y.Skip | null = null;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) return 'update has gaps';
    const client = struct.id.client;
    if (previous === null || previous.id.client !== client) {
      // A new run of structs: a client seen before appears in a second group.
      if (previous !== null) {
        seen ??= new Set([previous.id.client]);
        if (seen.has(client)) return 'update names a client in more than one part';
        seen.add(client);
      }
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
 * update would never integrate whole. O(n log n) in the number of structs, whatever their order.
 */
function integratesInOrder(doc: Y.Doc, structs: ReadonlyArray<Y.Item | Y.GC>): boolean {
  // The usual update names only what the document already has (or its own client's earlier structs).
  if (namesOnlyKnown(doc, structs)) return true;
  const queues = new Map<number, Array<Y.Item | Y.GC>>();
  const state = new Map<number, number>();
  for (const struct of structs) {
    const queue = queues.get(struct.id.client) ?? [];
    queue.push(struct);
    queues.set(struct.id.client, queue);
    if (!state.has(struct.id.client)) state.set(struct.id.client, Y.getState(doc.store, struct.id.client));
  }
  const stateOf = (client: number) => state.get(client) ?? Y.getState(doc.store, client);
  /** The first struct `struct` names (of another client) that is not in yet, or null. */
  const firstMissing = (struct: Y.Item | Y.GC): Y.ID | null => {
    if (!(struct instanceof Y.Item)) return null;
    for (const id of [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]) {
      if (id !== null && id.client !== struct.id.client && id.clock >= stateOf(id.client)) return id;
    }
    return null;
  };
  // A client whose next struct waits is woken only once the client it waits on has passed the
  // clock it needs: every struct goes in once and waits at most three times (origin, right
  // origin, parent), so a chain of clients that each wait on the next costs O(n log n), not O(n²).
  const next = new Map<number, number>([...queues.keys()].map((client) => [client, 0]));
  const waiting = new Map<number, WaitHeap>();
  const work = [...queues.keys()];
  while (work.length > 0) {
    const client = work.pop()!;
    const queue = queues.get(client)!;
    let index = next.get(client)!;
    const before = index;
    while (index < queue.length) {
      const struct = queue[index]!;
      const missing = firstMissing(struct);
      if (missing) {
        const heap = waiting.get(missing.client) ?? new WaitHeap();
        waiting.set(missing.client, heap);
        heap.push(missing.clock, client);
        break;
      }
      state.set(client, Math.max(state.get(client)!, struct.id.clock + struct.length));
      index += 1;
    }
    next.set(client, index);
    if (index === before) continue;
    const heap = waiting.get(client);
    while (heap && heap.size > 0 && heap.peekClock() < state.get(client)!) work.push(heap.pop());
  }
  return [...queues].every(([client, queue]) => next.get(client) === queue.length);
}

/** Whether every struct names only what the document already has, or its own client's earlier structs. */
function namesOnlyKnown(doc: Y.Doc, structs: ReadonlyArray<Y.Item | Y.GC>): boolean {
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const own = struct.id.client;
    if (!isKnown(doc, struct.origin, own) || !isKnown(doc, struct.rightOrigin, own)) return false;
    if (struct.parent instanceof Y.ID && !isKnown(doc, struct.parent, own)) return false;
  }
  return true;
}

function isKnown(doc: Y.Doc, id: Y.ID | null, own: number): boolean {
  return id === null || id.client === own || id.clock < Y.getState(doc.store, id.client);
}

/** Clients waiting on one client, by the clock they need it to pass; smallest first. */
class WaitHeap {
  readonly #clocks: number[] = [];
  readonly #clients: number[] = [];

  get size(): number {
    return this.#clocks.length;
  }

  peekClock(): number {
    return this.#clocks[0]!;
  }

  push(clock: number, client: number): void {
    let index = this.#clocks.length;
    this.#clocks.push(clock);
    this.#clients.push(client);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#clocks[parent]! <= clock) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  /** Removes the entry with the smallest clock and returns its client. */
  pop(): number {
    const client = this.#clients[0]!;
    const lastClock = this.#clocks.pop()!;
    const lastClient = this.#clients.pop()!;
    if (this.#clocks.length === 0) return client;
    this.#clocks[0] = lastClock;
    this.#clients[0] = lastClient;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.#clocks.length && this.#clocks[left]! < this.#clocks[smallest]!) smallest = left;
      if (right < this.#clocks.length && this.#clocks[right]! < this.#clocks[smallest]!) smallest = right;
      if (smallest === index) return client;
      this.#swap(index, smallest);
      index = smallest;
    }
  }

  #swap(a: number, b: number): void {
    [this.#clocks[a], this.#clocks[b]] = [this.#clocks[b]!, this.#clocks[a]!];
    [this.#clients[a], this.#clients[b]] = [this.#clients[b]!, this.#clients[a]!];
  }
}

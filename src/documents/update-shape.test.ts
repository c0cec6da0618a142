import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { nonCanonicalReason } from './update-shape.js';

/** One item per client, each inserted after the previous client's: Yjs writes them newest client first. */
function chainOfClients(count: number): Uint8Array {
  const doc = new Y.Doc();
  const list = doc.getArray<number>('goals');
  for (let client = 1; client <= count; client += 1) {
    doc.clientID = client;
    list.push([client]);
  }
  return Y.encodeStateAsUpdate(doc);
}

const readingOf = (doc: Y.Doc, update: Uint8Array) => nonCanonicalReason(doc, update, Y.decodeUpdate(update).structs as Array<Y.Item | Y.GC | Y.Skip>);

describe('the integration-order reading', () => {
  it('takes a long chain of clients that each wait on the one written after them, as Yjs does', () => {
    // The order an attacker would choose: each group in the update waits on the next one. Read one
    // struct per pass this cost n² steps (a 1 MiB update holds some 60,000 such clients); waking
    // only the waiting client is n log n. (Building the chain with Yjs is itself slow, hence 3,000.)
    const update = chainOfClients(3_000);
    const doc = new Y.Doc();
    expect(readingOf(doc, update)).toBeNull();
    Y.applyUpdate(doc, update);
    expect(doc.store.pendingStructs).toBeNull();
    expect(doc.getArray('goals').length).toBe(3_000);
  });

  it('refuses the same chain with one link missing, which Yjs would leave pending', () => {
    const full = new Y.Doc();
    Y.applyUpdate(full, chainOfClients(50));
    // Everything but client 10's item: clients 11 and on wait for it for ever.
    const withoutTen = Y.encodeStateAsUpdate(full, Y.encodeStateVector(new Map([[10, 1]]) as unknown as Y.Doc));
    const doc = new Y.Doc();
    const partial = Y.mergeUpdates([withoutTen]);
    const reason = readingOf(doc, partial);
    const applied = new Y.Doc();
    Y.applyUpdate(applied, partial);
    expect(applied.store.pendingStructs).not.toBeNull();
    expect(reason).not.toBeNull();
  });
});

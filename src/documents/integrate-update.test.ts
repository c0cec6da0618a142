import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defineSections } from './document.template.js';
import { IncompleteIntegration, integrateUpdate } from './integrate-update.js';

const ORIGIN = Symbol('test');

function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  defineSections(doc);
  return doc;
}

/** An update made by a client that has already written `skipped` changes the server never saw. */
function updateAfterUnseenChanges(): Uint8Array {
  const client = new Y.Doc();
  defineSections(client);
  client.getArray('goals').push(['unseen']);
  const seen = Y.encodeStateVector(client);
  client.getArray('goals').push(['depends on the unseen one']);
  return Y.encodeStateAsUpdate(client, seen);
}

describe('integrateUpdate', () => {
  it('returns what Yjs integrated, and null when nothing is new', () => {
    const doc = serverDoc();
    const client = new Y.Doc();
    client.getArray('goals').push(['walk']);
    const update = Y.encodeStateAsUpdate(client);
    const integrated = integrateUpdate(doc, update, ORIGIN);
    expect(integrated).not.toBeNull();
    expect(doc.getArray('goals').toJSON()).toEqual(['walk']);
    expect(integrateUpdate(doc, update, ORIGIN)).toBeNull();
  });

  it('throws IncompleteIntegration when an update leaves pending structs, so the caller drops the copy', () => {
    const doc = serverDoc();
    expect(() => integrateUpdate(doc, updateAfterUnseenChanges(), ORIGIN)).toThrow(IncompleteIntegration);
    expect(doc.store.pendingStructs).not.toBeNull();
  });

  it('throws IncompleteIntegration when an update deletes what the document does not have', () => {
    const doc = serverDoc();
    const client = new Y.Doc();
    client.getArray('goals').push(['a', 'b']);
    const before = Y.encodeStateVector(client);
    client.getArray('goals').delete(0, 1);
    const deletionOnly = Y.encodeStateAsUpdate(client, before);
    expect(() => integrateUpdate(doc, deletionOnly, ORIGIN)).toThrow(IncompleteIntegration);
    expect(doc.store.pendingDs).not.toBeNull();
  });
});

import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocumentPeer } from './document-peer.js';
import { PRESENCE_LIMITS, Presence } from './presence.js';

/** A connection as the document core sees it; presence only reads who it is. */
function peer(index: number): DocumentPeer {
  return {
    actor: { personId: `person-${index}`, kind: 'CITIZEN', isAdmin: false, memberships: [], tokenExpiresAt: new Date(8.64e15) },
    presence: { personId: `person-${index}`, name: `Person ${index}`, role: 'RELATIVE' },
    sendUpdate: () => undefined,
    sendAwareness: () => undefined,
    close: () => undefined,
  };
}

/** An awareness update as a y-protocols client sends it. */
function entries(list: Array<{ clientId: number; clock: number; state: Record<string, unknown> | null }>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, list.length);
  for (const { clientId, clock, state } of list) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

/** What a client learns from the messages it was sent, in order. */
function heardBy(updates: Uint8Array[]): Map<number, unknown> {
  const client = new awarenessProtocol.Awareness(new Y.Doc());
  client.setLocalState(null);
  for (const update of updates) awarenessProtocol.applyAwarenessUpdate(client, update, 'server');
  clearInterval(client._checkInterval);
  return new Map([...client.getStates()].filter(([clientId]) => clientId !== client.clientID));
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('presence', () => {
  it("sends a turn's changes as one message, to this server's connections and to the other servers", async () => {
    const broadcast: Uint8Array[] = [];
    const forward: Uint8Array[] = [];
    const presence = new Presence((update) => broadcast.push(update), (update) => forward.push(update));
    const peers = Array.from({ length: 50 }, (_, index) => peer(index));
    peers.forEach((each, index) => expect(presence.apply(each, entries([{ clientId: 1_000 + index, clock: 1, state: { cursor: index } }]))).toBeNull());
    // Within the turn, nothing yet; a joiner already reads everyone.
    expect(broadcast).toHaveLength(0);
    expect(heardBy([presence.current()!]).size).toBe(50);
    await turn();
    expect(broadcast).toHaveLength(1);
    expect(forward).toHaveLength(1);
    const heard = heardBy(broadcast);
    expect(heard.size).toBe(50);
    expect(heard.get(1_007)).toEqual({ cursor: 7, user: peers[7]!.presence });
    presence.destroy();
  });

  it('sends what the state is at the end of the turn: set and cleared within it, it goes out cleared', async () => {
    const broadcast: Uint8Array[] = [];
    const presence = new Presence((update) => broadcast.push(update));
    const staying = peer(1);
    const leaving = peer(2);
    presence.apply(staying, entries([{ clientId: 11, clock: 1, state: { cursor: 1 } }]));
    presence.apply(leaving, entries([{ clientId: 22, clock: 1, state: { cursor: 2 } }]));
    await turn();
    presence.apply(staying, entries([{ clientId: 11, clock: 2, state: { cursor: 5 } }]));
    presence.remove(leaving);
    await turn();
    expect(broadcast).toHaveLength(2);
    const heard = heardBy(broadcast);
    expect([...heard.keys()]).toEqual([11]);
    expect(heard.get(11)).toMatchObject({ cursor: 5 });
    presence.destroy();
  });

  it("forwards only its own connections' changes: another server's are sent to this server's connections only", async () => {
    const broadcast: Uint8Array[] = [];
    const forward: Uint8Array[] = [];
    const presence = new Presence((update) => broadcast.push(update), (update) => forward.push(update));
    presence.applyRemote(entries([{ clientId: 31, clock: 1, state: { user: { name: 'On the other server' } } }]));
    presence.apply(peer(3), entries([{ clientId: 32, clock: 1, state: { cursor: 3 } }]));
    await turn();
    expect([...heardBy(broadcast).keys()].sort()).toEqual([31, 32]);
    expect([...heardBy(forward).keys()]).toEqual([32]);
    // A turn of only the other server's changes forwards nothing.
    presence.applyRemote(entries([{ clientId: 31, clock: 2, state: { user: { name: 'Moved' } } }]));
    await turn();
    expect(broadcast).toHaveLength(2);
    expect(forward).toHaveLength(1);
    presence.destroy();
  });

  it('sends nothing once destroyed, not even the changes of the turn it was destroyed in', async () => {
    const broadcast: Uint8Array[] = [];
    const presence = new Presence((update) => broadcast.push(update));
    presence.apply(peer(4), entries([{ clientId: 41, clock: 1, state: { cursor: 4 } }]));
    presence.destroy();
    // The barrier: a live presence would have sent by now (the first test).
    await turn();
    await turn();
    expect(broadcast).toHaveLength(0);
  });
  it('holds each connection to its own client ids, up to the limit, and frees them when it leaves', async () => {
    const broadcast: Uint8Array[] = [];
    const presence = new Presence((update) => broadcast.push(update));
    const [mallory, anna] = [peer(1), peer(2)];
    const limit = PRESENCE_LIMITS.maxClientIdsPerPeer;
    const ids = Array.from({ length: limit }, (_, index) => 500 + index);
    expect(presence.apply(mallory, entries(ids.map((clientId) => ({ clientId, clock: 1, state: { cursor: clientId } }))))).toBeNull();
    // One more, in a message of its own or among ids it already has, is refused; updating its own is not.
    expect(presence.apply(mallory, entries([{ clientId: 600, clock: 1, state: {} }]))?.code).toBe('BAD_USER_INPUT');
    expect(presence.apply(mallory, entries([{ clientId: 500, clock: 2, state: { cursor: 0 } }, { clientId: 601, clock: 1, state: {} }]))?.code).toBe('BAD_USER_INPUT');
    expect(presence.apply(mallory, entries([{ clientId: 500, clock: 2, state: { cursor: 0 } }]))).toBeNull();
    // Another connection has its own allowance, and may not touch Mallory's ids.
    expect(presence.apply(anna, entries([{ clientId: 700, clock: 1, state: { cursor: 1 } }]))).toBeNull();
    expect(presence.apply(anna, entries([{ clientId: 501, clock: 5, state: null }]))?.code).toBe('FORBIDDEN');
    await turn();
    expect([...heardBy(broadcast).keys()].sort()).toEqual([...ids, 700].sort());
    // Leaving clears exactly the leaver's ids, which someone else may then introduce.
    presence.remove(mallory);
    await turn();
    expect([...heardBy(broadcast).keys()]).toEqual([700]);
    expect(presence.apply(anna, entries([{ clientId: 501, clock: 9, state: { cursor: 2 } }]))).toBeNull();
    presence.destroy();
  });
});

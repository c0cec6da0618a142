import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { randomInt } from 'node:crypto';
import type { DocumentPeer, Refusal } from './document-peer.js';

/** Origin of presence heard from another server. */
const REMOTE = Symbol('samplan.remote-presence');

/** @default limits on what one connection may put into presence. */
export const PRESENCE_LIMITS = {
  maxClientIdsPerPeer: 8,
  maxStateBytes: 8 * 1024,
  /** Entries in one message: clients relay everyone's presence, so this is more than one peer's own. */
  maxEntriesPerMessage: 1_000,
} as const;

/**
 * Presence (Yjs awareness) for one document, guarded: a connection may set or clear only the
 * client ids it introduced itself, and the `user` shown to others is replaced by the server's
 * own record of who is connected. y-websocket clients relay every state they hear back to the
 * server; such echoes change nothing and are dropped, while an entry that would change another
 * connection's presence is refused.
 */
export class Presence {
  /** Made when someone is first present: most loaded plans never need one. */
  #awareness: awarenessProtocol.Awareness | null = null;
  /**
   * Which connection introduced each client id; a connection's own ids are found by going through
   * it (a few per connection), only when it introduces a new one or leaves: one map a plan, not a
   * set more for each connection.
   */
  readonly #owners = new Map<number, DocumentPeer>();
  /** Changes not sent yet: made at the first change of a turn, sent and dropped at its end. */
  #unsent: Unsent | null = null;
  /** Everyone present, encoded for a joining connection; dropped at every change. */
  #present: Uint8Array | null | undefined = undefined;

  /**
   * `broadcast` sends changes to this server's connections; `forward` sends the changes this
   * server's own connections made to the other servers (each server checks its own connections).
   * Timeouts are not forwarded: every server times out a silent client on its own.
   *
   * Changes go out once per turn of the event loop, all of the turn's in one message: every
   * connection that joins tells everyone else, so 200 opening a plan together were 200 × 200
   * messages, each encoded and written on its own (up to a ninth of the samples of a profiled join
   * storm, bench/README.md); now one to each connection for each turn they arrive in.
   */
  constructor(
    private readonly broadcast: (update: Uint8Array) => void,
    private readonly forward: (update: Uint8Array) => void = () => undefined,
  ) {}

  #awarenessToUse(): awarenessProtocol.Awareness {
    if (this.#awareness) return this.#awareness;
    const awareness = new awarenessProtocol.Awareness(contentlessOwner());
    // The server itself is not present.
    awareness.setLocalState(null);
    // One sweep times out silent clients of every document here (see sweepAll), not a timer each;
    // the cleared timer is let go too (a plan's Awareness lives as long as the plan is loaded).
    clearInterval(awareness._checkInterval);
    awareness._checkInterval = undefined;
    awareness.on('update', ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
      this.#present = undefined;
      if (added.length + updated.length + removed.length === 0) return;
      const unsent = (this.#unsent ??= { toPeers: new Set(), toServers: new Set(), timer: setImmediate(() => this.#send()) });
      const ownChange = origin !== REMOTE && origin !== 'timeout';
      for (const changed of [added, updated, removed]) {
        for (const clientId of changed) {
          unsent.toPeers.add(clientId);
          if (ownChange) unsent.toServers.add(clientId);
        }
      }
    });
    this.#awareness = awareness;
    swept.add(awareness);
    sweepTimer ??= setInterval(sweepAll, SWEEP_INTERVAL_MS).unref();
    return awareness;
  }

  /**
   * Presence from another Samplan server, which checked its own connection and set `user`; a
   * dead server's entries go through the normal awareness timeout.
   */
  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.#awarenessToUse(), update, REMOTE);
  }

  /**
   * The turn's changes, each client's state as it is now (a state set and cleared within the turn
   * goes out cleared, at its latest clock): to this server's connections, and those its own
   * connections made to the other servers.
   */
  #send(): void {
    const unsent = this.#unsent;
    const awareness = this.#awareness;
    this.#unsent = null;
    if (!unsent || !awareness) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [...unsent.toPeers]);
    this.broadcast(update);
    if (unsent.toServers.size === 0) return;
    this.forward(unsent.toServers.size === unsent.toPeers.size ? update : awarenessProtocol.encodeAwarenessUpdate(awareness, [...unsent.toServers]));
  }

  /** Everyone present now, for a connection that just joined; null when nobody is. */
  current(): Uint8Array | null {
    if (!this.#awareness) return null;
    if (this.#present !== undefined) return this.#present;
    const clients = [...this.#awareness.getStates().keys()];
    // Joins between two changes (a storm's, as they are admitted together) share one encoding.
    this.#present = clients.length ? awarenessProtocol.encodeAwarenessUpdate(this.#awareness, clients) : null;
    return this.#present;
  }

  apply(peer: DocumentPeer, update: Uint8Array): Refusal | null {
    let entries: Array<{ clientId: number; clock: number; state: Record<string, unknown> | null }>;
    try {
      entries = decodeEntries(update);
    } catch {
      return { code: 'BAD_USER_INPUT', reason: 'presence update is malformed', section: null };
    }
    let owned: number | null = null;
    const kept: typeof entries = [];
    for (const entry of entries) {
      // Honest clients echo everyone's presence back; entries that would change nothing are dropped.
      if (!this.#wouldChange(entry)) continue;
      const owner = this.#owners.get(entry.clientId);
      if (owner && owner !== peer) return { code: 'FORBIDDEN', reason: 'presence may only be set for your own client', section: null };
      if (!owner) {
        if (entry.state === null) continue;
        owned ??= this.#idsOf(peer).length;
        if (owned >= PRESENCE_LIMITS.maxClientIdsPerPeer) {
          return { code: 'BAD_USER_INPUT', reason: 'too many presence client ids on one connection', section: null };
        }
        owned += 1;
        this.#owners.set(entry.clientId, peer);
      }
      kept.push(entry);
    }
    if (kept.length === 0) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kept.length);
    for (const { clientId, clock, state } of kept) {
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(state === null ? null : { ...state, user: peer.presence }));
    }
    awarenessProtocol.applyAwarenessUpdate(this.#awarenessToUse(), encoding.toUint8Array(encoder), peer);
    return null;
  }

  /** The rule y-protocols applies: a newer clock, or a removal at the same clock. */
  #wouldChange({ clientId, clock, state }: { clientId: number; clock: number; state: unknown }): boolean {
    const awareness = this.#awareness;
    // Without one, nothing: no client has heard of any state here, the server's own included.
    if (!awareness) return clock > 0;
    const current = awareness.meta.get(clientId)?.clock ?? 0;
    return current < clock || (current === clock && state === null && awareness.states.has(clientId));
  }

  /** Clears a connection's presence when it leaves. */
  remove(peer: DocumentPeer): void {
    const ids = this.#idsOf(peer);
    if (ids.length === 0) return;
    for (const id of ids) this.#owners.delete(id);
    if (this.#awareness) awarenessProtocol.removeAwarenessStates(this.#awareness, ids, null);
  }

  /** The client ids `peer` introduced. */
  #idsOf(peer: DocumentPeer): number[] {
    const ids: number[] = [];
    for (const [id, owner] of this.#owners) if (owner === peer) ids.push(id);
    return ids;
  }

  destroy(): void {
    if (this.#awareness) {
      swept.delete(this.#awareness);
      if (swept.size === 0 && sweepTimer) {
        clearInterval(sweepTimer);
        sweepTimer = null;
      }
      this.#awareness.destroy();
    }
    // After the awareness's own destroy, which reports its last change: nothing goes out now.
    if (this.#unsent) clearImmediate(this.#unsent.timer);
    this.#unsent = null;
  }
}

/**
 * What y-protocols' Awareness takes a `Y.Doc` for: a client id of its own (the server's, whose
 * state is cleared) and the document's end, to end with it. Presence outlives the plan's `Y.Doc`,
 * which a quiet document lets go (src/documents/live-document.ts), so it is tied to no content;
 * an empty `Y.Doc` instead would cost about 2 KB a plan. Presence ends its awareness itself.
 */
function contentlessOwner(): Y.Doc {
  const owner = { clientID: randomInt(2 ** 31), on: (_event: string, handler: unknown) => handler };
  return owner as unknown as Y.Doc;
}

interface Unsent {
  /** Client ids whose state changed this turn. */
  toPeers: Set<number>;
  /** Those changed by this server's own connections (not heard from another server, nor timed out). */
  toServers: Set<number>;
  timer: NodeJS.Immediate;
}

/** As often as y-protocols checks each Awareness on its own timer. */
const SWEEP_INTERVAL_MS = awarenessProtocol.outdatedTimeout / 10;
const swept = new Set<awarenessProtocol.Awareness>();
let sweepTimer: NodeJS.Timeout | null = null;

/**
 * What each Awareness's own timer does (the server has no local state to renew): states not
 * renewed within the timeout are removed, with origin 'timeout'.
 */
function sweepAll(): void {
  const now = Date.now();
  for (const awareness of swept) {
    const outdated: number[] = [];
    awareness.meta.forEach((meta, clientId) => {
      if (clientId !== awareness.clientID && awarenessProtocol.outdatedTimeout <= now - meta.lastUpdated && awareness.states.has(clientId)) outdated.push(clientId);
    });
    if (outdated.length > 0) awarenessProtocol.removeAwarenessStates(awareness, outdated, 'timeout');
  }
}

function decodeEntries(update: Uint8Array) {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > PRESENCE_LIMITS.maxEntriesPerMessage) throw new Error('too many entries');
  const entries = [];
  for (let index = 0; index < count; index++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > PRESENCE_LIMITS.maxStateBytes) throw new Error('state too large');
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('state must be an object or null');
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
  return entries;
}

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
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
  readonly #awareness: awarenessProtocol.Awareness;
  /** Which connection introduced each client id. */
  readonly #owners = new Map<number, DocumentPeer>();
  readonly #idsOf = new Map<DocumentPeer, Set<number>>();

  /**
   * `broadcast` sends changes to this server's connections; `forward` sends the changes this
   * server's own connections made to the other servers (each server checks its own connections).
   * Timeouts are not forwarded: every server times out a silent client on its own.
   */
  constructor(doc: Y.Doc, broadcast: (update: Uint8Array) => void, forward: (update: Uint8Array) => void = () => undefined) {
    this.#awareness = new awarenessProtocol.Awareness(doc);
    // The server itself is not present.
    this.#awareness.setLocalState(null);
    this.#awareness.on('update', ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      if (!changed.length) return;
      const update = awarenessProtocol.encodeAwarenessUpdate(this.#awareness, changed);
      broadcast(update);
      if (origin !== REMOTE && origin !== 'timeout') forward(update);
    });
  }

  /**
   * Presence from another Samplan server, which checked its own connection and set `user`; a
   * dead server's entries go through the normal awareness timeout.
   */
  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.#awareness, update, REMOTE);
  }

  /** Everyone present now, for a connection that just joined; null when nobody is. */
  current(): Uint8Array | null {
    const clients = [...this.#awareness.getStates().keys()];
    return clients.length ? awarenessProtocol.encodeAwarenessUpdate(this.#awareness, clients) : null;
  }

  apply(peer: DocumentPeer, update: Uint8Array): Refusal | null {
    let entries: Array<{ clientId: number; clock: number; state: Record<string, unknown> | null }>;
    try {
      entries = decodeEntries(update);
    } catch {
      return { code: 'BAD_USER_INPUT', reason: 'presence update is malformed', section: null };
    }
    const ids = this.#idsOf.get(peer) ?? new Set<number>();
    const kept: typeof entries = [];
    for (const entry of entries) {
      // Honest clients echo everyone's presence back; entries that would change nothing are dropped.
      if (!this.#wouldChange(entry)) continue;
      const owner = this.#owners.get(entry.clientId);
      if (owner && owner !== peer) return { code: 'FORBIDDEN', reason: 'presence may only be set for your own client', section: null };
      if (!owner) {
        if (entry.state === null) continue;
        if (ids.size >= PRESENCE_LIMITS.maxClientIdsPerPeer) {
          return { code: 'BAD_USER_INPUT', reason: 'too many presence client ids on one connection', section: null };
        }
        ids.add(entry.clientId);
        this.#owners.set(entry.clientId, peer);
      }
      kept.push(entry);
    }
    this.#idsOf.set(peer, ids);
    if (kept.length === 0) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kept.length);
    for (const { clientId, clock, state } of kept) {
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(state === null ? null : { ...state, user: peer.presence }));
    }
    awarenessProtocol.applyAwarenessUpdate(this.#awareness, encoding.toUint8Array(encoder), peer);
    return null;
  }

  /** The rule y-protocols applies: a newer clock, or a removal at the same clock. */
  #wouldChange({ clientId, clock, state }: { clientId: number; clock: number; state: unknown }): boolean {
    const current = this.#awareness.meta.get(clientId)?.clock ?? 0;
    return current < clock || (current === clock && state === null && this.#awareness.states.has(clientId));
  }

  /** Clears a connection's presence when it leaves. */
  remove(peer: DocumentPeer): void {
    const ids = this.#idsOf.get(peer);
    this.#idsOf.delete(peer);
    if (!ids) return;
    for (const id of ids) this.#owners.delete(id);
    awarenessProtocol.removeAwarenessStates(this.#awareness, [...ids], null);
  }

  destroy(): void {
    this.#awareness.destroy();
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

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { currentSession } from '../api/session';

/** Samplan's checkpoint message on /collab (docs/document-model.md, "Knowing an edit is saved"). */
const COMMITTED = 100;
/** y-protocols' auth message: the server says why it refused a change before it closes. */
const AUTH = 2;

export type Connection = 'connecting' | 'online' | 'offline';

/** A change the server refused: which section, why, and the text the person had typed there. */
export interface Refusal {
  section: string | null;
  reason: string;
  /** The section as this page held it when the refusal came, for the person to copy. */
  kept: string;
  /** The person may no longer read this plan (consent withdrawn, removed): nothing to resync to. */
  accessLost: boolean;
}

export interface LiveState {
  connection: Connection;
  /** False while a change made here has not been committed by the server. */
  saved: boolean;
  synced: boolean;
  refusal: Refusal | null;
  /** Who else has the plan open now: the server's record of each connection (name, role). */
  present: Array<{ clientId: number; name: string; role: string }>;
}

/**
 * One of a plan's documents, live: a Y.Doc kept in step with the server through y-websocket's
 * provider (`disableBc`: every change goes through the server's checks), with what the page shows
 * about it. A refused change ends this copy: `refusal` says why and keeps what was typed, and
 * `onRefused` lets the page make a fresh copy from the server's state.
 */
export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  #state: LiveState = { connection: 'connecting', saved: true, synced: false, refusal: null, present: [] };
  readonly #listeners = new Set<() => void>();
  #asked = 0;
  #answered = 0;
  /** The first checkpoint sent after the latest change made here; saved once it is answered. */
  #dirtySince = 0;
  #checkpointTimer: ReturnType<typeof setTimeout> | null = null;
  #lastDenied: string | null = null;
  #wasConnected = false;

  constructor(
    readonly planId: string,
    readonly part: 'main' | 'restricted',
    defineShape: (doc: Y.Doc) => void,
    /** The server refused a change (or the sign-in ran out): this copy is done; make a new one. */
    private readonly onRefused: (refusal: Refusal) => void = () => undefined,
  ) {
    defineShape(this.doc);
    const room = part === 'main' ? planId : `${planId}/restricted`;
    const base = new URL('/collab', window.location.href).toString().replace(/^http/, 'ws');
    this.provider = new WebsocketProvider(base, room, this.doc, {
      params: { token: currentSession()?.token ?? '' },
      disableBc: true,
      maxBackoffTime: 2_000,
    });
    const handlers = this.provider.messageHandlers as unknown as Array<(encoder: encoding.Encoder, decoder: decoding.Decoder, ...rest: unknown[]) => void>;
    handlers[COMMITTED] = (_encoder, decoder) => {
      this.#answered = Math.max(this.#answered, decoding.readVarUint(decoder));
      this.#update({ saved: this.#answered >= this.#dirtySince });
    };
    // The reason comes before the close; y-websocket would only log it.
    handlers[AUTH] = (_encoder, decoder) => {
      decoding.readVarUint(decoder); // permission denied
      this.#lastDenied = decoding.readVarString(decoder);
    };
    this.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') {
        // A new token for the next connection, should this one end (docs/identity.md).
        this.provider.params['token'] = currentSession()?.token ?? '';
      }
      // Once it has been connected, trying again is still offline to the person: the edits wait.
      if (status === 'connected') this.#wasConnected = true;
      this.#update({ connection: status === 'connected' ? 'online' : status === 'connecting' && !this.#wasConnected ? 'connecting' : 'offline' });
    });
    this.provider.on('sync', (synced: boolean) => {
      this.#update({ synced });
      // Edits made offline went to the server as the answer to its sync request: ask about them.
      if (synced) this.#askSaved();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (!event || event.code < 4400 || event.code > 4499) return;
      let refusal: Refusal;
      if (event.code === 4401) refusal = { section: null, reason: 'UNAUTHENTICATED', kept: '', accessLost: false };
      else {
        const reason = this.#lastDenied ?? event.reason;
        const section = /^(\w+): /.exec(reason)?.[1] ?? null;
        // 4404: the plan is not (or no longer) one the person takes part in; 4403 "no longer …": access ended while open.
        const accessLost = event.code === 4404 || (!section && / no longer /.test(reason));
        refusal = { section, reason: reason.replace(/^\w+: /, ''), kept: section ? this.textOf(section) : '', accessLost };
      }
      this.#update({ refusal });
      this.onRefused(refusal);
    });
    this.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider) return;
      this.#dirtySince = this.#asked + 1;
      this.#update({ saved: false });
      this.#scheduleCheckpoint();
    });
    this.provider.awareness.on('change', () => this.#update({ present: this.#present() }));
    // The server ignores a client's first state (clock 0): set a field to be seen as present.
    this.provider.awareness.setLocalStateField('here', true);
  }

  get state(): LiveState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A section's text as the page holds it now: every text field's words, for the person to copy. */
  textOf(section: string): string {
    const root = this.doc.share.get(section);
    if (!root) return '';
    const texts: string[] = [];
    const walk = (value: unknown) => {
      if (value instanceof Y.Text) texts.push(value.toString());
      else if (value instanceof Y.Array) value.forEach(walk);
      else if (value instanceof Y.Map) value.forEach(walk);
    };
    walk(root instanceof Y.Array ? this.doc.getArray(section) : this.doc.getMap(section));
    return texts.filter(Boolean).join('\n\n');
  }

  destroy(): void {
    if (this.#checkpointTimer) clearTimeout(this.#checkpointTimer);
    this.provider.destroy();
    this.doc.destroy();
    this.#listeners.clear();
  }

  #present(): LiveState['present'] {
    const present: LiveState['present'] = [];
    this.provider.awareness.getStates().forEach((state, clientId) => {
      const user = (state as { user?: { name?: string; role?: string } }).user;
      if (clientId !== this.doc.clientID && user?.name) present.push({ clientId, name: user.name, role: user.role ?? '' });
    });
    return present;
  }

  #scheduleCheckpoint(): void {
    if (this.#checkpointTimer) return;
    this.#checkpointTimer = setTimeout(() => {
      this.#checkpointTimer = null;
      this.#askSaved();
    }, 150);
  }

  /** Sends `[100, id]`: the server answers once everything sent before it is committed. */
  #askSaved(): void {
    if (!this.provider.wsconnected || !this.provider.ws) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, COMMITTED);
    encoding.writeVarUint(encoder, ++this.#asked);
    this.provider.ws.send(encoding.toUint8Array(encoder));
  }

  #update(change: Partial<LiveState>): void {
    this.#state = { ...this.#state, ...change };
    this.#listeners.forEach((listener) => listener());
  }
}

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { defineSections } from '../../src/documents/document.template.js';

/**
 * A lean protocol client: it speaks the same y-protocols messages as y-websocket's
 * `WebsocketProvider` (sync step 1/2, update, awareness) over a real WebSocket, but it does not
 * integrate the updates others send. It only scans them for the edit markers below, so one bench
 * process can drive thousands of editors without its own CPU becoming the bottleneck. Its own
 * edits are made on a real Y.Doc holding the synced state, so the server receives ordinary updates.
 *
 * `hocuspocus` framing: Hocuspocus 2+ puts the document name before every message and waits for
 * an auth message first; otherwise the messages are the same.
 */
export type Dialect = 'y-websocket' | 'hocuspocus';

const MESSAGE = { sync: 0, awareness: 1, auth: 2 } as const;
const REMOTE = Symbol('remote');
const TILDE = 0x7e;
const DOT = 0x2e;

export interface LeanClientOptions {
  url: string;
  dialect: Dialect;
  documentName: string;
  /** Sent in Hocuspocus's auth message (Samplan and y-websocket take theirs in the URL). */
  token?: string;
  /** Globally unique id, written into each edit marker. */
  senderId: number;
  /** Called for every marker from another sender found in a live update, with the receive time. */
  onEdit?: (senderId: number, sentAtMs: number, receivedAtMs: number) => void;
  /**
   * false: the sync answer is counted but not applied to this client's Y.Doc (a join storm's
   * clients only open the plan; applying 200 copies of a 5 MB state would measure the generator).
   */
  applySync?: boolean;
}

export class LeanClient {
  readonly doc = new Y.Doc();
  synced = false;
  /** Bytes of the sync answer (sync step 2) this client received. */
  syncBytes = 0;
  closed: { code: number; reason: string } | null = null;
  #socket: WebSocket;
  #text: Y.Text | null = null;
  #onSynced: Array<() => void> = [];

  constructor(private readonly options: LeanClientOptions) {
    defineSections(this.doc);
    this.#socket = new WebSocket(options.url);
    this.#socket.binaryType = 'nodebuffer';
    this.#socket.on('open', () => this.#greet());
    this.#socket.on('message', (data: Buffer) => this.#receive(data));
    this.#socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.#socket.on('error', () => undefined); // reported through 'close'
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.#send((encoder) => syncProtocol.writeUpdate(encoder, update));
    });
  }

  /** Resolves on the first sync step 2; rejects if the socket closes first or after `timeoutMs`. */
  whenSynced(timeoutMs = 30_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not synced after ${timeoutMs} ms${this.closed ? ` (closed ${this.closed.code} ${this.closed.reason})` : ''}`)), timeoutMs);
      this.#socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()} before sync`)));
      this.#onSynced.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Makes this editor's own entry in a list section (its text is where `edit` types). */
  createEntry(section: string, personId: string | null): void {
    const text = new Y.Text('');
    const entry = new Y.Map<unknown>([['id', crypto.randomUUID()], ['personId', personId], ['text', text]]);
    this.doc.getArray(section).push([entry]);
    this.#text = text;
  }

  /** Types a marker carrying this sender and the send time into the entry; returns the send time. */
  edit(): number {
    if (!this.#text) throw new Error('createEntry first');
    const sentAt = performance.now();
    this.#text.insert(this.#text.length, `~${this.options.senderId}.${Math.round(sentAt * 1000)}~`);
    return sentAt;
  }

  /** Appends `text` to this editor's entry in one update (setting up a large plan). */
  append(text: string): void {
    if (!this.#text) throw new Error('createEntry first');
    this.#text.insert(this.#text.length, text);
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  destroy(): void {
    this.#socket.terminate();
    this.doc.destroy();
  }

  #greet(): void {
    if (this.options.dialect === 'hocuspocus') {
      this.#send((encoder) => {
        encoding.writeVarUint(encoder, 0); // auth: token
        encoding.writeVarString(encoder, this.options.token ?? '');
      }, MESSAGE.auth);
    }
    this.#send((encoder) => syncProtocol.writeSyncStep1(encoder, this.doc));
    // What y-protocols' encodeAwarenessUpdate writes for one client: count, id, clock, JSON state.
    this.#send((encoder) => {
      const update = encoding.createEncoder();
      encoding.writeVarUint(update, 1);
      encoding.writeVarUint(update, this.doc.clientID);
      encoding.writeVarUint(update, 1);
      encoding.writeVarString(update, JSON.stringify({ user: { name: `bench ${this.options.senderId}` } }));
      encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
    }, MESSAGE.awareness);
  }

  #send(write: (encoder: encoding.Encoder) => void, type: number = MESSAGE.sync): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    if (this.options.dialect === 'hocuspocus') encoding.writeVarString(encoder, this.options.documentName);
    encoding.writeVarUint(encoder, type);
    write(encoder);
    this.#socket.send(encoding.toUint8Array(encoder));
  }

  #receive(data: Buffer): void {
    const receivedAt = performance.now();
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (this.options.dialect === 'hocuspocus') decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== MESSAGE.sync) return; // awareness, auth, sync status: not measured
    const subtype = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (subtype === syncProtocol.messageYjsSyncStep1) {
      this.#send((encoder) => syncProtocol.writeSyncStep2(encoder, this.doc, payload));
    } else if (subtype === syncProtocol.messageYjsSyncStep2) {
      this.syncBytes += payload.byteLength;
      if (this.options.applySync !== false) Y.applyUpdate(this.doc, payload, REMOTE);
      if (!this.synced) {
        this.synced = true;
        for (const resolve of this.#onSynced.splice(0)) resolve();
      }
    } else if (subtype === syncProtocol.messageYjsUpdate && this.options.onEdit) {
      this.#scanMarkers(payload, receivedAt);
    }
  }

  /** Finds `~<sender>.<micros>~` in the update's bytes: inserted strings are stored as UTF-8. */
  #scanMarkers(bytes: Uint8Array, receivedAt: number): void {
    for (let index = bytes.indexOf(TILDE); index !== -1; index = bytes.indexOf(TILDE, index + 1)) {
      let sender = 0;
      let micros = 0;
      let cursor = index + 1;
      let digits = 0;
      for (; cursor < bytes.length && bytes[cursor]! >= 0x30 && bytes[cursor]! <= 0x39; cursor++, digits++) sender = sender * 10 + bytes[cursor]! - 0x30;
      if (digits === 0 || bytes[cursor] !== DOT) continue;
      cursor++;
      digits = 0;
      for (; cursor < bytes.length && bytes[cursor]! >= 0x30 && bytes[cursor]! <= 0x39; cursor++, digits++) micros = micros * 10 + bytes[cursor]! - 0x30;
      if (digits === 0 || bytes[cursor] !== TILDE) continue;
      index = cursor;
      if (sender !== this.options.senderId) this.options.onEdit!(sender, micros / 1000, receivedAt);
    }
  }
}

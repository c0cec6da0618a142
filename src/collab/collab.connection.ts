import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { DocumentPeer, Refusal } from '../documents/document-peer.js';
import type { LiveDocument } from '../documents/live-document.js';
import { ERROR_TABLE, errorCodeOf, type ErrorCode } from '../errors/error-codes.js';
import { reportOutage } from '../errors/outage.js';
import type { Logger } from '../logging/logger.js';
import type { Actor } from '../policy/actor.js';

/**
 * y-websocket's message types and y-protocols' sync and auth sub-types, and Samplan's one addition:
 * `committed`, a client's checkpoint answered once everything it sent before is committed
 * (docs/document-model.md, "Knowing an edit is saved"). Only a client that asks gets it.
 */
const MESSAGE = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3, committed: 100 } as const;
/** A checkpoint's id is the client's to choose, within a safe integer of 32 bits. */
const MAX_CHECKPOINT_ID = 0xffff_ffff;
const SYNC = { step1: 0, step2: 1, update: 2 } as const;
const PERMISSION_DENIED = 0;

/**
 * Messages that go to many peers as the same bytes, framed once per payload: a committed update
 * to every peer of its document, one step-2 answer to joiners with the same state vector
 * (src/documents/sync-answers.ts), a turn of presence changes (src/documents/presence.ts).
 */
const framings = {
  syncUpdate: { header: [MESSAGE.sync, SYNC.update], framed: new WeakMap<Uint8Array, Uint8Array>() },
  syncStep2: { header: [MESSAGE.sync, SYNC.step2], framed: new WeakMap<Uint8Array, Uint8Array>() },
  awareness: { header: [MESSAGE.awareness], framed: new WeakMap<Uint8Array, Uint8Array>() },
} as const;

function framedOnce(kind: keyof typeof framings, payload: Uint8Array): Uint8Array {
  const { header, framed } = framings[kind];
  let message = framed.get(payload);
  if (!message) {
    const encoder = encoding.createEncoder();
    for (const part of header) encoding.writeVarUint(encoder, part);
    encoding.writeVarUint8Array(encoder, payload);
    message = encoding.toUint8Array(encoder);
    framed.set(payload, message);
  }
  return message;
}

/** Close codes outside the error table: the standard "going away" and "try again later". */
const GOING_AWAY = 1001;
const TRY_AGAIN_LATER = 1013;

export const CONNECTION_LIMITS = {
  /** Messages waiting to be handled before the connection counts as flooding. */
  maxQueuedMessages: 256,
  /** Bytes queued for a slow reader before it is dropped. */
  maxBufferedBytes: 8 * 1024 * 1024,
};

/**
 * Sync requests are the expensive message (each answer encodes the document's difference), so
 * they have their own small budget; everything else shares a generous one (`MESSAGE_BUDGET`).
 */
const syncRequests = new RateLimiterMemory({ points: 10, duration: 10 });
/**
 * Messages of any kind one connection may send in a window. Counted by the connection itself, at
 * once: every keystroke passes here, and a shared limiter cost a promise and a timer per window
 * and connection.
 */
const MESSAGE_BUDGET = { points: 600, windowMs: 10_000 };

/** A protocol violation: answered with the close code of `code`. */
class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One WebSocket speaking the y-websocket protocol to one live document: decodes each message
 * strictly, hands changes to the document core, and turns the core's refusals into the protocol's
 * permission-denied message and a close code from the error table.
 */
export class CollabConnection implements DocumentPeer {
  #document: LiveDocument | null = null;
  #queue: Uint8Array[] = [];
  #working = false;
  #closed = false;
  #budgetWindowStart = Number.NEGATIVE_INFINITY;
  #budgetUsed = 0;
  /** Settles when the last change this connection submitted is committed (batches commit in order, so every earlier one is too). */
  #lastDurable: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    readonly id: string,
    readonly actor: Actor,
    readonly presence: { personId: string; name: string; role: string },
    private readonly logger: Logger,
  ) {
    socket.on('close', () => {
      this.#closed = true;
      this.#queue = [];
      // The sync budget is this connection's alone (keyed by its id) and holds a timer until it expires.
      void syncRequests.delete(this.id);
    });
  }

  /** Starts the protocol once the document is attached: the server's sync step 1 and current presence. */
  start(document: LiveDocument): void {
    this.#document = document;
    // Dropped while this connection was admitted (its commit failed): the hub closes its peers, saying why.
    if (document.closed) return;
    this.#send(this.#message(MESSAGE.sync, (encoder) => {
      encoding.writeVarUint(encoder, SYNC.step1);
      encoding.writeVarUint8Array(encoder, document.stateVector());
    }));
    const present = document.presence.current();
    if (present) this.sendAwareness(present);
    void this.#drain();
  }

  /** Queues an incoming message; messages of one connection are handled strictly in order. */
  receive(data: Uint8Array): void {
    if (this.#closed) return;
    if (this.#queue.length >= CONNECTION_LIMITS.maxQueuedMessages) {
      return this.close('TOO_MANY_REQUESTS', 'Too many messages');
    }
    this.#queue.push(data);
    if (this.#document) void this.#drain();
  }

  sendUpdate(update: Uint8Array): void {
    // Before `start` the client has not been sent anything; its sync request after start brings it
    // everything committed, this update included. Nothing goes out before the access log has the read.
    if (!this.#document) return;
    this.#send(framedOnce('syncUpdate', update));
  }

  sendAwareness(update: Uint8Array): void {
    if (!this.#document) return; // `start` sends the current presence
    this.#send(framedOnce('awareness', update));
  }

  close(code: ErrorCode | 'GOING_AWAY', reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.socket.close(code === 'GOING_AWAY' ? GOING_AWAY : ERROR_TABLE[code].wsCloseCode, reason.slice(0, 120));
  }

  /** Tells the client why its change was refused, then closes: its local state no longer matches. */
  refuse(refusal: Refusal): void {
    const reason = refusal.section ? `${refusal.section}: ${refusal.reason}` : refusal.reason;
    this.#send(this.#message(MESSAGE.auth, (encoder) => {
      encoding.writeVarUint(encoder, PERMISSION_DENIED);
      encoding.writeVarString(encoder, reason);
    }));
    this.close(refusal.code, reason);
  }

  async #drain(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      while (this.#queue.length && !this.#closed) await this.#handle(this.#queue.shift()!);
    } finally {
      this.#working = false;
    }
  }

  async #handle(data: Uint8Array): Promise<void> {
    if (!this.#withinBudget()) return this.close('TOO_MANY_REQUESTS', 'Too many messages');
    try {
      await this.#dispatch(decoding.createDecoder(data));
    } catch (error) {
      if (error instanceof ProtocolError) return this.close(error.code, error.message);
      if (this.#closed) return;
      // The hub dropped the document (its commit failed) and closes its peers itself, saying why.
      if (this.#document?.closed) return;
      if (errorCodeOf(error) === 'SERVICE_UNAVAILABLE') {
        // The database went away under this message: the client keeps its edits and reconnects on 1013.
        reportOutage(this.logger, 'database', error, { planId: this.#document?.planId, connectionId: this.id, during: 'collab.message' });
        return this.close('SERVICE_UNAVAILABLE', 'The database is unavailable; reconnecting');
      }
      this.logger.error({ event: 'collab.message_failed', planId: this.#document?.planId, connectionId: this.id, err: error });
      this.close('INTERNAL_SERVER_ERROR', 'Could not handle the message; reconnect to resync');
    }
  }

  /** Counts one message against the connection's budget for the current window. */
  #withinBudget(): boolean {
    const now = performance.now();
    if (now - this.#budgetWindowStart >= MESSAGE_BUDGET.windowMs) {
      this.#budgetWindowStart = now;
      this.#budgetUsed = 0;
    }
    this.#budgetUsed += 1;
    return this.#budgetUsed <= MESSAGE_BUDGET.points;
  }

  async #dispatch(decoder: decoding.Decoder): Promise<void> {
    const document = this.#document!;
    const type = readUint(decoder);
    if (type === MESSAGE.sync) {
      const subtype = readUint(decoder);
      const payload = readBytes(decoder);
      expectEnd(decoder);
      if (subtype === SYNC.step1) return this.#answerSyncRequest(document, payload);
      if (subtype !== SYNC.step2 && subtype !== SYNC.update) throw new ProtocolError('BAD_USER_INPUT', 'Unknown sync message');
      const result = await document.submit(this.actor, payload, this);
      if (!result.ok) this.refuse(result);
      else this.#lastDurable = result.durable;
      return;
    }
    if (type === MESSAGE.committed) {
      const checkpoint = readUint(decoder);
      expectEnd(decoder);
      if (checkpoint > MAX_CHECKPOINT_ID) throw new ProtocolError('BAD_USER_INPUT', 'Checkpoint id out of range');
      // Not awaited: the connection goes on with the next message while the commit runs. A failed
      // commit closes the connection (the hub does), so no answer is the answer.
      this.#lastDurable.then(
        () => this.#send(this.#message(MESSAGE.committed, (encoder) => encoding.writeVarUint(encoder, checkpoint))),
        () => undefined,
      );
      return;
    }
    if (type === MESSAGE.awareness) {
      const payload = readBytes(decoder);
      expectEnd(decoder);
      const refusal = document.presence.apply(this, payload);
      if (refusal) this.refuse(refusal);
      return;
    }
    if (type === MESSAGE.queryAwareness) {
      expectEnd(decoder);
      const present = document.presence.current();
      if (present) this.sendAwareness(present);
      return;
    }
    // Clients never send auth messages; anything else is not y-websocket.
    throw new ProtocolError('BAD_USER_INPUT', 'Unknown message type');
  }

  async #answerSyncRequest(document: LiveDocument, stateVector: Uint8Array): Promise<void> {
    try {
      await syncRequests.consume(this.id);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new ProtocolError('TOO_MANY_REQUESTS', 'Too many sync requests');
      throw error;
    }
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new ProtocolError('BAD_USER_INPUT', 'Malformed state vector');
    }
    // Only what is committed is sent: nobody receives a change that a crash could still lose.
    const missing = await document.missingFor(stateVector);
    this.#send(framedOnce('syncStep2', missing));
  }

  #message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, type);
    write(encoder);
    return encoding.toUint8Array(encoder);
  }

  #send(message: Uint8Array): void {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > CONNECTION_LIMITS.maxBufferedBytes) {
      // A reader this far behind would hold the server's memory; it resyncs when it reconnects.
      this.#closed = true;
      this.socket.close(TRY_AGAIN_LATER, 'Too far behind; reconnect');
      return;
    }
    this.socket.send(message);
  }
}

function readUint(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError('BAD_USER_INPUT', 'Truncated message');
  }
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
  try {
    const length = decoding.readVarUint(decoder);
    if (length > decoder.arr.length - decoder.pos) throw new Error('length beyond message');
    return decoding.readUint8Array(decoder, length);
  } catch {
    throw new ProtocolError('BAD_USER_INPUT', 'Truncated message');
  }
}

function expectEnd(decoder: decoding.Decoder): void {
  if (decoding.hasContent(decoder)) throw new ProtocolError('BAD_USER_INPUT', 'Unexpected bytes after the message');
}

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { LoggedUpdate } from '../documents/document.store.js';

/**
 * Redis channels every server of one deployment subscribes to; one each, with the plan id inside
 * the message. `prefix` keeps deployments (or test runs) that share a Redis apart: pub/sub
 * channels are global to a Redis server, whatever its database number.
 */
export function channelsFor(prefix: string) {
  return {
    /** Committed document updates (binary). */
    document: `${prefix}:document`,
    /** Presence (awareness) changes made by a server's own connections (binary). */
    presence: `${prefix}:presence`,
    /** EventBus events, as JSON. */
    events: `${prefix}:events`,
  } as const;
}

/** Bumped when a message layout changes, so servers of different releases ignore each other's messages. */
const VERSION = 1;

export interface DocumentMessage {
  origin: string;
  planId: string;
  change: LoggedUpdate;
}

export interface PresenceMessage {
  origin: string;
  planId: string;
  update: Uint8Array;
}

export function encodeDocumentMessage({ origin, planId, change }: DocumentMessage): Buffer {
  return toBuffer((encoder) => {
    writeHeader(encoder, origin, planId);
    encoding.writeVarUint(encoder, change.seq);
    encoding.writeVarString(encoder, change.authorId);
    encoding.writeVarString(encoder, JSON.stringify(change.sections));
    encoding.writeFloat64(encoder, change.at.getTime());
    encoding.writeVarUint8Array(encoder, change.update);
  });
}

/** Null for a message of another layout version. */
export function decodeDocumentMessage(message: Buffer): DocumentMessage | null {
  const decoder = decoding.createDecoder(message);
  const header = readHeader(decoder);
  if (!header) return null;
  const seq = decoding.readVarUint(decoder);
  const authorId = decoding.readVarString(decoder);
  const sections = JSON.parse(decoding.readVarString(decoder)) as string[];
  const at = new Date(decoding.readFloat64(decoder));
  const update = decoding.readVarUint8Array(decoder);
  return { ...header, change: { seq, authorId, sections, at, update } };
}

export function encodePresenceMessage({ origin, planId, update }: PresenceMessage): Buffer {
  return toBuffer((encoder) => {
    writeHeader(encoder, origin, planId);
    encoding.writeVarUint8Array(encoder, update);
  });
}

export function decodePresenceMessage(message: Buffer): PresenceMessage | null {
  const decoder = decoding.createDecoder(message);
  const header = readHeader(decoder);
  return header && { ...header, update: decoding.readVarUint8Array(decoder) };
}

function writeHeader(encoder: encoding.Encoder, origin: string, planId: string): void {
  encoding.writeVarUint(encoder, VERSION);
  encoding.writeVarString(encoder, origin);
  encoding.writeVarString(encoder, planId);
}

function readHeader(decoder: decoding.Decoder): { origin: string; planId: string } | null {
  if (decoding.readVarUint(decoder) !== VERSION) return null;
  return { origin: decoding.readVarString(decoder), planId: decoding.readVarString(decoder) };
}

function toBuffer(write: (encoder: encoding.Encoder) => void): Buffer {
  const encoder = encoding.createEncoder();
  write(encoder);
  const bytes = encoding.toUint8Array(encoder);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/**
 * The inspector's reading of the two updates editors send at almost every keystroke: one run of
 * text typed at one place (one struct of string content, no deletions) and a deletion alone (no
 * struct). `Y.decodeUpdate` reads them too, but through a generator, a decoder object per part and
 * the platform's text decoder even for one character: half of what the section check cost
 * (bench/README.md). This reader builds the same structs with Yjs's own classes and lib0's own
 * primitives, and answers null for anything else, or anything it does not read to the last byte,
 * so `Y.decodeUpdate` reads every other update exactly as before. Its test holds it to
 * `Y.decodeUpdate` on honest, mutated and random bytes (update-reader.test.ts).
 */

/** Format v1's item info byte (Yjs: `readItemContent`, `lazyStructReaderGenerator`). */
const CONTENT_REF_BITS = 0b1_1111;
const CONTENT_STRING = 4;
const HAS_PARENT_SUB = 0b10_0000;
const HAS_RIGHT_ORIGIN = 0b100_0000;
const HAS_ORIGIN = 0b1000_0000;

/** Strings at most this long and all ASCII are read without the text decoder: the same characters. */
const SHORT_ASCII = 64;

export interface ReadUpdate {
  structs: Y.Item[];
  ds: { clients: Map<number, Array<{ clock: number; len: number }>> };
}

export function readSimpleUpdate(update: Uint8Array): ReadUpdate | null {
  try {
    const decoder = decoding.createDecoder(update);
    const groups = readCount(decoder);
    if (groups === null || groups > 1) return null;
    const structs: Y.Item[] = [];
    if (groups === 1) {
      const item = readOneTextItem(decoder);
      if (!item) return null;
      structs.push(item);
    }
    const ds = readDeleteSet(decoder);
    if (!ds || decoder.pos !== update.length) return null;
    return { structs, ds };
  } catch {
    // lib0 throws on what it cannot read (a string that is not UTF-8, say): Yjs's reader decides.
    return null;
  }
}

/** A group of exactly one struct, an item of string content; null for anything else. */
function readOneTextItem(decoder: decoding.Decoder): Y.Item | null {
  if (readCount(decoder) !== 1) return null;
  const client = readCount(decoder);
  const clock = readCount(decoder);
  if (client === null || clock === null || !decoding.hasContent(decoder)) return null;
  const info = decoding.readUint8(decoder);
  if ((info & CONTENT_REF_BITS) !== CONTENT_STRING) return null;
  const origin = info & HAS_ORIGIN ? readId(decoder) : null;
  if (info & HAS_ORIGIN && !origin) return null;
  const rightOrigin = info & HAS_RIGHT_ORIGIN ? readId(decoder) : null;
  if (info & HAS_RIGHT_ORIGIN && !rightOrigin) return null;
  let parent: string | Y.ID | null = null;
  let parentSub: string | null = null;
  // As Yjs reads it: the parent (and the key in it) only when neither neighbour is named.
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
    const parentIsRootKey = readCount(decoder);
    if (parentIsRootKey === null) return null;
    parent = parentIsRootKey === 1 ? readString(decoder) : readId(decoder);
    if (parent === null) return null;
    if (info & HAS_PARENT_SUB) {
      parentSub = readString(decoder);
      if (parentSub === null) return null;
    }
  }
  const text = readString(decoder);
  if (text === null) return null;
  // Yjs's reader types a parent read from the update as string | ID where the class declares a type.
  return new Y.Item(Y.createID(client, clock), null, origin, null, rightOrigin, parent as unknown as Y.AbstractType<unknown>, parentSub, new Y.ContentString(text));
}

/** As Yjs's `readDeleteSet` reads format v1: per client, its ranges, in the order written. */
function readDeleteSet(decoder: decoding.Decoder): ReadUpdate['ds'] | null {
  const clients = new Map<number, Array<{ clock: number; len: number }>>();
  const count = readCount(decoder);
  if (count === null) return null;
  for (let index = 0; index < count; index += 1) {
    const client = readCount(decoder);
    const ranges = readCount(decoder);
    if (client === null || ranges === null) return null;
    if (ranges === 0) continue;
    let list = clients.get(client);
    if (!list) clients.set(client, (list = []));
    for (let range = 0; range < ranges; range += 1) {
      const clock = readCount(decoder);
      const len = readCount(decoder);
      if (clock === null || len === null) return null;
      list.push({ clock, len });
    }
  }
  return { clients };
}

function readId(decoder: decoding.Decoder): Y.ID | null {
  const client = readCount(decoder);
  const clock = readCount(decoder);
  return client === null || clock === null ? null : Y.createID(client, clock);
}

/**
 * lib0's unsigned varint (`decoding.readVarUint`, step for step), but null where lib0 throws: past
 * the update's end, or past a safe integer. The differential test holds the two together.
 */
function readCount(decoder: decoding.Decoder): number | null {
  const { arr } = decoder;
  let position = decoder.pos;
  let value = 0;
  let scale = 1;
  while (position < arr.length) {
    const byte = arr[position++]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      decoder.pos = position;
      return value;
    }
    if (value > Number.MAX_SAFE_INTEGER) return null;
  }
  return null;
}

/** lib0's length-prefixed UTF-8 string; short ASCII ones without the text decoder (the same characters). */
function readString(decoder: decoding.Decoder): string | null {
  const start = decoder.pos;
  const length = readCount(decoder);
  if (length === null || decoder.pos + length > decoder.arr.length) return null;
  if (length <= SHORT_ASCII) {
    let text = '';
    let index = decoder.pos;
    const end = index + length;
    for (; index < end; index += 1) {
      const byte = decoder.arr[index]!;
      if (byte >= 0x80) break;
      text += String.fromCharCode(byte);
    }
    if (index === end) {
      decoder.pos = end;
      return text;
    }
  }
  decoder.pos = start;
  return decoding.readVarString(decoder);
}

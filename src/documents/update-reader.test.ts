import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readSimpleUpdate } from './update-reader.js';

/**
 * Differential test of the inspector's lean reader: on any bytes, honest, mutated or made up, it
 * either declines (null) or reads exactly what `Y.decodeUpdate` reads; and it reads the updates
 * it exists for (typing, deleting). Runs: FC_NUM_RUNS (default 3000); a failure prints its seed.
 */
// Test-run knobs, not application configuration: read here, never through src/config.
const env = process['env']; // eslint-disable-line no-restricted-properties
const NUM_RUNS = Number(env['FC_NUM_RUNS'] ?? 3000);
const SEED = env['FC_SEED'] ? Number(env['FC_SEED']) : undefined;

type Struct = Y.Item | Y.GC | Y.Skip;
const idOf = (id: Y.ID | null) => (id ? [id.client, id.clock] : null);

/** What a struct says, as plain data: its kind, place, neighbours, parent and content. */
function describeStruct(struct: Struct): unknown {
  const base = { kind: struct.constructor.name, client: struct.id.client, clock: struct.id.clock, length: struct.length };
  if (!(struct instanceof Y.Item)) return base;
  const parent = struct.parent instanceof Y.ID ? idOf(struct.parent) : struct.parent;
  const content = struct.content;
  return {
    ...base,
    origin: idOf(struct.origin),
    rightOrigin: idOf(struct.rightOrigin),
    parent,
    parentSub: struct.parentSub,
    content: content.constructor.name,
    text: content instanceof Y.ContentString ? content.str : null,
    countable: content.isCountable(),
    info: struct.info,
  };
}

function describeUpdate(decoded: { structs: Struct[]; ds: { clients: Map<number, Array<{ clock: number; len: number }>> } }): unknown {
  return {
    structs: decoded.structs.map(describeStruct),
    ds: [...decoded.ds.clients].map(([client, ranges]) => [client, ranges.map((range) => [range.clock, range.len])]),
  };
}

/** The reader declines, or agrees with Yjs's own reading. Returns whether it read the update. */
function agreesWithYjs(update: Uint8Array): boolean {
  const read = readSimpleUpdate(update);
  let yjs: ReturnType<typeof Y.decodeUpdate> | null = null;
  try {
    yjs = Y.decodeUpdate(update);
  } catch {
    // Yjs cannot read it: the reader must not have read anything either.
  }
  if (read === null) return false;
  expect(yjs, 'the reader read an update Yjs cannot').not.toBeNull();
  expect(describeUpdate(read)).toEqual(describeUpdate(yjs as never));
  return true;
}

// ---- honest updates ---------------------------------------------------------------------------

const textArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  fc.string({ minLength: 60, maxLength: 70 }),
  fc.constantFrom('y', 'æøå', '😀', '\uFEFFx', 'a\u0000b'),
);

type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'set'; key: string; value: string };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: textArb }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('title', 'dueDate'), value: fc.string({ maxLength: 4 }) }),
);

/** The updates a client sends while making these edits to text in an entry, one per edit. */
function honestUpdates(seedText: string, edits: Edit[], clientId: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const goals = doc.getArray<Y.Map<unknown>>('goals');
  const entry = new Y.Map<unknown>();
  goals.push([entry]);
  const text = new Y.Text(seedText);
  entry.set('text', text);
  const updates: Uint8Array[] = [Y.encodeStateAsUpdate(doc)];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (const edit of edits) {
    if (edit.kind === 'insert') text.insert(edit.at % (text.length + 1), edit.text);
    else if (edit.kind === 'delete' && text.length > 0) text.delete(edit.at % text.length, Math.min(edit.length, text.length - (edit.at % text.length)));
    else if (edit.kind === 'set') entry.set(edit.key, edit.value);
  }
  return updates;
}

// ---- made-up bytes -----------------------------------------------------------------------------

/** A varint that is usually small, sometimes a client id, sometimes past what lib0 reads. */
const countArb = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 3 }) }, fc.nat({ max: 2 ** 32 }), fc.constantFrom(127, 128, Number.MAX_SAFE_INTEGER));
/** String bytes: ASCII, UTF-8 of any text, or bytes that are not UTF-8; with a length that may lie. */
const stringArb = fc.record({
  bytes: fc.oneof(
    fc.string({ maxLength: 70 }).map((text) => new TextEncoder().encode(text)),
    fc.string({ unit: 'binary', maxLength: 6 }).map((text) => new TextEncoder().encode(text)),
    fc.uint8Array({ maxLength: 6 }),
  ),
  lengthOffBy: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, fc.integer({ min: -2, max: 2 })),
});
const infoArb = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(0, 0x20, 0x40, 0x80, 0xc0, 0x60, 0xa0, 0xe0), fc.constantFrom(4, 4, 4, 1, 8, 10, 0)).map(([flags, ref]) => flags | ref) },
  fc.nat({ max: 255 }),
);
/** One part of an update in format v1's order; the reader and Yjs must agree on any sequence of them. */
const partArb = fc.oneof(
  countArb.map((value) => ({ varint: value })),
  infoArb.map((value) => ({ byte: value })),
  stringArb.map((value) => ({ string: value })),
);
/** One, the count the reader reads; sometimes another. */
const mostlyOneArb = fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, countArb);

/** Bytes following format v1's grammar for one group of one item and a delete set, with any part swapped for another. */
const shapedArb = fc.record({
  groups: mostlyOneArb,
  structs: mostlyOneArb,
  client: countArb,
  clock: countArb,
  info: infoArb,
  origin: fc.tuple(countArb, countArb),
  rightOrigin: fc.tuple(countArb, countArb),
  parentIsKey: countArb,
  parentKey: stringArb,
  parentId: fc.tuple(countArb, countArb),
  parentSub: stringArb,
  text: stringArb,
  deletes: fc.array(fc.tuple(countArb, fc.array(fc.tuple(countArb, countArb), { maxLength: 3 })), { maxLength: 3 }),
  swaps: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.nat(), partArb), { minLength: 1, maxLength: 2 })),
  tail: fc.oneof({ weight: 3, arbitrary: fc.constant(new Uint8Array()) }, fc.uint8Array({ minLength: 1, maxLength: 2 })),
});
type Part = { varint: number } | { byte: number } | { string: { bytes: Uint8Array; lengthOffBy: number } };
function shapedBytes(shape: typeof shapedArb extends fc.Arbitrary<infer T> ? T : never): Uint8Array {
  const parts: Part[] = [{ varint: shape.groups }, { varint: shape.structs }, { varint: shape.client }, { varint: shape.clock }, { byte: shape.info }];
  if (shape.info & 0x80) parts.push({ varint: shape.origin[0] }, { varint: shape.origin[1] });
  if (shape.info & 0x40) parts.push({ varint: shape.rightOrigin[0] }, { varint: shape.rightOrigin[1] });
  if ((shape.info & 0xc0) === 0) {
    parts.push({ varint: shape.parentIsKey });
    if (shape.parentIsKey === 1) parts.push({ string: shape.parentKey });
    else parts.push({ varint: shape.parentId[0] }, { varint: shape.parentId[1] });
    if (shape.info & 0x20) parts.push({ string: shape.parentSub });
  }
  parts.push({ string: shape.text }, { varint: shape.deletes.length });
  for (const [client, ranges] of shape.deletes) {
    parts.push({ varint: client }, { varint: ranges.length });
    for (const [clock, len] of ranges) parts.push({ varint: clock }, { varint: len });
  }
  for (const [at, part] of shape.swaps) parts[at % parts.length] = part;
  const encoder = encoding.createEncoder();
  for (const part of parts) {
    if ('varint' in part) encoding.writeVarUint(encoder, part.varint);
    else if ('byte' in part) encoding.writeUint8(encoder, part.byte);
    else {
      encoding.writeVarUint(encoder, Math.max(0, part.string.bytes.length + part.string.lengthOffBy));
      encoding.writeUint8Array(encoder, part.string.bytes);
    }
  }
  encoding.writeUint8Array(encoder, shape.tail);
  return encoding.toUint8Array(encoder);
}

describe('the lean update reader', () => {
  it('reads what Yjs reads from every honest update of text, or leaves it to Yjs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), fc.array(editArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (seedText, edits, clientId) => {
        for (const update of honestUpdates(seedText, edits, clientId)) agreesWithYjs(update);
      }),
      { numRuns: Math.ceil(NUM_RUNS / 3), seed: SEED },
    );
  });

  it('reads the keystrokes and deletions it is for (the fast path is taken)', () => {
    const updates = honestUpdates('hello', [
      { kind: 'insert', at: 2, text: 'y' },
      { kind: 'insert', at: 0, text: 'æ' },
      { kind: 'insert', at: 99, text: 'tail' },
      { kind: 'delete', at: 1, length: 2 },
    ], 7);
    // The first update makes the entry and its text: many structs, Yjs's to read.
    expect(readSimpleUpdate(updates[0]!)).toBeNull();
    for (const update of updates.slice(1)) expect(agreesWithYjs(update)).toBe(true);
  });

  it('reads an item whose parent is named (no neighbours) as Yjs does: root key, item id, key in a map', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    doc.getText('rootText').insert(0, 'a');
    const map = doc.getMap<Y.Text>('record');
    map.set('note', new Y.Text());
    map.get('note')!.insert(0, 'first');
    for (const update of updates) agreesWithYjs(update);
    expect(updates.filter((update) => readSimpleUpdate(update) !== null)).toHaveLength(2);
  });

  it('declines or agrees on every mutation of honest updates (bytes flipped, cut, added)', () => {
    let read = 0;
    const pool = honestUpdates('seed', [
      { kind: 'insert', at: 1, text: 'x' },
      { kind: 'insert', at: 3, text: 'æøå😀' },
      { kind: 'delete', at: 0, length: 2 },
      { kind: 'insert', at: 0, text: 'a'.repeat(70) },
    ], 123_456).slice(1);
    fc.assert(
      fc.property(
        fc.constantFrom(...pool),
        fc.array(fc.record({ at: fc.nat(), byte: fc.nat({ max: 255 }), how: fc.constantFrom('flip', 'insert', 'remove') }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: null }),
        (update, mutations, cut) => {
          const bytes = [...update];
          for (const { at, byte, how } of mutations) {
            const index = at % (bytes.length + 1);
            if (how === 'flip' && index < bytes.length) bytes[index] = byte;
            else if (how === 'insert') bytes.splice(index, 0, byte);
            else if (how === 'remove') bytes.splice(index, 1);
          }
          if (agreesWithYjs(new Uint8Array(cut === null ? bytes : bytes.slice(0, cut % (bytes.length + 1))))) read += 1;
        },
      ),
      { numRuns: NUM_RUNS, seed: SEED },
    );
    // Some mutations leave a readable update (a character changed, say): the comparison was made.
    expect(read).toBeGreaterThan(NUM_RUNS / 100);
  });

  it('declines or agrees on made-up bytes shaped like the format', () => {
    let read = 0;
    fc.assert(
      fc.property(shapedArb, (shape) => {
        if (agreesWithYjs(shapedBytes(shape))) read += 1;
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
    // Enough of them are readable that the comparison is made, not only the declining.
    expect(read).toBeGreaterThan(NUM_RUNS / 100);
  });

  it('never reads past the update into the buffer it is a view of', () => {
    // A string whose length runs past the update's end, inside a larger buffer (ws hands out views).
    const encoder = encoding.createEncoder();
    for (const value of [1, 1, 9, 0]) encoding.writeVarUint(encoder, value);
    encoding.writeUint8(encoder, 0x04); // string content, no neighbours
    for (const value of [1]) encoding.writeVarUint(encoder, value); // the parent is a root key…
    encoding.writeVarUint(encoder, 5); // …five bytes long, of which the update holds two
    const head = encoding.toUint8Array(encoder);
    const buffer = new Uint8Array(head.length + 2 + 16).fill(0x61);
    buffer.set(head);
    const update = buffer.subarray(0, head.length + 2);
    expect(readSimpleUpdate(update)).toBeNull();
    expect(() => Y.decodeUpdate(update)).toThrow();
  });
});

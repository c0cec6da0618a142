import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Actor } from '../policy/actor.js';
import { can, type PlanFacts } from '../policy/policy.js';
import { SECTIONS, SECTION_KEYS, defineSections, type SectionKey } from './document.template.js';
import { inspectUpdate, type Touch } from './update-inspector.js';

/**
 * Differential property test (issue 11): for every update, honest or hostile, what the inspector
 * says it touches must equal what an oracle sees by applying the update to a copy of the document
 * and comparing the trees before and after. Runs: FC_NUM_RUNS (default 3000); a failure prints
 * fast-check's seed and path (replay with FC_SEED and FC_PATH).
 */
// Test-run knobs, not application configuration: read here, never through src/config.
const env = process['env']; // eslint-disable-line no-restricted-properties
const NUM_RUNS = Number(env['FC_NUM_RUNS'] ?? 3000);
const SEED = env['FC_SEED'] ? Number(env['FC_SEED']) : undefined;
const PATH = env['FC_PATH'];

const PEOPLE = ['p-owner', 'p-relative', 'p-other', 'p-provider'];
const ORGS = ['o-1', 'o-2'];

// ---- documents -----------------------------------------------------------------------------

interface BaseSpec {
  contributions: Array<{ personId: string; text: string }>;
  measures: Array<{ organizationId: string; title: string }>;
  goals: string[];
  resources: string;
  deleteOne: boolean;
}

const baseSpec: fc.Arbitrary<BaseSpec> = fc.record({
  contributions: fc.array(fc.record({ personId: fc.constantFrom(...PEOPLE), text: fc.string({ maxLength: 6 }) }), { maxLength: 3 }),
  measures: fc.array(fc.record({ organizationId: fc.constantFrom(...ORGS), title: fc.string({ maxLength: 6 }) }), { maxLength: 3 }),
  goals: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
  resources: fc.string({ maxLength: 6 }),
  deleteOne: fc.boolean(),
});

function buildServer(spec: BaseSpec): Y.Doc {
  const author = new Y.Doc();
  defineSections(author);
  let n = 0;
  const entry = (fields: Record<string, unknown>) => new Y.Map<unknown>(Object.entries({ id: `e${n++}`, ...fields }));
  author.getArray('contributions').push(spec.contributions.map((c) => entry({ personId: c.personId, text: new Y.Text(c.text) })));
  author.getArray('measures').push(spec.measures.map((m) => entry({ organizationId: m.organizationId, title: new Y.Text(m.title) })));
  author.getArray('goals').push(spec.goals.map((g) => entry({ text: new Y.Text(g) })));
  author.getMap('situation').set('resources', new Y.Text(spec.resources));
  if (spec.deleteOne && author.getArray('contributions').length) author.getArray('contributions').delete(0, 1);
  const server = new Y.Doc();
  defineSections(server);
  Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
  return server;
}

function copyOf(doc: Y.Doc, gc = true): Y.Doc {
  const copy = new Y.Doc({ gc });
  defineSections(copy);
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

// ---- honest edits --------------------------------------------------------------------------

type Op =
  | { kind: 'add'; section: 'contributions' | 'measures' | 'goals'; owner: number; text: string }
  | { kind: 'setOwner'; section: 'contributions' | 'measures'; at: number; owner: number }
  | { kind: 'type'; section: 'contributions' | 'measures' | 'goals'; at: number; where: number; text: string; cut: boolean }
  | { kind: 'remove'; section: 'contributions' | 'measures' | 'goals'; at: number }
  | { kind: 'record'; text: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), section: fc.constantFrom('contributions' as const, 'measures' as const, 'goals' as const), owner: fc.nat(5), text: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('setOwner' as const), section: fc.constantFrom('contributions' as const, 'measures' as const), at: fc.nat(5), owner: fc.nat(5) }),
  fc.record({ kind: fc.constant('type' as const), section: fc.constantFrom('contributions' as const, 'measures' as const, 'goals' as const), at: fc.nat(5), where: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.string({ minLength: 1, maxLength: 4 }), cut: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), section: fc.constantFrom('contributions' as const, 'measures' as const, 'goals' as const), at: fc.nat(5) }),
  fc.record({ kind: fc.constant('record' as const), text: fc.string({ maxLength: 4 }) }),
);

let entrySerial = 0;
function runOp(doc: Y.Doc, o: Op): void {
  const ownerField = (section: string) => (section === 'measures' ? 'organizationId' : 'personId');
  const ownerValue = (section: string, index: number) => (section === 'measures' ? ORGS[index % ORGS.length]! : PEOPLE[index % PEOPLE.length]!);
  const list = (section: string) => doc.getArray<Y.Map<unknown>>(section);
  const pick = (section: string, at: number) => (list(section).length ? list(section).get(at % list(section).length) : null);
  switch (o.kind) {
    case 'add': {
      const fields: Record<string, unknown> = { id: `n${entrySerial++}`, [o.section === 'measures' ? 'title' : 'text']: new Y.Text(o.text) };
      if (o.section !== 'goals') fields[ownerField(o.section)] = ownerValue(o.section, o.owner);
      list(o.section).push([new Y.Map(Object.entries(fields))]);
      return;
    }
    case 'setOwner':
      pick(o.section, o.at)?.set(ownerField(o.section), ownerValue(o.section, o.owner));
      return;
    case 'type': {
      const field = pick(o.section, o.at)?.get(o.section === 'measures' ? 'title' : 'text');
      if (!(field instanceof Y.Text)) return;
      // Anywhere in the text: between characters other sessions of this update typed, too.
      const index = Math.floor(o.where * field.length);
      field.insert(index, o.text);
      if (o.cut) field.delete(index, 1);
      return;
    }
    case 'remove':
      if (list(o.section).length) list(o.section).delete(o.at % list(o.section).length, 1);
      return;
    case 'record': {
      const resources = doc.getMap('situation').get('resources');
      if (resources instanceof Y.Text) resources.insert(0, o.text);
      else doc.getMap('situation').set('resources', new Y.Text(o.text));
    }
  }
}

/**
 * A transaction's ops, and whether it starts a new session first: a new Yjs client id on the same
 * copy, as an editor reloading offline gets, so one update carries several clients typing in turn.
 */
interface Transaction {
  ops: Op[];
  session: number | null;
}
const transaction: fc.Arbitrary<Transaction> = fc.record({
  ops: fc.array(op, { minLength: 1, maxLength: 3 }),
  session: fc.option(fc.integer({ min: 1, max: 2 ** 31 }), { freq: 2 }),
});

/** One or more clients, each a copy of the server, each making several transactions; their diffs merged. */
const honestPlan = fc.array(fc.array(transaction, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 2 });

function honestUpdate(server: Y.Doc, clients: Transaction[][]): Uint8Array {
  const before = Y.encodeStateVector(server);
  const diffs = clients.map((transactions) => {
    const client = copyOf(server);
    for (const { ops, session } of transactions) {
      if (session !== null) client.clientID = session;
      client.transact(() => ops.forEach((o) => runOp(client, o)));
    }
    return Y.encodeStateAsUpdate(client, before);
  });
  return diffs.length === 1 ? diffs[0]! : Y.mergeUpdates(diffs);
}

// ---- hostile byte-level constructions ------------------------------------------------------

type Mutation =
  | { kind: 'duplicateGroup'; at: number }
  | { kind: 'reorderGroups' }
  | { kind: 'splitGroup'; at: number }
  | { kind: 'client'; at: number; client: number }
  | { kind: 'clock'; at: number; shift: number }
  | { kind: 'origin'; at: number; ref: number; which: 'origin' | 'rightOrigin' | 'parent' }
  | { kind: 'parentSub'; at: number; key: string }
  | { kind: 'value'; at: number; value: string }
  | { kind: 'deleteKnown'; ref: number; len: number }
  | { kind: 'deleteOwn'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('duplicateGroup' as const), at: fc.nat(10) }),
  fc.record({ kind: fc.constant('reorderGroups' as const) }),
  fc.record({ kind: fc.constant('splitGroup' as const), at: fc.nat(30) }),
  fc.record({ kind: fc.constant('client' as const), at: fc.nat(30), client: fc.constantFrom(1, 2, 4242000) }),
  fc.record({ kind: fc.constant('clock' as const), at: fc.nat(30), shift: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('origin' as const), at: fc.nat(30), ref: fc.nat(200), which: fc.constantFrom('origin' as const, 'rightOrigin' as const, 'parent' as const) }),
  fc.record({ kind: fc.constant('parentSub' as const), at: fc.nat(30), key: fc.constantFrom('personId', 'organizationId', 'id', 'text') }),
  fc.record({ kind: fc.constant('value' as const), at: fc.nat(30), value: fc.constantFrom(...PEOPLE, ...ORGS) }),
  fc.record({ kind: fc.constant('deleteKnown' as const), ref: fc.nat(200), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('deleteOwn' as const), at: fc.nat(30) }),
);

type Group = { client: number; clock: number; structs: Array<Y.Item | Y.GC> };

/** Writes struct groups and a delete set as format v1, exactly as given (no canonicalisation). */
function writeUpdate(groups: Group[], deletes: Array<{ client: number; clock: number; len: number }>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, groups.length);
  for (const group of groups) {
    encoding.writeVarUint(encoder.restEncoder, group.structs.length);
    encoder.writeClient(group.client);
    encoding.writeVarUint(encoder.restEncoder, group.clock);
    for (const struct of group.structs) struct.write(encoder, 0);
  }
  const byClient = new Map<number, Array<{ clock: number; len: number }>>();
  for (const d of deletes) byClient.set(d.client, [...(byClient.get(d.client) ?? []), d]);
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, ranges] of byClient) {
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(encoder.restEncoder, range.clock);
      encoding.writeVarUint(encoder.restEncoder, range.len);
    }
  }
  return encoder.toUint8Array();
}

/** Ids present in the server (items and collected ranges), for hostile references. */
function knownIds(server: Y.Doc): Y.ID[] {
  const ids: Y.ID[] = [];
  for (const [client, structs] of server.store.clients) for (const s of structs) for (let c = 0; c < s.length && ids.length < 400; c += 1) ids.push(Y.createID(client, s.id.clock + c));
  return ids;
}

function hostileUpdate(server: Y.Doc, base: Uint8Array, mutations: Mutation[]): Uint8Array {
  const decoded = Y.decodeUpdate(base) as unknown as { structs: Array<Y.Item | Y.GC>; ds: { clients: Map<number, Array<{ clock: number; len: number }>> } };
  const groups: Group[] = [];
  for (const s of decoded.structs) {
    const last = groups[groups.length - 1];
    if (last && last.client === s.id.client) last.structs.push(s);
    else groups.push({ client: s.id.client, clock: s.id.clock, structs: [s] });
  }
  const deletes = [...decoded.ds.clients].flatMap(([client, ranges]) => ranges.map((r) => ({ client, ...r })));
  const all = () => groups.flatMap((g) => g.structs);
  const items = () => all().filter((s): s is Y.Item => s instanceof Y.Item);
  const refs = [...knownIds(server), ...all().map((s) => s.id)];
  for (const m of mutations) {
    const item = items().length ? items()[('at' in m ? m.at : 0) % items().length]! : null;
    switch (m.kind) {
      case 'duplicateGroup':
        if (groups.length) groups.push({ ...groups[m.at % groups.length]!, structs: [...groups[m.at % groups.length]!.structs] });
        break;
      case 'reorderGroups':
        groups.reverse();
        break;
      case 'splitGroup': {
        const group = groups.find((g) => g.structs.length > 1);
        if (!group) break;
        const cut = 1 + (m.at % (group.structs.length - 1));
        const tail = group.structs.splice(cut);
        groups.push({ client: group.client, clock: tail[0]!.id.clock, structs: tail });
        break;
      }
      case 'client': {
        const group = groups[m.at % Math.max(groups.length, 1)];
        if (group) group.client = m.client;
        break;
      }
      case 'clock': {
        const group = groups[m.at % Math.max(groups.length, 1)];
        if (group) group.clock = Math.max(0, group.clock + m.shift);
        break;
      }
      case 'origin': {
        if (!item || !refs.length) break;
        const ref = refs[m.ref % refs.length]!;
        if (m.which === 'parent') {
          item.origin = null;
          item.rightOrigin = null;
          // Decoded items name their parent by root key or id until integrated.
          (item as unknown as { parent: string | Y.ID }).parent = m.ref % 5 === 0 ? SECTION_KEYS[m.ref % SECTION_KEYS.length]! : ref;
        } else item[m.which] = ref;
        break;
      }
      case 'parentSub':
        if (item && item.origin === null && item.rightOrigin === null) item.parentSub = m.key;
        break;
      case 'value':
        if (item && item.content instanceof Y.ContentAny) item.content = new Y.ContentAny([m.value]);
        break;
      case 'deleteKnown':
        if (refs.length) deletes.push({ client: refs[m.ref % refs.length]!.client, clock: refs[m.ref % refs.length]!.clock, len: m.len });
        break;
      case 'deleteOwn':
        if (item) deletes.push({ client: item.id.client, clock: item.id.clock, len: 1 });
        break;
    }
  }
  return writeUpdate(groups, deletes);
}

/** An entry created and handed to someone else in a second transaction (finding 2), as a building block. */
function ownerSwapUpdate(server: Y.Doc, section: 'contributions' | 'measures', first: number, second: number): Uint8Array {
  const client = copyOf(server);
  const before = Y.encodeStateVector(server);
  const field = section === 'measures' ? 'organizationId' : 'personId';
  const values = section === 'measures' ? ORGS : PEOPLE;
  const fresh = new Y.Map<unknown>(Object.entries({ id: `s${entrySerial++}`, [field]: values[first % values.length], text: new Y.Text('x') }));
  client.getArray(section).push([fresh]);
  client.transact(() => fresh.set(field, values[second % values.length]));
  return Y.encodeStateAsUpdate(client, before);
}

// ---- the oracle ----------------------------------------------------------------------------

interface Snapshot {
  /** `section|entryKey` → ids of every item in that subtree (entry item included), with deleted flags. */
  units: Map<string, Map<string, boolean>>;
  entries: Map<string, Y.Item>;
  /** Owner fields of each entry as they were when the snapshot was taken (items change in place). */
  owners: Map<string, { ownerPersonId: string | null; organizationId: string | null }>;
}

const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;

function typeItems(type: Y.AbstractType<unknown>): Y.Item[] {
  const out: Y.Item[] = [];
  for (let n = type._start; n; n = n.right) out.push(n);
  for (const last of type._map.values()) for (let n: Y.Item | null = last; n; n = n.left) out.push(n);
  return out;
}

function subtree(item: Y.Item, into: Map<string, boolean>): void {
  into.set(idKey(item.id), item.deleted);
  if (item.content instanceof Y.ContentType) for (const child of typeItems(item.content.type)) subtree(child, into);
}

function snapshot(doc: Y.Doc): Snapshot {
  const units = new Map<string, Map<string, boolean>>();
  const entries = new Map<string, Y.Item>();
  const owners = new Map<string, { ownerPersonId: string | null; organizationId: string | null }>();
  for (const key of SECTION_KEYS) {
    const root = SECTIONS[key].kind === 'list' ? doc.getArray(key) : doc.getMap(key);
    for (const item of typeItems(root as Y.AbstractType<unknown>)) {
      const unit = SECTIONS[key].kind === 'list' ? `${key}|${idKey(item.id)}` : `${key}|`;
      if (SECTIONS[key].kind === 'list') {
        entries.set(unit, item);
        owners.set(unit, ownerOf(key, item));
      }
      const ids = units.get(unit) ?? new Map<string, boolean>();
      subtree(item, ids);
      units.set(unit, ids);
    }
  }
  return { units, entries, owners };
}

function ownerOf(section: SectionKey, entry: Y.Item | undefined): { ownerPersonId: string | null; organizationId: string | null } {
  const map = entry && !entry.deleted && entry.content instanceof Y.ContentType && entry.content.type instanceof Y.Map ? (entry.content.type as Y.Map<unknown>) : null;
  const read = (field: string) => {
    const value = map?.get(field);
    return typeof value === 'string' ? value : null;
  };
  return {
    ownerPersonId: SECTIONS[section].ownerField === 'personId' ? read('personId') : null,
    organizationId: SECTIONS[section].ownerField === 'organizationId' ? read('organizationId') : null,
  };
}

interface Oracle {
  pending: boolean;
  threw: boolean;
  touches: string[];
  /** Why what Yjs integrated breaks the plan's template (judged on the result, independently of the inspector); null when it does not. */
  breaks: string | null;
  /** Yjs collected some of the update's items on arrival (a collected neighbour or parent): they land nowhere. */
  discarded: boolean;
}

/**
 * Shapes refused by rule before anything is read (docs/document-model.md): no honest encoder writes
 * them, and Yjs may integrate them some other way (a repeated group is silently dropped), so the
 * oracle cannot see them in the result. Every other refusal must be visible in what Yjs does.
 */
const REFUSED_BY_RULE = new Set([
  'update names a client in more than one part',
  'update has gaps',
  'update refers to changes the document does not have',
  'update refers to its own later changes',
  'update is malformed',
  'update could not be read',
]);

const MAX_STRING = 1_000;
const isRealDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Whether a plain value fits the field, read from the template (a second reading, not the inspector's). */
function fitsField(section: SectionKey, key: string, content: Y.Item['content']): boolean {
  const spec = key === 'id' && SECTIONS[section].kind === 'list' ? { type: 'string' as const } : SECTIONS[section].fields[key];
  // A key that is no field breaks the template even when its value arrives deleted: the key stays in
  // the record's map, in every copy of the document, for good.
  if (!spec) return false;
  if (content instanceof Y.ContentDeleted) return true;
  if (spec.type === 'text') return content instanceof Y.ContentType && content.type instanceof Y.Text;
  if (!(content instanceof Y.ContentAny)) return false;
  return content.arr.every((value: unknown) => {
    if (value === null) return true;
    switch (spec.type) {
      case 'string':
        return typeof value === 'string' && value.length <= MAX_STRING;
      case 'date':
        return typeof value === 'string' && isRealDate(value);
      case 'dates':
        return Array.isArray(value) && value.length <= 100 && value.every((date) => typeof date === 'string' && isRealDate(date));
      case 'enum':
        return typeof value === 'string' && (spec.values ?? []).includes(value);
    }
  });
}

/** Reads every struct the update added to `copy` and says how the result breaks the template, if it does. */
function discardedOnArrival(copy: Y.Doc, beforeState: Map<number, number>, update: Uint8Array): boolean {
  for (const struct of (Y.decodeUpdate(update) as unknown as { structs: unknown[] }).structs) {
    if (!(struct instanceof Y.Item) || struct.id.clock < (beforeState.get(struct.id.client) ?? 0)) continue;
    if (struct.id.clock < Y.getState(copy.store, struct.id.client) && !(Y.getItem(copy.store, struct.id) instanceof Y.Item)) return true;
  }
  return false;
}

function templateBreach(copy: Y.Doc, beforeState: Map<number, number>, update: Uint8Array): string | null {
  const sent = new Map<string, Y.Item>();
  for (const struct of (Y.decodeUpdate(update) as unknown as { structs: unknown[] }).structs) {
    if (struct instanceof Y.Item) sent.set(idKey(struct.id), struct);
  }
  for (const original of sent.values()) {
    if (original.id.clock < (beforeState.get(original.id.client) ?? 0) || !(original.parent instanceof Y.ID)) continue;
    // Collected on arrival (Yjs merges it into a run of collected structs): fine when its parent was already collected or deleted, not when the parent is a plain value.
    // Yjs may also have dropped it whole (a client's second group replaces its first).
    const held = (id: Y.ID) => id.clock < Y.getState(copy.store, id.client);
    if (!held(original.id) || Y.getItem(copy.store, original.id) instanceof Y.Item || !held(original.parent)) continue;
    const parent = Y.getItem(copy.store, original.parent) as Y.Item | Y.GC;
    if (parent instanceof Y.Item && !(parent.content instanceof Y.ContentType) && !(parent.content instanceof Y.ContentDeleted)) return 'content under a plain value';
  }
  for (const [client, structs] of copy.store.clients) {
    const known = beforeState.get(client) ?? 0;
    for (const struct of structs) {
      if (struct.id.clock + struct.length <= known || !(struct instanceof Y.Item)) continue;
      if (struct.content instanceof Y.ContentDoc) return 'a sub-document';
      const path: Y.Item[] = [struct];
      let parent = struct.parent as Y.AbstractType<unknown>;
      while (parent._item) {
        path.unshift(parent._item);
        parent = parent._item.parent as Y.AbstractType<unknown>;
      }
      if (path.length > 5) return 'nested too deep';
      const root = Y.findRootTypeKey(parent);
      if (!(SECTION_KEYS as readonly string[]).includes(root)) return `a root that is no section (${root})`;
      const section = root as SectionKey;
      const fieldDepth = SECTIONS[section].kind === 'record' ? 0 : 1;
      const field = path[fieldDepth];
      if (path.length > fieldDepth + 1) {
        const inText = field!.content instanceof Y.ContentType && field!.content.type instanceof Y.Text;
        const chars = struct.content instanceof Y.ContentString || struct.content instanceof Y.ContentFormat || struct.content instanceof Y.ContentDeleted;
        if (path.length > fieldDepth + 2 && path[fieldDepth + 1] !== struct) continue; // judged at its own depth
        if (!inText || !chars || struct.parentSub !== null) return `not text inside a field of ${section}`;
        continue;
      }
      if (fieldDepth === 1 && path.length === 1) {
        if (struct.parentSub !== null) return `a key on the list ${section}`;
        if (struct.content instanceof Y.ContentDeleted) continue;
        if (!(struct.content instanceof Y.ContentType && struct.content.type instanceof Y.Map)) return `an entry of ${section} that is no map`;
        const idSlot = struct.content.type._map.get('id');
        // An entry the same update removes again is gone whatever it held.
        if (struct.deleted) continue;
        const id: unknown = idSlot && !idSlot.deleted ? idSlot.content.getContent().at(-1) : undefined;
        if (typeof id !== 'string') return `a new entry of ${section} without a string id`;
        continue;
      }
      if (struct.parentSub === null) return `a list item where ${section} has fields`;
      if (!fitsField(section, struct.parentSub, struct.content)) return `"${struct.parentSub}" does not fit ${section}`;
      if (fieldDepth === 1 && struct.parentSub === 'id' && path[0]!.id.clock < (beforeState.get(path[0]!.id.client) ?? 0)) return `an id changed in ${section}`;
    }
  }
  return null;
}

function oracle(server: Y.Doc, update: Uint8Array): Oracle {
  // Without garbage collection, so what the update writes into something it also deletes stays visible
  // (integration itself is the same: Yjs collects only after the transaction).
  const copy = copyOf(server, false);
  const before = snapshot(copy);
  const beforeState = Y.decodeStateVector(Y.encodeStateVector(copy));
  let threw = false;
  try {
    Y.applyUpdate(copy, update);
  } catch {
    threw = true;
  }
  const pending = Boolean(copy.store.pendingStructs || copy.store.pendingDs);
  const after = snapshot(copy);
  const touches: string[] = [];
  for (const [unit, ids] of after.units) {
    const old = before.units.get(unit) ?? new Map<string, boolean>();
    const gained = [...ids.keys()].filter((id) => !old.has(id));
    const lost = [...old].some(([id, deleted]) => !deleted && (ids.get(id) ?? true));
    if (!gained.length && !lost) continue;
    const [section, entryKey] = unit.split('|') as [SectionKey, string];
    if (!entryKey) {
      touches.push(describe_(section, null, false, null, false));
      continue;
    }
    const isNew = !before.entries.has(unit);
    const facts = (isNew ? after : before).owners.get(unit)!;
    const ownerField = SECTIONS[section].ownerField;
    const entry = after.entries.get(unit)!;
    const slot = !isNew && ownerField && entry.content instanceof Y.ContentType ? (entry.content.type._map.get(ownerField) ?? null) : null;
    let changesOwner = false;
    for (let n: Y.Item | null = slot; n; n = n.left) if (gained.includes(idKey(n.id))) changesOwner = true;
    touches.push(describe_(section, entryKey, isNew, facts, changesOwner));
  }
  // Units that vanished (entries whose subtree was collected and which are no longer reachable) do not occur: entry items stay.
  const breaks = threw || pending ? null : templateBreach(copy, beforeState, update);
  const discarded = !threw && !pending && discardedOnArrival(copy, beforeState, update);
  copy.destroy();
  return { pending, threw, touches: touches.sort(), breaks, discarded };
}

function describe_(section: string, entryKey: string | null, isNew: boolean, facts: { ownerPersonId: string | null; organizationId: string | null } | null, changesOwner: boolean): string {
  return JSON.stringify([section, entryKey, entryKey ? isNew : false, facts?.ownerPersonId ?? null, facts?.organizationId ?? null, entryKey ? changesOwner : false]);
}

const fromInspector = (touches: Touch[]) =>
  touches.map((t) => describe_(t.section, t.entryKey, t.isNewEntry, t.entry, t.entry?.changesOwner ?? false)).sort();

// ---- the policy, for a few actors ----------------------------------------------------------

const PLAN: PlanFacts = {
  planId: 'plan',
  ownerId: 'p-owner',
  status: 'ACTIVE',
  participants: [
    { personId: 'p-owner', role: 'OWNER', readsContent: true },
    { personId: 'p-relative', role: 'RELATIVE', readsContent: true },
    { personId: 'p-provider', role: 'PROVIDER', organizationId: 'o-1', readsContent: true },
  ],
};
const actor = (personId: string): Actor => ({ personId, kind: 'CITIZEN', isAdmin: false, memberships: [], tokenExpiresAt: new Date(8.64e15) });
const ACTORS = ['p-owner', 'p-relative', 'p-provider'].map(actor);

function verdicts(touches: Array<{ section: SectionKey; entry: Touch['entry'] }>): boolean[] {
  return ACTORS.map((a) => touches.every((t) => can(a, 'plan.editSection', { plan: PLAN, section: t.section, grants: {}, entry: t.entry })));
}
const parseTouch = (s: string) => {
  const [section, entryKey, , ownerPersonId, organizationId, changesOwner] = JSON.parse(s) as [SectionKey, string | null, boolean, string | null, string | null, boolean];
  return { section, entry: entryKey ? { ownerPersonId, organizationId, changesOwner } : null };
};

// ---- the property --------------------------------------------------------------------------

type Case = { kind: 'honest'; clients: Transaction[][] } | { kind: 'hostile'; clients: Transaction[][]; mutations: Mutation[] } | { kind: 'swap'; section: 'contributions' | 'measures'; first: number; second: number; mutations: Mutation[] };

const updateCase: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ kind: fc.constant('honest' as const), clients: honestPlan }),
  fc.record({ kind: fc.constant('hostile' as const), clients: honestPlan, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('swap' as const), section: fc.constantFrom('contributions' as const, 'measures' as const), first: fc.nat(5), second: fc.nat(5), mutations: fc.array(mutation, { maxLength: 2 }) }),
);

function makeUpdate(server: Y.Doc, c: Case): Uint8Array {
  if (c.kind === 'honest') return honestUpdate(server, c.clients);
  if (c.kind === 'hostile') return hostileUpdate(server, honestUpdate(server, c.clients), c.mutations);
  const swapped = ownerSwapUpdate(server, c.section, c.first, c.second);
  return c.mutations.length ? hostileUpdate(server, swapped, c.mutations) : swapped;
}

/**
 * Cases a random run once found, checked first in every run. The first: an entry made and removed in
 * one update, its (now deleted) item moved under a record section with a key that is no field of it;
 * Yjs keeps that key in the record's map, the inspector refuses it.
 */
const FOUND_CASES: Array<[BaseSpec, Case]> = [
  [
    { contributions: [], measures: [], goals: [], resources: '', deleteOne: false },
    {
      kind: 'hostile',
      clients: [[{ ops: [{ kind: 'add', section: 'measures', owner: 0, text: '' }], session: null }, { ops: [{ kind: 'remove', section: 'measures', at: 0 }], session: null }]],
      mutations: [{ kind: 'origin', at: 0, ref: 20, which: 'parent' }, { kind: 'parentSub', at: 0, key: 'personId' }],
    },
  ],
];

const counts = { accepted: 0, refused: 0, refusedByRule: 0, refusedDiscarded: 0, trial: 0, honest: 0 };

describe('inspectUpdate against Yjs itself (differential, issue 11)', () => {
  it(`sees exactly what applying the update changes (${NUM_RUNS} runs; FC_NUM_RUNS, FC_SEED, FC_PATH)`, () => {
    fc.assert(
      fc.property(baseSpec, updateCase, (spec, c) => {
        const server = buildServer(spec);
        const update = makeUpdate(server, c);
        const inspection = inspectUpdate(server, update);
        const truth = oracle(server, update);
        if (c.kind === 'honest') {
          counts.honest += 1;
          // Honest edits are never refused for their shape, and Yjs integrates them fully.
          expect(inspection.ok ? 'ok' : inspection.reason).toBe('ok');
        }
        if (!inspection.ok) {
          counts.refused += 1;
          if (REFUSED_BY_RULE.has(inspection.reason)) {
            counts.refusedByRule += 1;
            return;
          }
          if (truth.discarded && !truth.breaks) {
            // Stricter than Yjs by design: content that breaks the template is refused even where Yjs would drop it on arrival.
            counts.refusedDiscarded += 1;
            return;
          }
          // Any other refusal must show in what Yjs does with the update: it cannot integrate it whole, or the result breaks the template.
          expect({ reason: inspection.reason, yjs: truth.pending || truth.threw || truth.breaks !== null }).toEqual({ reason: inspection.reason, yjs: true });
          return;
        }
        counts.accepted += 1;
        if (inspection.checkedBy === 'trial') counts.trial += 1;
        // An accepted update integrates completely: nothing pending, nothing thrown.
        expect({ pending: truth.pending, threw: truth.threw, breaks: truth.breaks }).toEqual({ pending: false, threw: false, breaks: null });
        expect(fromInspector(inspection.touches)).toEqual(truth.touches);
        expect(verdicts(inspection.touches)).toEqual(verdicts(truth.touches.map(parseTouch)));
      }),
      { numRuns: NUM_RUNS, seed: SEED, path: PATH, verbose: 1, examples: FOUND_CASES },
    );
    // The generators reach both sides and the exact fallback, or the property proves little.
    expect(counts.accepted).toBeGreaterThan(NUM_RUNS / 10);
    expect(counts.refused).toBeGreaterThan(NUM_RUNS / 20);
    expect(counts.trial).toBeGreaterThan(0);
    // Most refusals are checked against what Yjs does, not excused by a rule.
    expect(counts.refused - counts.refusedByRule - counts.refusedDiscarded).toBeGreaterThan(counts.refused / 4);
    console.info('update-inspector property:', JSON.stringify(counts));
  }, 120_000);
});

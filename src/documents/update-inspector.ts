import * as Y from 'yjs';
import type { EntryFacts } from '../policy/policy.js';
import { isCalendarDate } from '../shared/dates.js';
import { ENTRY_ID_FIELD, SECTIONS, isSectionKey, type FieldSpec, type SectionKey, type SectionSpec } from './document.template.js';
import { trialInspection } from './trial-inspection.js';
import type { Touch } from './touch.js';
import { readSimpleUpdate } from './update-reader.js';
import { nonCanonicalReason } from './update-shape.js';

/**
 * Reads an incoming Yjs update *before* it is applied and says which sections and entries it
 * touches, or why it must be refused. Every inserted item and every deleted range is resolved to
 * its root type (the section) and, in list sections, to the entry (the Y.Map directly under the
 * section's Y.Array). Look-ups go through the document's struct index (binary search) and the
 * update's own items, so the cost follows the size of the update, not of the document.
 */

export interface InspectionLimits {
  /** @default 1 MiB */
  maxUpdateBytes: number;
  /** Items plus deleted structs one update may name. @default 50_000 */
  maxStructs: number;
}

export const DEFAULT_LIMITS: InspectionLimits = { maxUpdateBytes: 1024 * 1024, maxStructs: 50_000 };

export type { Touch } from './touch.js';

export type Inspection =
  | {
      ok: true;
      touches: Touch[];
      sections: SectionKey[];
      empty: boolean;
      /** `fast`: read from the update's own structs; `trial`: read from Yjs after applying it to a copy (and why). */
      checkedBy: 'fast' | 'trial';
      trialReason: string | null;
    }
  | { ok: false; reason: string; section: string | null };

class Refusal extends Error {
  constructor(
    readonly reason: string,
    readonly section: string | null = null,
  ) {
    super(reason);
  }
}

/** Deepest nesting the template uses: section → entry → field → content. */
const MAX_DEPTH = 6;

type Struct = Y.Item | Y.GC | Y.Skip;
/** The shape `Y.decodeUpdate` returns for deletions (Yjs does not export the class's type). */
interface DeleteSet {
  clients: Map<number, Array<{ clock: number; len: number }>>;
}
interface DecodedUpdate {
  structs: Struct[];
  ds: DeleteSet;
}

/** Where an item sits: its section, the ancestor directly under the section, and the key chain. */
interface Location {
  root: string;
  /** Ancestors from the one directly under the root down to the item itself. */
  chain: Array<{ item: Y.Item; key: string | null; isNew: boolean }>;
}

export function inspectUpdate(doc: Y.Doc, update: Uint8Array, limits: InspectionLimits = DEFAULT_LIMITS): Inspection {
  try {
    if (update.byteLength > limits.maxUpdateBytes) throw new Refusal(`update is larger than ${limits.maxUpdateBytes} bytes`);
    let decoded: DecodedUpdate;
    try {
      // The usual keystroke by the lean reader, everything else as Yjs reads it (update-reader.ts).
      decoded = readSimpleUpdate(update) ?? (Y.decodeUpdate(update) as DecodedUpdate);
    } catch {
      throw new Refusal('update is malformed');
    }
    // Bounded before any other reading, so no reading of a crafted update can cost more than this.
    if (decoded.structs.length > limits.maxStructs) throw new Refusal('update has too many items');
    const shape = nonCanonicalReason(doc, update, decoded.structs);
    if (shape) throw new Refusal(shape);
    const inspection = new Inspector(doc, decoded, limits).run();
    if (!inspection.ok || inspection.trialReason === null) return inspection;
    // The fast reading may differ from what Yjs integrates here: ask Yjs, on a copy.
    const trial = trialInspection(doc, update);
    if (!trial.ok) throw new Refusal(trial.reason, trial.section);
    if (trial.pending) throw new Refusal('update refers to changes the document does not have');
    return { ...inspection, ...summary(trial.touches), checkedBy: 'trial' };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason, section: error.section };
    // Anything the decoder or a look-up throws on crafted input is a refusal, never a crash.
    return { ok: false, reason: 'update could not be read', section: null };
  }
}

function summary(touches: Touch[]): { touches: Touch[]; sections: SectionKey[]; empty: boolean } {
  return { touches, sections: sectionsOf(touches), empty: touches.length === 0 };
}

/** The sections touched, each once, in the order first touched. */
function sectionsOf(touches: readonly Touch[]): SectionKey[] {
  // A keystroke touches one thing: no set needed.
  if (touches.length === 1) return [touches[0]!.section];
  return [...new Set(touches.map((touch) => touch.section))];
}

class Inspector {
  /** The update's items and collected ranges, per client in clock order. */
  #byClient: Map<number, Array<Y.Item | Y.GC>> | null = null;
  /**
   * Items already located in this inspection. An update of one struct (a keystroke) locates its item
   * once and each document item at depth 0 or 1, where the depth check cannot tell the visits
   * apart, so it keeps none.
   */
  readonly #locations: Map<Y.Item, Location | null> | null;
  /** By section key (record sections) or by the entry's item (list sections), in the order first touched. */
  readonly #touches = new Map<string | Y.Item, Touch>();
  /** Plain values this update writes into maps it names by id: `client:clock/key` → value. */
  #newValues: Map<string, unknown> | null = null;
  /** How many of this update's items land in each key of a new entry: `client:clock/key` → count. */
  #newSlotWrites: Map<string, number> | null = null;
  /** Entries this update creates, whose id is checked once every write to them is known. */
  #newEntries: Array<{ spec: SectionSpec; item: Y.Item }> | null = null;
  /**
   * Items placed between two neighbours, whose right one is checked once every item is located
   * (its place may be another run of this update's items, read later).
   */
  #rightChecks: Array<{ item: Y.Item; rightId: Y.ID; leftItem: Y.Item; left: Location }> | null = null;
  /** Why the fast reading may differ from Yjs here (null: it provably does not). */
  #trialReason: string | null = null;
  #structCount = 0;

  // The maps above that most updates never need (a keystroke names one item) are built on first use.
  constructor(
    private readonly doc: Y.Doc,
    private readonly decoded: DecodedUpdate,
    private readonly limits: InspectionLimits,
  ) {
    this.#locations = decoded.structs.length > 1 ? new Map() : null;
  }

  /** The update's structs by client, in clock order (Skips left out). */
  private byClient(): Map<number, Array<Y.Item | Y.GC>> {
    if (this.#byClient) return this.#byClient;
    const byClient = new Map<number, Array<Y.Item | Y.GC>>();
    for (const struct of this.decoded.structs) {
      if (struct instanceof Y.Skip) continue;
      const list = byClient.get(struct.id.client) ?? [];
      list.push(struct);
      byClient.set(struct.id.client, list);
    }
    return (this.#byClient = byClient);
  }

  /** Plain values this update writes into maps it names by id. */
  private newValues(): Map<string, unknown> {
    if (this.#newValues) return this.#newValues;
    const values = new Map<string, unknown>();
    for (const struct of this.decoded.structs) {
      if (struct instanceof Y.Item && struct.parent instanceof Y.ID && struct.parentSub !== null && struct.content instanceof Y.ContentAny) {
        // Decoded in clock order, so the last write to a key wins, as it does in Yjs.
        values.set(`${idKey(struct.parent)}/${struct.parentSub}`, struct.content.arr[struct.content.arr.length - 1]);
      }
    }
    return (this.#newValues = values);
  }

  run(): Inspection {
    const structs = this.decoded.structs;
    if (structs.length > this.limits.maxStructs) throw new Refusal('update has too many items');
    this.#structCount = structs.length;
    for (const struct of structs) {
      if (struct instanceof Y.Item && !this.isKnown(struct)) this.inspectInsert(struct);
    }
    for (const { item, rightId, leftItem, left } of this.#rightChecks ?? []) this.checkRightNeighbour(item, rightId, leftItem, left);
    for (const [client, ranges] of this.decoded.ds.clients) {
      for (const range of ranges) this.inspectDeletion(client, range.clock, range.len);
    }
    for (const [slot, writes] of this.#newSlotWrites ?? []) {
      // Which write Yjs keeps depends on where each lands: read the value from Yjs itself.
      if (writes > 1) this.needsTrial(`a new entry's "${slot.split('/')[1]}" is written more than once`);
    }
    // With a trial ahead, the id a new entry ends up with is read from Yjs there; here it is the one value written.
    if (this.#trialReason === null) {
      for (const { spec, item } of this.#newEntries ?? []) {
        if (typeof this.newEntryValue(item, ENTRY_ID_FIELD) !== 'string') {
          throw new Refusal(`a new entry of ${spec.key} needs a string "${ENTRY_ID_FIELD}"`, spec.key);
        }
      }
    }
    const touches = [...this.#touches.values()];
    return { ok: true, touches, sections: sectionsOf(touches), empty: touches.length === 0, checkedBy: 'fast', trialReason: this.#trialReason };
  }

  private needsTrial(reason: string): void {
    this.#trialReason ??= reason;
  }

  /** Already integrated: Yjs skips it, so it changes nothing. */
  private isKnown(item: Y.Item): boolean {
    return item.id.clock + item.length <= Y.getState(this.doc.store, item.id.client);
  }

  private inspectInsert(item: Y.Item): void {
    if (item.content instanceof Y.ContentDoc) throw new Refusal('sub-documents are not allowed');
    const location = this.locate(item, 0);
    if (!location) return; // lands in garbage-collected content: Yjs integrates it as deleted
    const spec = this.sectionOf(location.root);
    const fieldDepth = spec.kind === 'record' ? 0 : 1;
    if (location.chain.length > fieldDepth + 1) this.checkTextContent(spec, location.chain[fieldDepth]!.item, item);
    if (spec.kind === 'record') return this.checkRecordInsert(spec, location);
    return this.checkListInsert(spec, location);
  }

  /** Below field level there is only the characters (and formatting) of a collaborative text. */
  private checkTextContent(spec: SectionSpec, field: Y.Item, item: Y.Item): void {
    const inText = field.content instanceof Y.ContentType && field.content.type instanceof Y.Text;
    const content = item.content;
    const isCharacters = content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentDeleted;
    if (!inText || !isCharacters || item.parentSub !== null) {
      throw new Refusal(`only text may be nested inside a field of ${spec.key}`, spec.key);
    }
  }

  private checkRecordInsert(spec: SectionSpec, location: Location): void {
    const top = location.chain[0]!;
    if (top.key === null || !(top.key in spec.fields)) {
      throw new Refusal(`"${top.key ?? '(list item)'}" is not a field of ${spec.key}`, spec.key);
    }
    if (location.chain.length === 1) this.checkFieldContent(spec, top.key, top.item);
    this.touch(spec, null);
  }

  private checkListInsert(spec: SectionSpec, location: Location): void {
    const [entry, field] = location.chain;
    if (!entry || entry.key !== null) throw new Refusal(`${spec.key} holds a list of entries`, spec.key);
    if (entry.isNew && location.chain.length === 2 && field) {
      const slot = `${idKey(entry.item.id)}/${field.key ?? ''}`;
      this.#newSlotWrites ??= new Map();
      this.#newSlotWrites.set(slot, (this.#newSlotWrites.get(slot) ?? 0) + 1);
    }
    // An entry made and removed again before it was sent arrives emptied (honest offline edits): nothing to check.
    if (location.chain.length === 1 && !(entry.item.content instanceof Y.ContentDeleted)) {
      if (!(entry.item.content instanceof Y.ContentType) || !(entry.item.content.type instanceof Y.Map)) {
        throw new Refusal(`entries of ${spec.key} must be maps`, spec.key);
      }
      (this.#newEntries ??= []).push({ spec, item: entry.item });
    }
    if (field) {
      if (field.key === null || (field.key !== ENTRY_ID_FIELD && !(field.key in spec.fields))) {
        throw new Refusal(`"${field.key ?? '(list item)'}" is not a field of ${spec.key} entries`, spec.key);
      }
      if (location.chain.length === 2) this.checkFieldContent(spec, field.key, field.item);
    }
    const changesOwner = !entry.isNew && location.chain.length === 2 && field?.key === spec.ownerField;
    const changesId = !entry.isNew && location.chain.length === 2 && field?.key === ENTRY_ID_FIELD;
    if (changesId) throw new Refusal(`the id of an entry in ${spec.key} cannot change`, spec.key);
    this.touch(spec, entry, changesOwner, entry.isNew);
  }

  /** A field's holder must be of the template's kind: a Y.Text for text, a valid plain value otherwise. */
  private checkFieldContent(spec: SectionSpec, key: string, item: Y.Item): void {
    const content = item.content;
    if (content instanceof Y.ContentDeleted) return;
    const field: FieldSpec = key === ENTRY_ID_FIELD ? { type: 'string' } : spec.fields[key]!;
    if (field.type === 'text') {
      if (!(content instanceof Y.ContentType && content.type instanceof Y.Text)) {
        throw new Refusal(`"${key}" in ${spec.key} must be collaborative text`, spec.key);
      }
      return;
    }
    if (!(content instanceof Y.ContentAny) || !content.arr.every((value) => isValidValue(field, value))) {
      throw new Refusal(`"${key}" in ${spec.key} must be ${describeValue(field)}`, spec.key);
    }
  }

  private inspectDeletion(client: number, clock: number, len: number): void {
    const end = clock + len;
    const known = Y.getState(this.doc.store, client);
    let cursor = clock;
    if (cursor < known) {
      const structs = this.doc.store.clients.get(client) ?? [];
      let index = Y.findIndexSS(structs, cursor);
      while (index < structs.length && cursor < end) {
        const struct = structs[index]!;
        if (++this.#structCount > this.limits.maxStructs) throw new Refusal('update deletes too many items');
        if (struct instanceof Y.Item && !struct.deleted) this.touchDeleted(this.locate(struct, 0));
        cursor = struct.id.clock + struct.length;
        index += 1;
      }
    }
    // The rest must be items this same update inserts (deleted again before being sent).
    while (cursor < end) {
      const struct = this.updateStruct(client, cursor);
      if (!struct) throw new Refusal('update deletes items the document does not have');
      // A value the update writes and deletes again: what an entry ends up holding is Yjs's to say.
      // (Honest clients send what they deleted already emptied, which holds no value.)
      if (struct instanceof Y.Item && !(struct.content instanceof Y.ContentDeleted)) this.needsTrial('the update deletes items it inserts');
      cursor = struct.id.clock + struct.length;
    }
  }

  private touchDeleted(location: Location | null): void {
    if (!location) return;
    const spec = this.sectionOf(location.root);
    if (spec.kind === 'record') return this.touch(spec, null);
    this.touch(spec, location.chain[0]!);
  }

  /**
   * Records a touch once per section or entry; entry facts are read once per entry. This path runs
   * for every keystroke, so it builds no closures: under tsx (keepNames) each named closure costs a
   * defineProperty per call, which the profile showed as the inspector's largest single cost.
   */
  private touch(
    spec: SectionSpec,
    entry: { item: Y.Item; isNew: boolean } | null,
    changesOwner = false,
    isNewEntry = false,
  ): void {
    // An entry's item is one object however it is reached (this inspection splits nothing), and
    // lies in one section: it keys its touch without building a string for every repeat.
    const key = entry ? entry.item : spec.key;
    const existing = this.#touches.get(key);
    if (existing) {
      if (existing.entry) existing.entry.changesOwner ||= changesOwner;
      return;
    }
    const entryKey = entry ? idKey(entry.item.id) : null;
    const facts: EntryFacts | null = entry
      ? {
          ownerPersonId: spec.ownerField === 'personId' ? this.entryString(entry, 'personId') : null,
          organizationId: spec.ownerField === 'organizationId' ? this.entryString(entry, 'organizationId') : null,
          changesOwner,
        }
      : null;
    this.#touches.set(key, { section: spec.key, entryKey, entry: facts, isNewEntry });
  }

  private entryString(entry: { item: Y.Item; isNew: boolean }, field: string): string | null {
    const raw = entry.isNew ? this.newEntryValue(entry.item, field) : liveEntryValue(entry.item, field);
    return typeof raw === 'string' ? raw : null;
  }

  /** The value a new entry gets for `key` in this same update. */
  private newEntryValue(entryItem: Y.Item, key: string): unknown {
    return this.newValues().get(`${idKey(entryItem.id)}/${key}`);
  }

  private sectionOf(root: string): SectionSpec {
    if (!isSectionKey(root)) throw new Refusal(`"${root}" is not a section of the plan`, root);
    return SECTIONS[root];
  }

  /** A struct of this update covering `clock`, if any. */
  private updateStruct(client: number, clock: number): Y.Item | Y.GC | null {
    const items = this.byClient().get(client);
    if (!items) return null;
    let low = 0;
    let high = items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = items[middle]!;
      if (clock < item.id.clock) high = middle - 1;
      else if (clock >= item.id.clock + item.length) low = middle + 1;
      else return item;
    }
    return null;
  }

  /** The item with this id, from this update or from the document; null when garbage-collected. */
  private lookup(id: Y.ID, from: Y.Item): { item: Y.Item; isNew: boolean } | null {
    if (id.clock < Y.getState(this.doc.store, id.client)) {
      const struct = Y.getItem(this.doc.store, id) as Struct;
      return struct instanceof Y.Item ? { item: struct, isNew: false } : null;
    }
    // Yjs integrates a client's structs in clock order and never waits on the same client: a
    // reference to its own later change makes it throw halfway through.
    if (id.client === from.id.client && id.clock >= from.id.clock) throw new Refusal('update refers to its own later changes');
    const struct = this.updateStruct(id.client, id.clock);
    if (!struct) throw new Refusal('update refers to items the document does not have');
    // A neighbour or parent the update itself sends collected: Yjs integrates the item as garbage.
    return struct instanceof Y.Item ? { item: struct, isNew: true } : null;
  }

  /**
   * Resolves an item to its section and ancestry. Items of the update name their parent directly
   * (a root key or a parent item's id) or inherit it from their left or right neighbour; items of
   * the document point at their parent type.
   */
  private locate(item: Y.Item, depth: number): Location | null {
    const locations = this.#locations;
    if (locations?.has(item)) return locations.get(item)!;
    if (depth > MAX_DEPTH) throw new Refusal('update nests deeper than the plan allows');
    const isNew = !this.isIntegrated(item);
    let location: Location | null;
    if (isNew) location = this.locateNew(item, depth);
    else location = this.locateLive(item, depth);
    locations?.set(item, location);
    return location;
  }

  private isIntegrated(item: Y.Item): boolean {
    return !(item.parent === null || typeof item.parent === 'string' || item.parent instanceof Y.ID);
  }

  private locateNew(item: Y.Item, depth: number): Location | null {
    if (typeof item.parent === 'string') return { root: item.parent, chain: [{ item, key: item.parentSub, isNew: true }] };
    if (item.parent instanceof Y.ID) {
      const parent = this.lookup(item.parent, item);
      // A collected parent, or one already deleted (Yjs finds no type in it): Yjs integrates the item as garbage.
      if (!parent || parent.item.content instanceof Y.ContentDeleted) return null;
      if (!(parent.item.content instanceof Y.ContentType)) throw new Refusal('update nests content under a plain value');
      const above = this.locate(parent.item, depth + 1);
      return above && { root: above.root, chain: [...above.chain, { item, key: item.parentSub, isNew: true }] };
    }
    // No parent info: the item sits beside its origin (or right origin) and shares its parent. So
    // may that neighbour, and the next: text typed at one spot by several clients and merged comes
    // as such a run, in any order. The run is walked in a loop, not counted as nesting: five
    // clients' characters in a row must not read as five levels (an honest update refused).
    const hops: Array<{ item: Y.Item; neighbour: Y.Item }> = [];
    let current = item;
    let beside: Location | null;
    for (;;) {
      const neighbourId = current.origin ?? current.rightOrigin;
      if (!neighbourId) throw new Refusal('update has an item without a place');
      const neighbour = this.lookup(neighbourId, current);
      if (!neighbour) {
        beside = null;
        break;
      }
      hops.push({ item: current, neighbour: neighbour.item });
      const next = neighbour.item;
      // Located already, in the document, or placed by its parent: located as any other item.
      if (!neighbour.isNew || next.parent !== null || this.#locations?.has(next)) {
        beside = this.locate(next, depth + 1);
        break;
      }
      // Each step names another struct of this update: more steps than structs is a circle.
      if (hops.length > this.decoded.structs.length) throw new Refusal('update places items beside each other in a circle');
      current = next;
    }
    // From the neighbour the run ends at back to `item`, each one beside the one before it.
    for (let index = hops.length - 1; index >= 0 && beside; index -= 1) {
      const hop = hops[index]!;
      if (hop.item.origin && hop.item.rightOrigin) this.queueRightCheck(hop.item, hop.item.rightOrigin, hop.neighbour, beside);
      const chain = beside.chain.slice(0, -1);
      chain.push({ item: hop.item, key: beside.chain[beside.chain.length - 1]!.key, isNew: true });
      beside = { root: beside.root, chain };
      // `locate` keeps `item`'s own; the others of the run are kept here, as their own reading would have.
      if (index > 0) this.#locations?.set(hop.item, beside);
    }
    if (!beside) for (const hop of hops.slice(1)) this.#locations?.set(hop.item, null);
    return beside;
  }

  /**
   * Typing between two characters already in the document is checked at once (the usual keystroke);
   * any other right neighbour once every item of the update is located, so a run of items each
   * placed between new ones is never read as nesting.
   */
  private queueRightCheck(item: Y.Item, rightId: Y.ID, leftItem: Y.Item, left: Location): void {
    if (this.isIntegrated(leftItem) && rightId.clock < Y.getState(this.doc.store, rightId.client)) return this.checkRightNeighbour(item, rightId, leftItem, left);
    (this.#rightChecks ??= []).push({ item, rightId, leftItem, left });
  }

  /**
   * Yjs places an item beside its left neighbour, but integrates it as garbage when the right one
   * was collected, and orders it among the right one's siblings: when the two disagree about the
   * parent (no honest encoder writes that) or the right one is gone, ask Yjs.
   */
  private checkRightNeighbour(item: Y.Item, rightId: Y.ID, leftItem: Y.Item, left: Location): void {
    const right = this.lookup(rightId, item);
    // Typing between two characters already in the document: they agree when they share a parent type and key.
    if (right && !right.isNew && this.isIntegrated(leftItem)) {
      if (right.item.parent !== leftItem.parent || right.item.parentSub !== leftItem.parentSub) {
        this.needsTrial('the neighbours of an item disagree about its parent');
      }
      return;
    }
    const beside = right && this.locate(right.item, 0);
    if (!beside) return this.needsTrial('the right neighbour of an item is collected');
    if (beside.root !== left.root || parentOf(beside) !== parentOf(left) || keyOf(beside) !== keyOf(left)) {
      this.needsTrial('the neighbours of an item disagree about its parent');
    }
  }

  private locateLive(item: Y.Item, depth: number): Location | null {
    // One struct: nothing else reaches these ancestors, so they are walked, not remembered.
    if (!this.#locations) return liveLocation(item, depth);
    const parentType = item.parent as Y.AbstractType<unknown>;
    const self = { item, key: item.parentSub, isNew: false };
    if (parentType._item === null) return { root: rootKeyOf(parentType), chain: [self] };
    // Several structs: each ancestor is remembered too, as the others may reach it at any depth.
    const above = this.locate(parentType._item, depth + 1);
    return above && { root: above.root, chain: [...above.chain, self] };
  }
}

/**
 * Where an integrated item sits, read by walking up its parents (a few levels at most) with the
 * depth checked at each as `locate` checks it. Only each root type's key is remembered
 * (`Y.findRootTypeKey` searches the document's root types one by one): a handful a document.
 */
function liveLocation(item: Y.Item, depth: number): Location {
  if (depth > MAX_DEPTH) throw new Refusal('update nests deeper than the plan allows');
  const parentType = item.parent as Y.AbstractType<unknown>;
  const self = { item, key: item.parentSub, isNew: false };
  if (parentType._item === null) return { root: rootKeyOf(parentType), chain: [self] };
  const above = liveLocation(parentType._item, depth + 1);
  above.chain.push(self);
  return above;
}

const rootKeys = new WeakMap<Y.AbstractType<unknown>, string>();

function rootKeyOf(rootType: Y.AbstractType<unknown>): string {
  let key = rootKeys.get(rootType);
  if (key === undefined) rootKeys.set(rootType, (key = Y.findRootTypeKey(rootType)));
  return key;
}

function idKey(id: Y.ID): string {
  return `${id.client}:${id.clock}`;
}

function parentOf(location: Location): Y.Item | string {
  return location.chain[location.chain.length - 2]?.item ?? location.root;
}

function keyOf(location: Location): string | null {
  return location.chain[location.chain.length - 1]!.key;
}

function liveEntryValue(entryItem: Y.Item, key: string): unknown {
  const content = entryItem.content;
  return content instanceof Y.ContentType && content.type instanceof Y.Map ? content.type.get(key) : undefined;
}

const MAX_STRING_LENGTH = 1_000;

/** Plain values may be cleared (null) or set to a value of the field's type. */
function isValidValue(field: FieldSpec, value: unknown): boolean {
  if (value === null) return true;
  switch (field.type) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING_LENGTH;
    case 'date':
      return isCalendarDate(value);
    case 'dates':
      return Array.isArray(value) && value.length <= 100 && value.every((item) => isCalendarDate(item));
    case 'enum':
      return typeof value === 'string' && (field.values ?? []).includes(value);
    case 'text':
      return false;
  }
}

function describeValue(field: FieldSpec): string {
  switch (field.type) {
    case 'date':
      return 'a real calendar date (yyyy-mm-dd)';
    case 'dates':
      return 'a list of real calendar dates (yyyy-mm-dd)';
    case 'enum':
      return `one of ${(field.values ?? []).join(', ')}`;
    default:
      return `a string of at most ${MAX_STRING_LENGTH} characters`;
  }
}

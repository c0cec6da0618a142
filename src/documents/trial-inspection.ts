import * as Y from 'yjs';
import type { EntryFacts } from '../policy/policy.js';
import { ENTRY_ID_FIELD, SECTIONS, defineSections, isSectionKey, type SectionSpec } from './document.template.js';
import type { Touch } from './touch.js';

/**
 * The slow, exact reading of an update: apply it to a copy of the document and read from Yjs
 * itself which sections and entries gained or lost items, and which values new entries end up
 * with. The inspector falls back to this where its own reading could differ from what Yjs does (a
 * map key written twice, an update deleting what it inserts, neighbours in different places). It
 * costs a copy of the document, so it is kept for shapes honest clients seldom send.
 */
export type TrialResult =
  | { ok: true; touches: Touch[]; pending: boolean }
  | { ok: false; reason: string; section: string | null };

const TRIAL_ORIGIN = Symbol('samplan.trial');

export function trialInspection(doc: Y.Doc, update: Uint8Array): TrialResult {
  const copy = new Y.Doc();
  try {
    defineSections(copy);
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    let result: TrialResult | null = null;
    // Read inside the transaction's last event: before Yjs garbage-collects what it deleted.
    copy.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.origin === TRIAL_ORIGIN) result = readTransaction(doc, transaction);
    });
    Y.applyUpdate(copy, update, TRIAL_ORIGIN);
    const pending = Boolean(copy.store.pendingStructs || copy.store.pendingDs);
    const read = result as TrialResult | null;
    if (!read) return { ok: true, touches: [], pending };
    return read.ok ? { ...read, pending } : read;
  } finally {
    copy.destroy();
  }
}

/** Where an integrated item sits: its root's key and its ancestors from the one under the root down to itself. */
function placeOf(item: Y.Item): { root: string; chain: Y.Item[] } {
  const chain: Y.Item[] = [];
  let current: Y.Item = item;
  for (;;) {
    chain.unshift(current);
    const parent = current.parent as Y.AbstractType<unknown>;
    if (parent._item === null) return { root: Y.findRootTypeKey(parent), chain };
    current = parent._item;
  }
}

function readTransaction(live: Y.Doc, transaction: Y.Transaction): TrialResult {
  const before = (client: number) => transaction.beforeState.get(client) ?? 0;
  const isNew = (item: Y.Item) => item.id.clock >= before(item.id.client);
  const touches = new Map<string, Touch>();
  const newEntries = new Map<string, { spec: SectionSpec; item: Y.Item }>();

  const touch = (item: Y.Item): TrialResult | null => {
    const { root, chain } = placeOf(item);
    if (!isSectionKey(root)) return { ok: false, reason: `"${root}" is not a section of the plan`, section: root };
    const spec = SECTIONS[root];
    if (spec.kind === 'record') {
      touches.set(`${root}/`, { section: root, entryKey: null, entry: null, isNewEntry: false });
      return null;
    }
    const entry = chain[0]!;
    const entryKey = `${entry.id.client}:${entry.id.clock}`;
    const entryIsNew = isNew(entry);
    const writesOwner = isNew(item) && !entryIsNew && chain.length === 2 && item.parentSub === spec.ownerField;
    const existing = touches.get(`${root}/${entryKey}`);
    if (existing) {
      if (existing.entry) existing.entry.changesOwner ||= writesOwner;
      return null;
    }
    let facts: Omit<EntryFacts, 'changesOwner'> = { ownerPersonId: null, organizationId: null };
    if (entryIsNew) newEntries.set(entryKey, { spec, item: entry });
    else facts = ownerFacts(spec, Y.getItem(live.store, entry.id) as Y.Item);
    touches.set(`${root}/${entryKey}`, { section: root, entryKey, entry: { ...facts, changesOwner: writesOwner }, isNewEntry: entryIsNew });
    return null;
  };

  for (const [client, after] of transaction.afterState) {
    const structs = transaction.doc.store.clients.get(client) ?? [];
    if (after <= before(client) || structs.length === 0) continue;
    for (let index = Y.findIndexSS(structs, before(client)); index < structs.length; index += 1) {
      const struct = structs[index]!;
      // Items Yjs integrated as garbage (their parent or neighbour was collected) change nothing.
      if (struct instanceof Y.Item) {
        const refused = touch(struct);
        if (refused) return refused;
      }
    }
  }
  let refusal: TrialResult | null = null;
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!refusal && struct instanceof Y.Item && !isNew(struct)) refusal = touch(struct);
  });
  if (refusal) return refusal;

  // New entries are judged by the values Yjs holds once the whole update is in.
  for (const [key, { spec, item }] of newEntries) {
    const touched = touches.get(`${spec.key}/${key}`)!;
    touched.entry = { ...ownerFacts(spec, item), changesOwner: false };
    if (!item.deleted && typeof entryValue(item, ENTRY_ID_FIELD) !== 'string') {
      return { ok: false, reason: `a new entry of ${spec.key} needs a string "${ENTRY_ID_FIELD}"`, section: spec.key };
    }
  }
  return { ok: true, touches: [...touches.values()], pending: false };
}

function entryValue(entry: Y.Item, key: string): unknown {
  const content = entry.content;
  return content instanceof Y.ContentType && content.type instanceof Y.Map ? content.type.get(key) : undefined;
}

export function ownerFacts(spec: SectionSpec, entry: Y.Item): Omit<EntryFacts, 'changesOwner'> {
  const value = (field: string) => {
    const raw = entryValue(entry, field);
    return typeof raw === 'string' ? raw : null;
  };
  return {
    ownerPersonId: spec.ownerField === 'personId' ? value('personId') : null,
    organizationId: spec.ownerField === 'organizationId' ? value('organizationId') : null,
  };
}

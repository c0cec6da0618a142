import * as Y from 'yjs';
import { badInput, notFound } from '../errors/error-codes.js';
import { ENTRY_ID_FIELD, SECTIONS, SECTION_KEYS, defineSections, sectionContent, type SectionKey, type SectionSpec } from './document.template.js';

/**
 * Edits of plan content as GraphQL asks for them, written as plain Yjs operations on a draft
 * copy of the document. The draft's update then goes through the same inspection and policy as
 * a live edit, so both doors refuse exactly the same changes.
 */

type Entry = Y.Map<unknown>;

function listOf(doc: Y.Doc, spec: SectionSpec): Y.Array<Entry> {
  if (spec.kind !== 'list') throw badInput(`${spec.key} is not a list of entries`);
  return doc.getArray<Entry>(spec.key);
}

function checkFieldNames(spec: SectionSpec, fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    if (key === ENTRY_ID_FIELD) throw badInput(`"${ENTRY_ID_FIELD}" is set by the server`);
    if (!(key in spec.fields)) throw badInput(`"${key}" is not a field of ${spec.key}; fields: ${Object.keys(spec.fields).join(', ')}`);
  }
}


function fieldValue(spec: SectionSpec, key: string, value: unknown): unknown {
  if (spec.fields[key]!.type !== 'text') return value;
  if (typeof value !== 'string') throw badInput(`"${key}" in ${spec.key} is text: give a string`);
  return new Y.Text(value);
}

export function addEntry(doc: Y.Doc, section: SectionKey, fields: Record<string, unknown>, index: number | null, id: string): void {
  const spec = SECTIONS[section];
  const list = listOf(doc, spec);
  checkFieldNames(spec, fields);
  if (index !== null && (!Number.isInteger(index) || index < 0 || index > list.length)) {
    throw badInput(`index must be between 0 and ${list.length}`);
  }
  const entry = new Y.Map<unknown>();
  entry.set(ENTRY_ID_FIELD, id);
  for (const [key, value] of Object.entries(fields)) entry.set(key, fieldValue(spec, key, value));
  list.insert(index ?? list.length, [entry]);
}

function findEntry(doc: Y.Doc, spec: SectionSpec, entryId: string): { list: Y.Array<Entry>; index: number; entry: Entry } {
  const list = listOf(doc, spec);
  const index = list.toArray().findIndex((entry) => entry instanceof Y.Map && entry.get(ENTRY_ID_FIELD) === entryId);
  if (index < 0) throw notFound('Entry');
  return { list, index, entry: list.get(index) };
}

export function updateEntry(doc: Y.Doc, section: SectionKey, entryId: string | null, fields: Record<string, unknown>): void {
  const spec = SECTIONS[section];
  checkFieldNames(spec, fields);
  let target: Y.Map<unknown>;
  if (spec.kind === 'record') {
    if (entryId) throw badInput(`${section} has no entries: omit entryId`);
    target = doc.getMap(section);
  } else {
    if (!entryId) throw badInput(`give the entryId of the ${section} entry to change`);
    target = findEntry(doc, spec, entryId).entry;
  }
  for (const [key, value] of Object.entries(fields)) {
    const current = target.get(key);
    if (spec.fields[key]!.type === 'text' && current instanceof Y.Text) {
      if (typeof value !== 'string') throw badInput(`"${key}" in ${section} is text: give a string`);
      replaceText(current, value);
    } else {
      target.set(key, fieldValue(spec, key, value));
    }
  }
}

export function removeEntry(doc: Y.Doc, section: SectionKey, entryId: string): void {
  const { list, index } = findEntry(doc, SECTIONS[section], entryId);
  list.delete(index, 1);
}

/**
 * Replaces a text's content with the smallest edit (common prefix and suffix kept), so text
 * others are typing around survives.
 */
export function replaceText(target: Y.Text, next: string): void {
  const current = target.toString();
  if (current === next) return;
  let start = 0;
  while (start < current.length && start < next.length && current[start] === next[start]) start += 1;
  let end = 0;
  while (end < current.length - start && end < next.length - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end += 1;
  target.delete(start, current.length - start - end);
  target.insert(start, next.slice(start, next.length - end));
}

/** Every section's content of a stored state (a version), keyed by section. */
export function contentOfState(state: Uint8Array): Record<SectionKey, unknown> {
  const doc = new Y.Doc();
  try {
    defineSections(doc);
    Y.applyUpdate(doc, state);
    return Object.fromEntries(SECTION_KEYS.map((key) => [key, sectionContent(doc, key)])) as Record<SectionKey, unknown>;
  } finally {
    doc.destroy();
  }
}

/**
 * Makes `doc`'s content equal to `content` (a version's) in the sections `keys` (the ones kept in
 * `doc`, and `content` has), section by section: a section that differs is rebuilt from the
 * version. Returns the sections changed.
 */
export function restoreContent(doc: Y.Doc, content: Partial<Record<SectionKey, unknown>>, keys: readonly SectionKey[]): SectionKey[] {
  const changed: SectionKey[] = [];
  for (const key of keys) {
    const spec = SECTIONS[key];
    if (!(key in content)) continue;
    const wanted = content[key];
    if (JSON.stringify(sectionContent(doc, key)) === JSON.stringify(wanted)) continue;
    changed.push(key);
    if (spec.kind === 'list') {
      restoreList(doc.getArray<Entry>(key), spec, wanted as Array<Record<string, unknown>>);
    } else {
      const record = doc.getMap<unknown>(key);
      const fields = wanted as Record<string, unknown>;
      for (const field of [...record.keys()]) if (!(field in fields)) record.delete(field);
      for (const [field, value] of Object.entries(fields)) {
        const current = record.get(field);
        if (current instanceof Y.Text && typeof value === 'string') replaceText(current, value);
        else record.set(field, fieldValue(spec, field, value));
      }
    }
  }
  return changed;
}

/**
 * Touches only the entries that differ, so restoring someone's own entry does not rewrite
 * everyone else's: removes entries that are gone or changed, then inserts the version's ones
 * where they belong. Falls back to rebuilding the list when the kept entries changed order.
 */
function restoreList(list: Y.Array<Entry>, spec: SectionSpec, wanted: Array<Record<string, unknown>>): void {
  const wantedById = new Map(wanted.map((fields) => [fields[ENTRY_ID_FIELD], JSON.stringify(fields)]));
  const current = list.toArray();
  for (let index = current.length - 1; index >= 0; index -= 1) {
    const entry = current[index]!;
    const same = entry instanceof Y.Map && wantedById.get(entry.get(ENTRY_ID_FIELD)) === JSON.stringify(entry.toJSON());
    if (!same) list.delete(index, 1);
  }
  const keptIds = list.toArray().map((entry) => entry.get(ENTRY_ID_FIELD));
  const wantedIds = wanted.map((fields) => fields[ENTRY_ID_FIELD]);
  if (JSON.stringify(keptIds) !== JSON.stringify(wantedIds.filter((id) => keptIds.includes(id)))) {
    list.delete(0, list.length);
    list.insert(0, wanted.map((fields) => toEntry(spec, fields)));
    return;
  }
  let position = 0;
  for (const fields of wanted) {
    if (position < list.length && list.get(position).get(ENTRY_ID_FIELD) === fields[ENTRY_ID_FIELD]) {
      position += 1;
      continue;
    }
    list.insert(position, [toEntry(spec, fields)]);
    position += 1;
  }
}

function toEntry(spec: SectionSpec, fields: Record<string, unknown>): Entry {
  const entry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) entry.set(key, key === ENTRY_ID_FIELD ? value : fieldValue(spec, key, value));
  return entry;
}

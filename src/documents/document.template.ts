import * as Y from 'yjs';

/**
 * The plan document's shape: one Yjs root type per section, following the regulation's list of
 * what an individual plan contains (forskrift om individuell plan § 6; see docs/document-model.md).
 * Participants, the coordinator and consent are legal records kept relationally, not here.
 */

export const SECTION_KEYS = ['goals', 'situation', 'contributions', 'measures', 'period', 'cooperation', 'log', 'evaluations'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** `list`: a Y.Array of entries (Y.Map with a stable `id`). `record`: one Y.Map of fields. */
export type SectionKind = 'list' | 'record';

/** `text`: a Y.Text (collaborative); `string`/`date` (ISO yyyy-mm-dd)/`dates` (array of dates): plain values. */
export type FieldType = 'text' | 'string' | 'date' | 'dates' | 'enum';

export interface FieldSpec {
  type: FieldType;
  /** For `enum` fields. */
  values?: readonly string[];
}

export interface SectionSpec {
  key: SectionKey;
  title: string;
  kind: SectionKind;
  fields: Readonly<Record<string, FieldSpec>>;
  /**
   * For list sections whose entries belong to someone: the field naming the owner. `personId`
   * entries belong to a person (their own contribution, their own log entry); `organizationId`
   * entries belong to the unit responsible (a measure). Set when the entry is made.
   */
  ownerField?: 'personId' | 'organizationId';
  /**
   * Kept in the plan's restricted document (`/collab/<planId>/restricted`), which only the person,
   * their guardians and the participants the person chose may read (docs/document-model.md).
   * @default false
   */
  restricted?: boolean;
}

const text: FieldSpec = { type: 'text' };
const date: FieldSpec = { type: 'date' };
const string: FieldSpec = { type: 'string' };

export const MEASURE_STATUSES = ['PLANNED', 'ONGOING', 'DONE', 'STOPPED'] as const;

export const SECTIONS: Readonly<Record<SectionKey, SectionSpec>> = {
  goals: { key: 'goals', title: "The person's goals", kind: 'list', fields: { text, personId: string } },
  // The person's resources and needs: what Normen asks to show only where there is a work need.
  situation: { key: 'situation', title: 'Resources and needs', kind: 'record', fields: { resources: text, needs: text }, restricted: true },
  contributions: {
    key: 'contributions',
    title: 'What each party contributes',
    kind: 'list',
    fields: { text, personId: string },
    ownerField: 'personId',
  },
  measures: {
    key: 'measures',
    title: 'Measures',
    kind: 'list',
    fields: {
      title: text,
      implementation: text,
      extent: text,
      organizationId: string,
      start: date,
      evaluateBy: date,
      status: { type: 'enum', values: MEASURE_STATUSES },
    },
    ownerField: 'organizationId',
  },
  period: { key: 'period', title: 'Plan period and revisions', kind: 'record', fields: { start: date, end: date, revisionDates: { type: 'dates' }, note: text } },
  cooperation: { key: 'cooperation', title: 'Cooperation with other services and agencies', kind: 'list', fields: { agency: text, text } },
  log: { key: 'log', title: 'Relay log', kind: 'list', fields: { text, personId: string, at: string }, ownerField: 'personId' },
  evaluations: { key: 'evaluations', title: 'Evaluations', kind: 'list', fields: { date, text, personId: string } },
};

/** Every list entry carries its stable id in this key. */
export const ENTRY_ID_FIELD = 'id';

export function isSectionKey(value: string): value is SectionKey {
  return (SECTION_KEYS as readonly string[]).includes(value);
}

/**
 * A plan has two documents: `main`, which everyone whose consent covers the content reads, and
 * `restricted`, which holds the sections marked `restricted` (read access cannot be split inside
 * one Yjs document).
 */
export type DocumentPart = 'main' | 'restricted';

/** The document a section is kept in. */
export const partOf = (key: SectionKey): DocumentPart => (SECTIONS[key].restricted ? 'restricted' : 'main');

/** The sections kept in one document, in template order. */
export const sectionKeysOf = (part: DocumentPart): readonly SectionKey[] => SECTION_KEYS.filter((key) => partOf(key) === part);

export const RESTRICTED_SECTION_KEYS = sectionKeysOf('restricted');

/** Gives a section's root type its kind (a list or a record), converting one Yjs made untyped. */
function declareSection(doc: Y.Doc, key: SectionKey): void {
  if (SECTIONS[key].kind === 'list') doc.getArray(key);
  else doc.getMap(key);
}

/**
 * Declares every section's root type on a document so Yjs integrates updates into the right kind:
 * for the short-lived copies the server edits and reads (drafts, trials). A live document declares
 * only the sections it holds (`declareSectionsPresent`).
 */
export function defineSections(doc: Y.Doc): void {
  for (const key of SECTION_KEYS) declareSection(doc, key);
}

/**
 * Gives every root type Yjs made while applying an update (untyped, `Y.AbstractType`) its
 * section's kind, as `Y.Doc.get` converts it, items and all. A live document calls this after each
 * update it applies, so every root type it holds is of its declared kind whenever anything reads
 * it, and the sections nobody wrote in cost nothing: eight empty root types with their event
 * handlers were about 3.5 KB of each loaded plan (bench/README.md).
 */
export function declareSectionsPresent(doc: Y.Doc): void {
  for (const [key, type] of doc.share) if (type.constructor === Y.AbstractType && isSectionKey(key)) declareSection(doc, key);
}

export type SectionContent = Array<Record<string, unknown>> | Record<string, unknown>;

/** A section's content as JSON (text fields as strings), as GraphQL and archives show it; empty for a section the document never held. */
export function sectionContent(doc: Y.Doc, key: SectionKey): SectionContent {
  const list = SECTIONS[key].kind === 'list';
  // Reading must not declare: a read would otherwise add the empty root type to a live document for good.
  if (!doc.share.has(key)) return list ? [] : {};
  return list ? (doc.getArray(key).toJSON() as Array<Record<string, unknown>>) : (doc.getMap(key).toJSON() as Record<string, unknown>);
}

/** Whether a section's content (as `sectionContent` gives it) holds anything. */
export function holdsContent(content: unknown): boolean {
  if (Array.isArray(content)) return content.length > 0;
  return typeof content === 'object' && content !== null && Object.keys(content).length > 0;
}

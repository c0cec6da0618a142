import type * as Y from 'yjs';
import type { SectionKey } from './gql/graphql';

/**
 * The plan document's shape as the server publishes it (schema/sections.schema.json, served at
 * /schema/sections.schema.json): which sections are lists of entries and which one record, and
 * each field's kind. The page binds `text` fields to their Y.Text and shows the rest as values.
 */
export type FieldKind = 'text' | 'date' | 'dates' | 'status' | 'person' | 'organization' | 'string';

/** A measure's status, as the server's template allows it. */
export const MEASURE_STATUSES = ['PLANNED', 'ONGOING', 'DONE', 'STOPPED'] as const;

export const SECTION_ORDER: readonly SectionKey[] = ['goals', 'situation', 'contributions', 'measures', 'period', 'cooperation', 'log', 'evaluations'];

export const SECTION_SHAPES: Record<SectionKey, { kind: 'list' | 'record'; fields: Record<string, FieldKind>; owner?: 'personId' | 'organizationId' }> = {
  goals: { kind: 'list', fields: { text: 'text' } },
  situation: { kind: 'record', fields: { resources: 'text', needs: 'text' } },
  contributions: { kind: 'list', fields: { text: 'text', personId: 'person' }, owner: 'personId' },
  measures: { kind: 'list', fields: { title: 'text', implementation: 'text', extent: 'text', organizationId: 'organization', start: 'date', evaluateBy: 'date', status: 'status' }, owner: 'organizationId' },
  period: { kind: 'record', fields: { start: 'date', end: 'date', revisionDates: 'dates', note: 'text' } },
  cooperation: { kind: 'list', fields: { agency: 'text', text: 'text' } },
  log: { kind: 'list', fields: { text: 'text', personId: 'person', at: 'string' }, owner: 'personId' },
  evaluations: { kind: 'list', fields: { date: 'date', text: 'text', personId: 'person' } },
};

/** Declares every section's root type, so Yjs integrates the server's updates into the right kind. */
export function defineSections(doc: Y.Doc): void {
  for (const key of SECTION_ORDER) {
    if (SECTION_SHAPES[key].kind === 'list') doc.getArray(key);
    else doc.getMap(key);
  }
}

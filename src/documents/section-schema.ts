import { ENTRY_ID_FIELD, SECTION_KEYS, SECTIONS, type FieldSpec, type SectionKey } from './document.template.js';

/**
 * The JSON Schema (draft 2020-12) of every section's content as GraphQL (`PlanSection.content`,
 * `PlanVersion.content`) and archives show it, derived from the template so it cannot drift:
 * `npm run schema:sections` writes it to `schema/sections.schema.json` and TypeScript types from
 * it; `npm run schema:sections:check` fails when either is stale (docs/graphql.md).
 */

type JsonSchema = Record<string, unknown>;

const DATE: JsonSchema = { type: 'string', format: 'date', description: 'A date, yyyy-mm-dd.' };

function fieldSchema(name: string, spec: FieldSpec): JsonSchema {
  switch (spec.type) {
    case 'text':
      return { type: 'string', description: 'Collaborative text (a Y.Text), as plain text.' };
    case 'date':
      return DATE;
    case 'dates':
      return { type: 'array', items: DATE };
    case 'enum':
      return { type: 'string', enum: [...(spec.values ?? [])] };
    case 'string':
      return { type: 'string', ...(name.endsWith('Id') ? { format: 'uuid' } : {}) };
  }
}

const pascal = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

function fieldsOf(key: SectionKey): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(SECTIONS[key].fields).map(([name, spec]) => [name, fieldSchema(name, spec)]));
}

/** One section's content: a list of entries, each with its stable id, or one record of fields. */
function sectionSchema(key: SectionKey): JsonSchema {
  const section = SECTIONS[key];
  const description = `${section.title}${section.restricted ? ' (in the restricted document)' : ''}.`;
  if (section.kind === 'record') {
    return { title: `${pascal(key)}Content`, description, type: 'object', properties: fieldsOf(key), additionalProperties: false };
  }
  const entry = {
    title: `${pascal(key)}Entry`,
    type: 'object',
    properties: { [ENTRY_ID_FIELD]: { type: 'string', description: 'The entry\'s stable id.' }, ...fieldsOf(key) },
    required: [ENTRY_ID_FIELD],
    additionalProperties: false,
  };
  return { title: `${pascal(key)}Content`, description, type: 'array', items: entry };
}

export const SECTIONS_SCHEMA_ID = 'https://samplan.no/schema/sections.schema.json';

export function sectionsJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SECTIONS_SCHEMA_ID,
    title: 'SectionContents',
    description: 'The content of every section of a plan, by section key (generated from src/documents/document.template.ts).',
    type: 'object',
    properties: Object.fromEntries(SECTION_KEYS.map((key) => [key, { $ref: `#/$defs/${key}` }])),
    additionalProperties: false,
    $defs: Object.fromEntries(SECTION_KEYS.map((key) => [key, sectionSchema(key)])),
  };
}

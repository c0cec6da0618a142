import sql, { type Sql } from 'sql-template-tag';
import type { PersonKind } from './person.entity.js';

/**
 * What the GraphQL `Person` type shows of someone (the schema's mapper): enough for a list that
 * names people, read with the list's own statement and never made an entity. A `Person` is one.
 */
export interface PersonCard {
  id: string;
  displayName: string;
  kind: PersonKind;
}

/** The people module's rows for {@link personCardsFromRows}: the persons `ids` names (an SQL expression of type uuid[]). */
export function personCardRows(ids: Sql): Sql {
  return sql`select "id", "display_name", "kind" from "person" where "id" = any(${ids})`;
}

/** A row of {@link personCardRows}, columns as they are or as `json_agg` wrote them. */
export interface PersonCardRow {
  id: string;
  display_name: string;
  kind: PersonKind;
}

/** The cards of {@link personCardRows}' rows. */
export function personCardsFromRows(rows: readonly PersonCardRow[]): PersonCard[] {
  return rows.map((row) => ({ id: row.id, displayName: row.display_name, kind: row.kind }));
}

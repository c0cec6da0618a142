import type { EntityManager } from '@mikro-orm/postgresql';
import sql, { type Sql } from 'sql-template-tag';
import { entityFromRow } from '../db/entity-rows.js';
import { Person, type PersonKind } from './person.entity.js';

/**
 * The people module's rows for another module's statement that reads persons along with its own
 * (a plan with its participants' persons, in one round trip): the persons `ids` names (an SQL
 * expression of type uuid[]), every column, for {@link personsFromRows}.
 */
export function personRows(ids: Sql): Sql {
  return sql`select * from "person" where "id" = any(${ids})`;
}

/**
 * The persons of {@link personRows}' rows (columns as they are, or as `json_agg` wrote them), in the
 * EntityManager like any it loaded: a person it already holds is kept as it is, unsaved changes
 * and all, as `findOne` would.
 */
export function personsFromRows(em: EntityManager, rows: ReadonlyArray<Record<string, unknown> & { id: string }>): Person[] {
  return rows.map((row) => entityFromRow(em, Person, row));
}

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

/** The cards of {@link personCardRows}' rows, columns as they are or as `json_agg` wrote them. */
export function personCardsFromRows(rows: ReadonlyArray<{ id: string; display_name: string; kind: PersonKind }>): PersonCard[] {
  return rows.map((row) => ({ id: row.id, displayName: row.display_name, kind: row.kind }));
}

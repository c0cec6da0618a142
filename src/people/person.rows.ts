import type { EntityManager } from '@mikro-orm/postgresql';
import sql, { type Sql } from 'sql-template-tag';
import { entityFromRow } from '../db/entity-rows.js';
import { Person } from './person.entity.js';

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

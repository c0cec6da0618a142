import { wrap, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import sql, { raw } from 'sql-template-tag';
import { readRows } from './prepared-statements.js';

/** The entity of `id` when `em` already holds it loaded (changes and all, as `findOne` would give it), else null. */
export function heldEntity<T extends object>(em: EntityManager, entity: EntityName<T>, id: string): T | null {
  const meta = em.getMetadata().find<T>(entity)!;
  // Every entity here has a uuid `id` as its primary key, which MikroORM's types cannot see from `T`.
  const held = em.getUnitOfWork().getById<T>(meta.className, id as never);
  return held && wrap(held).isInitialized() ? held : null;
}

/**
 * The entity of a row read by hand (its columns as they are, or as `json_agg` wrote them), managed
 * by `em` like one `findOne` loaded. As with `findOne`, an entity `em` already holds loaded is kept
 * as it is, unsaved changes and all; a reference it holds unloaded is filled in from the row.
 */
export function entityFromRow<T extends object>(em: EntityManager, entity: EntityName<T>, row: Record<string, unknown> & { id: string }): T {
  const held = heldEntity(em, entity, row.id);
  if (held) return held;
  const meta = em.getMetadata().find<T>(entity)!;
  // Made as `em.find` makes the entities of the rows it reads: the driver maps columns to
  // properties, the factory builds the entity and registers it with the row as its snapshot.
  // (`em.map` would also validate every property and merge it again, cascading to its relations:
  // two thirds of the ORM's time on the plan query, for nothing a row of our own tables needs.)
  const data = em.getDriver().mapResult(row as never, meta);
  return em.getEntityFactory().create<T>(meta.className, data as never, { merge: true, convertCustomTypes: true }) as T;
}

/**
 * `em.findOne(entity, id)` for a hot path: the entity `em` already holds loaded, else one prepared
 * read of its row (no ORM query building; one statement text per table, prepared once per
 * connection). Every entity here has a uuid `id`; `id` must already be one (`parseId`).
 */
export async function entityById<T extends object>(em: EntityManager, entity: EntityName<T>, id: string): Promise<T | null> {
  const held = heldEntity(em, entity, id);
  if (held) return held;
  const meta = em.getMetadata().find(entity)!;
  // The table's name comes from the entity's metadata, never from input.
  const [row] = await readRows<Record<string, unknown> & { id: string }>(em, sql`select * from ${raw(`"${meta.tableName}"`)} where "id" = ${id}::uuid`);
  return row ? entityFromRow(em, entity, row) : null;
}

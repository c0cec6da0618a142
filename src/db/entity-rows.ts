import { wrap, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The entity of a row read by hand (its columns as they are, or as `json_agg` wrote them), managed
 * by `em` like one `findOne` loaded. As with `findOne`, an entity `em` already holds loaded is kept
 * as it is, unsaved changes and all; a reference it holds unloaded is filled in from the row.
 */
export function entityFromRow<T extends object>(em: EntityManager, entity: EntityName<T>, row: Record<string, unknown> & { id: string }): T {
  const name = typeof entity === 'string' ? entity : em.getMetadata().find(entity)!.className;
  // Every entity here has a uuid `id` as its primary key, which MikroORM's types cannot see from `T`.
  const held = em.getUnitOfWork().getById<T>(name, row.id as never);
  if (held && wrap(held).isInitialized()) return held;
  return em.map(entity, row as never);
}

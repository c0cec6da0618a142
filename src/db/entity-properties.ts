import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';

/*
 * Property builders the entities (src/<module>/*.entity.ts, `defineEntity`) share. Values a new row
 * starts with are `onCreate` hooks, which `em.create` runs at once (`processOnCreateHooksEarly` in
 * src/db/orm.ts), so a new entity has its id and defaults before it is flushed.
 */

/** A uuid primary key the server assigns when the entity is created, unless one is given. */
export const uuidPrimaryKey = () => p.uuid().primary().onCreate(() => randomUUID());

/** When the row was made: the moment of `em.create`, unless given. */
export const createdNow = () => p.type('datetime').onCreate(() => new Date());

/**
 * A nullable column that a new row starts as `null` (not `undefined`) unless given, so code that
 * asks `=== null` sees the same on a new entity as on a loaded one. `.onCreate(() => null)` would
 * say the same, but MikroORM then types the property `Opt<T | null>`, which collapses to `T` and
 * hides the null; so the hook is added to the options without it, and the property stays typed
 * `T | null | undefined` as any nullable property is.
 */
export function startsNull<Builder extends { '~options': { nullable: true } }>(builder: Builder): Builder {
  const options: { nullable: true; onCreate?: unknown } = builder['~options'];
  options.onCreate = () => null;
  return builder;
}

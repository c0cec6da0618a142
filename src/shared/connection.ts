import { Cursor, type EntityManager, type EntityName, type FilterQuery } from '@mikro-orm/postgresql';
import { badInput } from '../errors/error-codes.js';
import { parseIdOrNull } from './ids.js';

/**
 * Relay connections (docs/graphql.md): every list that can grow is paged forward with
 * `first`/`after` and answers a full `PageInfo`.
 */
export interface PageInfoModel {
  hasNextPage: boolean;
  /**
   * Paging forward, true exactly when the page starts after a cursor: an `after` names a row of an
   * earlier page, so rows come before this one (as MikroORM's `Cursor.hasPrevPage` answers; the
   * Relay spec allows this for `first`/`after`).
   */
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** The PageInfo of a forward page, given its edges' cursors in order. */
export function forwardPageInfo(cursors: readonly string[], hasNextPage: boolean, after: string | null | undefined): PageInfoModel {
  return { hasNextPage, hasPreviousPage: Boolean(after), startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null };
}

/** A connection of the given nodes, each with its cursor. */
export function toConnection<T>(nodes: readonly T[], cursors: readonly string[], hasNextPage: boolean, after: string | null | undefined): ConnectionModel<T> {
  return {
    edges: nodes.map((node, index) => ({ node, cursor: cursors[index] ?? '' })),
    pageInfo: forwardPageInfo(cursors, hasNextPage, after),
  };
}

/** `first`/`after` of a connection field. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Order of a page by a time column, then the id as the tie-breaker: what every listed row has. */
export type TimeThenIdOrder<K extends string> = { [key in K]: 'asc' | 'desc' } & { id: 'asc' | 'desc' };

/**
 * One forward page of an entity's rows through MikroORM's cursor: `first` checked against `max`,
 * a cursor that is not one of ours refused as BAD_USER_INPUT before it reaches SQL.
 * @default first 20, max 100
 */
export async function findPage<T extends object, K extends string>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
  orderBy: TimeThenIdOrder<K>,
  limits: { first?: number; max?: number } = {},
): Promise<ConnectionModel<T> & { totalCount: number }> {
  const first = args.first ?? limits.first ?? 20;
  const max = limits.max ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be 1 to ${max}`);
  if (args.after && !isTimeThenIdCursor(args.after)) throw badInput('after is not a valid cursor');
  const cursor = await em.findByCursor(entity, where, { first, after: args.after ?? undefined, orderBy: orderBy as never });
  const cursors = cursor.items.map((item) => cursor.from(item));
  return { ...toConnection(cursor.items, cursors, cursor.hasNextPage, args.after), totalCount: cursor.totalCount };
}

/** An empty page, for a list the viewer may not see. */
export function emptyConnection<T>(): ConnectionModel<T> & { totalCount: number } {
  return { ...toConnection<T>([], [], false, null), totalCount: 0 };
}

export interface ConnectionModel<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfoModel;
}

function isTimeThenIdCursor(value: string): boolean {
  try {
    const decoded = Cursor.decode(value);
    // MikroORM decodes an ISO time back into a Date.
    const [at, id] = decoded as unknown[];
    return decoded.length === 2 && at instanceof Date && !Number.isNaN(at.getTime()) && typeof id === 'string' && parseIdOrNull(id) !== null;
  } catch {
    return false;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { IsolationLevel } from '@mikro-orm/core';

declare const unitOfWorkBrand: unique symbol;

/**
 * One database transaction that several modules take part in (docs/architecture.md). The module
 * whose operation it is opens it with {@link inUnitOfWork} and passes it to each owner's method; each
 * owner writes only its own tables through it, and everything commits together or not at all.
 *
 * It is a distinct type, not an `EntityManager`, so a method taking one says "I join your
 * transaction", and a caller cannot hand it an EntityManager outside a transaction by mistake.
 */
export interface UnitOfWork {
  /** The transaction's EntityManager: the owner's own entities and SQL only. */
  readonly em: EntityManager;
  readonly [unitOfWorkBrand]: true;
}

/** Runs `work` in one transaction (a new one, or a savepoint inside the caller's). */
export async function inUnitOfWork<T>(
  em: EntityManager,
  work: (uow: UnitOfWork) => Promise<T>,
  options: { isolationLevel?: IsolationLevel; readOnly?: boolean } = {},
): Promise<T> {
  return em.transactional((tx) => work({ em: tx } as UnitOfWork), options);
}

/**
 * The unit of work of a transaction the caller already has open on `em` (code inside
 * `em.transactional`). Refuses an EntityManager outside a transaction: writes handed to another
 * module's owner must commit with the caller's.
 */
export function unitOfWorkIn(em: EntityManager): UnitOfWork {
  if (!em.isInTransaction()) throw new Error('unitOfWorkIn: the EntityManager is not in a transaction');
  return { em } as UnitOfWork;
}

/**
 * Work that needs no transaction of its own (a read, a listing, a single write that commits by
 * itself) still goes to an owner through a unit of work: this one uses the caller's EntityManager
 * as it is, inside the caller's transaction if it has one.
 */
export function withoutTransaction(em: EntityManager): UnitOfWork {
  return { em } as UnitOfWork;
}

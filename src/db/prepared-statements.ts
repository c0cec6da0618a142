import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Sql } from 'sql-template-tag';

/** The part of a `pg` client this needs. */
interface PgConnection {
  query(config: { name?: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The part of knex's client (MikroORM's pool) this needs. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

/** Distinct statement texts kept prepared (per pool connection, by PostgreSQL); later ones are parsed each time. */
const MAX_NAMED = 64;

/**
 * Statements on a hot path, straight to `pg` on a connection of the ORM's pool, with bound
 * parameters and prepared once per connection. MikroORM's `execute` writes every parameter into
 * the SQL text (an update's bytes as hex) and builds the query through knex each time, and
 * PostgreSQL then parses and plans that text anew; profiles of live editing put the three among
 * the largest costs of a commit, in the server and in PostgreSQL alike.
 *
 * Takes SQL with `?` placeholders, as `em.execute` does (no `?` may appear otherwise). Each
 * distinct text gets a name, so a statement whose text repeats (its shape fixed, its rows in
 * array parameters) is parsed and planned once per connection. The name is the text's digest:
 * `pg` refuses one name for two texts on a connection, and several sets (one per document store)
 * share the pool's connections.
 */
export class PreparedStatements {
  readonly #texts = new Map<string, { text: string; name: string | undefined }>();

  constructor(
    /** Whose pool: the ORM, or an EntityManager of it. */
    private readonly source: MikroORM | EntityManager,
    /** Names this set's statements, apart from any other set's on the same connections. */
    private readonly prefix: string,
  ) {}

  /** Runs one statement on its own (autocommit: durable when it returns); its rows. */
  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.#run<T>(this.#prepared(sql), params);
  }

  /** {@link query} for SQL already numbered (`$1`, `$2`, … as knex's `toNative()` writes it). */
  async queryNumbered<T>(text: string, params: readonly unknown[]): Promise<T[]> {
    return this.#run<T>(this.#named(text, text), params);
  }

  async #run<T>({ text, name }: { text: string; name: string | undefined }, params: readonly unknown[]): Promise<T[]> {
    const em = 'em' in this.source ? this.source.em : this.source;
    const pool = em.getConnection().getKnex().client as PooledClient;
    const connection = await pool.acquireConnection();
    try {
      const result = await connection.query({ name, text, values: params });
      return result.rows as T[];
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  #prepared(sql: string): { text: string; name: string | undefined } {
    const known = this.#texts.get(sql);
    if (known) return known;
    let position = 0;
    return this.#named(sql, sql.replace(/\?/g, () => `$${++position}`));
  }

  /** The name `text` is prepared under (kept by `key`), or none once {@link MAX_NAMED} are. */
  #named(key: string, text: string): { text: string; name: string | undefined } {
    let prepared = this.#texts.get(key);
    if (!prepared) {
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 24);
      prepared = { text, name: this.#texts.size < MAX_NAMED ? `${this.prefix}_${digest}` : undefined };
      if (prepared.name) this.#texts.set(key, prepared);
    }
    return prepared;
  }
}

/** One set per pool for {@link readRows}: a read's text is prepared once per connection, whoever asks. */
const readsByPool = new WeakMap<object, PreparedStatements>();

/**
 * A read on a hot path (a statement built with `sql-template-tag`): prepared, with bound
 * parameters, on a connection of the pool, or through the caller's transaction when `em` is in
 * one, since the pool's other connections would not see what that transaction has written.
 */
export async function readRows<T>(em: EntityManager, query: Sql): Promise<T[]> {
  if (em.isInTransaction()) return em.execute<T[]>(query.sql, query.values);
  return readsOf(em).query<T>(query.sql, query.values);
}

/**
 * A one-statement write on a hot path, as {@link readRows} runs a read: prepared, with bound
 * parameters; on a pool connection it commits on its own (durable when this resolves), else in
 * the caller's transaction.
 */
export async function writeRow(em: EntityManager, statement: Sql): Promise<void> {
  await readRows(em, statement);
}

/**
 * {@link readRows} for SQL with knex's named bindings (`:unit`, `:now::date`), which knex numbers
 * and binds: a long read model's statement is planned once per connection instead of every time
 * (its planning costs PostgreSQL more than running it, on the unit dashboard's).
 */
export async function readNamedRows<T>(em: EntityManager, sql: string, bindings: Record<string, unknown>): Promise<T[]> {
  const raw = em.getKnex().raw(sql, bindings as never);
  if (em.isInTransaction()) return em.execute<T[]>(raw);
  const { sql: text, bindings: values } = raw.toSQL().toNative();
  return readsOf(em).queryNumbered<T>(text, values);
}

function readsOf(em: EntityManager): PreparedStatements {
  const pool = em.getConnection().getKnex().client as object;
  let statements = readsByPool.get(pool);
  if (!statements) readsByPool.set(pool, (statements = new PreparedStatements(em, 'samplan_read')));
  return statements;
}

import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
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
    /** Whose pool: the ORM, or an EntityManager of it, or a `pg` pool of its own. */
    private readonly source: MikroORM | EntityManager | pg.Pool,
    /** Names this set's statements, apart from any other set's on the same connections. */
    private readonly prefix: string,
    /** Told how long each statement waited for a connection of a `pg` pool of its own, in seconds. */
    private readonly onWaited?: (seconds: number) => void,
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
    if (this.source instanceof pg.Pool) {
      const asked = performance.now();
      const client = await this.source.connect();
      this.onWaited?.((performance.now() - asked) / 1000);
      try {
        const result = await client.query({ name, text, values: params as unknown[] });
        client.release();
        return result.rows as T[];
      } catch (error) {
        // As `pool.query` does: a connection a statement failed on is not handed out again.
        client.release(error as Error);
        throw error;
      }
    }
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

/** Connections of the hot reads' own pool, per ORM pool (see {@link readsOf}). */
const HOT_READ_CONNECTIONS = 5;

/** The hot reads of each ORM pool: their statements, on their own pool. */
const readsByPool = new WeakMap<object, { statements: PreparedStatements; pool: pg.Pool }>();
/** ORM pools whose hot reads were closed ({@link closeHotReads}): no new pool opens for them. */
const closedPools = new WeakSet<object>();
/** Who is told each hot read's wait for a connection, per ORM pool ({@link observeHotReadWaits}). */
const waitObservers = new WeakMap<object, (seconds: number) => void>();

/** Tells `observer` how long each hot read of `orm` waits for a connection of its pool (metrics). */
export function observeHotReadWaits(orm: MikroORM, observer: (seconds: number) => void): void {
  waitObservers.set(orm.em.getConnection().getKnex().client as object, observer);
}

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

/**
 * The hot reads run on a small pool of their own, whose connections use generic plans for
 * prepared statements (`plan_cache_mode = force_generic_plan`). Left to choose, PostgreSQL plans
 * a statement anew at every bind while a generic plan looks costlier than the custom ones, which
 * it does for these reads (arrays of unknown length, a page size not yet known): the caseload's
 * page took 0.9 ms to plan and 0.5 to run, a plan with its facts 1.7 and 0.6 (PostgreSQL's own
 * statement log, bench/README.md). Their texts are few and fixed and every value is a bound
 * parameter, so one plan each per connection serves. The ORM's pool keeps PostgreSQL's default:
 * its statements are not prepared, and are planned with their values as before. Same connection
 * settings as the ORM's (its type parsers among them: timestamps come back as text).
 */
function readsOf(em: EntityManager): PreparedStatements {
  const ormPool = em.getConnection().getKnex().client as object;
  let reads = readsByPool.get(ormPool);
  if (!reads) {
    // A read that comes in after shutdown closed the database fails, as the ORM's own would.
    if (closedPools.has(ormPool)) throw new Error('The database connection has been closed');
    const pool = new pg.Pool({
      ...(em.getConnection().getConnectionOptions() as pg.PoolConfig),
      max: HOT_READ_CONNECTIONS,
      options: '-c plan_cache_mode=force_generic_plan',
      // As long as the ORM's pool (knex's default) waits for a connection: a database that does
      // not answer fails the read ("timeout exceeded when trying to connect", src/db/outage.ts)
      // rather than holding it for ever.
      connectionTimeoutMillis: 60_000,
      // Nothing waits on an idle connection of this pool to exit.
      allowExitOnIdle: true,
    });
    // An idle connection that PostgreSQL ends (a restart, an outage) is dropped and replaced by
    // the next read; without a listener that would be an uncaught 'error' event.
    pool.on('error', () => undefined);
    reads = { statements: new PreparedStatements(pool, 'samplan_read', (seconds) => waitObservers.get(ormPool)?.(seconds)), pool };
    readsByPool.set(ormPool, reads);
  }
  return reads.statements;
}

/** The hot reads' pool of `orm` now (none before its first read), for metrics and tests. */
export function hotReadPoolOf(orm: MikroORM): pg.Pool | null {
  return readsByPool.get(orm.em.getConnection().getKnex().client as object)?.pool ?? null;
}

/** Ends the hot reads' pool of `orm` (closing the ORM leaves it to its idle timeout otherwise). */
export async function closeHotReads(orm: MikroORM): Promise<void> {
  const ormPool = orm.em.getConnection().getKnex().client as object;
  const reads = readsByPool.get(ormPool);
  readsByPool.delete(ormPool);
  closedPools.add(ormPool);
  await reads?.pool.end();
}

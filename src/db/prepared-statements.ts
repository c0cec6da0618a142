import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';

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
    private readonly orm: MikroORM,
    /** Names this set's statements, apart from any other set's on the same connections. */
    private readonly prefix: string,
  ) {}

  /** Runs one statement on its own (autocommit: durable when it returns); its rows. */
  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const { text, name } = this.#prepared(sql);
    const pool = this.orm.em.getConnection().getKnex().client as PooledClient;
    const connection = await pool.acquireConnection();
    try {
      const result = await connection.query({ name, text, values: params });
      return result.rows as T[];
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  #prepared(sql: string): { text: string; name: string | undefined } {
    let prepared = this.#texts.get(sql);
    if (!prepared) {
      let position = 0;
      const text = sql.replace(/\?/g, () => `$${++position}`);
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 24);
      prepared = { text, name: this.#texts.size < MAX_NAMED ? `${this.prefix}_${digest}` : undefined };
      if (prepared.name) this.#texts.set(sql, prepared);
    }
    return prepared;
  }
}

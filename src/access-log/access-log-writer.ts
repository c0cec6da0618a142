import type { MikroORM } from '@mikro-orm/postgresql';
import { PreparedStatements } from '../db/prepared-statements.js';
import { accessLogArrayInsert, type AccessEntry } from './access-log.js';

/** Statements writing access-log rows at once; what arrives meanwhile goes in the next one. */
const MAX_CONCURRENT_WRITES = 2;
/** Rows in one statement at most (6 parameters a row, PostgreSQL takes 65,535 a statement). */
const MAX_ROWS_PER_WRITE = 1_000;

type Waiting = { entry: AccessEntry; resolve(): void; reject(error: unknown): void };

/**
 * Group commit for the access-log rows of GraphQL reads and writes (docs/access-log.md). Each
 * read must be logged, durably, before its answer leaves; one statement per read made every read
 * of a busy plan wait for the one before it (the chain trigger locks the plan's head row), and
 * cost a round trip each. Rows that arrive while a write runs share the next statement, in one
 * autocommit transaction: `append` resolves once PostgreSQL has committed the row, and rejects
 * if it could not be written, so the read fails rather than going unlogged. A failing statement is
 * retried row by row, so one bad row fails only its own read.
 */
export class AccessLogWriter {
  #waiting: Waiting[] = [];
  #inFlight = 0;
  /** The insert is one text whatever the rows, prepared once per connection. */
  readonly #statements: PreparedStatements;

  constructor(orm: MikroORM) {
    this.#statements = new PreparedStatements(orm, 'samplan_access_log');
  }

  append(entry: AccessEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ entry, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < MAX_CONCURRENT_WRITES && this.#waiting.length) {
      const group = this.#waiting.splice(0, MAX_ROWS_PER_WRITE);
      this.#inFlight += 1;
      void this.#write(group).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #write(group: Waiting[]): Promise<void> {
    try {
      await this.#insert(group.map((waiting) => waiting.entry));
      for (const waiting of group) waiting.resolve();
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      await Promise.all(group.map(async (waiting) => {
        try {
          await this.#insert([waiting.entry]);
          waiting.resolve();
        } catch (alone) {
          waiting.reject(alone);
        }
      }));
    }
  }

  async #insert(entries: readonly AccessEntry[]): Promise<void> {
    const statement = accessLogArrayInsert(entries);
    if (statement) await this.#statements.query(statement.sql, statement.values);
  }
}

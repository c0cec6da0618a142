import pg from 'pg';

/**
 * Every SQL statement sent while `work` runs, at `pg`'s own `Client#query`: below MikroORM, knex
 * and the prepared reads (src/db/prepared-statements.ts) alike, so no path escapes the count. Counts
 * the whole process: keep other work quiet meanwhile (the scheduler's interval long).
 */
export async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config] = args as [string | { text: string }];
    statements.push(typeof config === 'string' ? config : config.text);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return statements;
}

import sql, { type Sql } from 'sql-template-tag';
import type { EntityManager } from '@mikro-orm/postgresql';

export type AccessAction = 'READ' | 'WRITE';
/** The door content went through: GraphQL, the live document (/collab), or an archive download. */
export type AccessDoor = 'GRAPHQL' | 'LIVE' | 'ARCHIVE';

export interface AccessEntry {
  planId: string;
  personId: string;
  action: AccessAction;
  /** What was read or written, e.g. `sections`, `section:goals`, `archive.pdf`. Never the content. */
  what: string;
  door: AccessDoor;
  at: Date;
}

/**
 * Appends entries to the plan's access log (Normen factsheets 14 and 15); the table refuses changes.
 * Pass the EntityManager of the transaction that makes the change, so the row and the change
 * commit (or fail) together.
 */
export async function recordAccess(em: EntityManager, entries: AccessEntry | readonly AccessEntry[]): Promise<void> {
  const statement = accessLogInsert(Array.isArray(entries) ? entries : [entries as AccessEntry]);
  if (statement) await em.execute(statement.sql, statement.params);
}

/** The rows in the order the chain trigger needs: by plan, each plan's in the order given (a stable sort). */
const byPlan = (entries: readonly AccessEntry[]) => [...entries].sort((a, b) => (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0));

/**
 * The insert `recordAccess` runs, for a caller that folds it into a statement of its own; null for
 * no rows. Rows go in by plan (each plan's in the order given): the chain trigger locks each
 * plan's head as it reaches its first row, so two statements naming the same plans in different
 * orders would deadlock. A transaction should log with one such statement. The table is named
 * with its schema so that a temporary table of the same name cannot take the rows.
 */
export function accessLogInsert(entries: readonly AccessEntry[]): { sql: string; params: unknown[] } | null {
  if (!entries.length) return null;
  const rows = byPlan(entries);
  return {
    sql: `insert into public."access_log" ("plan_id", "person_id", "action", "what", "door", "at") values ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    params: rows.flatMap((row) => [row.planId, row.personId, row.action, row.what, row.door, row.at]),
  };
}

/**
 * The same insert as {@link accessLogInsert} with one statement text for any number of rows (the
 * rows go as six array parameters), for a writer that prepares it once per connection: the
 * parameters must be bound by `pg`, which sends arrays as arrays (not through `em.execute`).
 */
export function accessLogArrayInsert(entries: readonly AccessEntry[]): Sql | null {
  if (!entries.length) return null;
  const rows = byPlan(entries);
  // `with ordinality … order by` keeps the rows in that order, which the chain trigger relies on.
  return sql`insert into public."access_log" ("plan_id", "person_id", "action", "what", "door", "at")
    select "plan_id", "person_id", "action", "what", "door", "at"
    from unnest(${rows.map((row) => row.planId)}::uuid[], ${rows.map((row) => row.personId)}::uuid[], ${rows.map((row) => row.action)}::text[],
                ${rows.map((row) => row.what)}::text[], ${rows.map((row) => row.door)}::text[], ${rows.map((row) => row.at)}::timestamptz[])
      with ordinality as "r" ("plan_id", "person_id", "action", "what", "door", "at", "n")
    order by "n"`;
}

/**
 * The WRITE rows of committed changes to plan documents, one per section, for the document log's
 * commit statement (src/documents/log-writer.ts `RecordsOfCommits`): durable with the change itself.
 */
export function accessLogOfCommits(
  entries: ReadonlyArray<{ planId: string; authorId: string; sections: readonly string[]; at: Date; door: AccessDoor }>,
): { sql: string; params: unknown[] } | null {
  return accessLogInsert(entries.flatMap((entry) => sectionWrites(entry.planId, entry)));
}

/** What a write to one section of the plan document is logged as. */
export const sectionWhat = (section: string) => `section:${section}`;

/** What a saved version is logged as, read (its content) or written (created). */
export const versionWhat = (versionId: string) => `version:${versionId}`;

/** One WRITE row per section an accepted document change touched. */
export function sectionWrites(
  planId: string,
  change: { authorId: string; sections: readonly string[]; at: Date; door: AccessDoor },
): AccessEntry[] {
  return change.sections.map((section) => ({
    planId,
    personId: change.authorId,
    action: 'WRITE',
    what: sectionWhat(section),
    door: change.door,
    at: change.at,
  }));
}

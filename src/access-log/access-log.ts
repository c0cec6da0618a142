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

/** Appends entries to the plan's access log (Normen factsheets 14 and 15); the table refuses changes. */
export async function recordAccess(em: EntityManager, entries: AccessEntry | readonly AccessEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries as AccessEntry];
  if (!rows.length) return;
  await em.execute(
    `insert into "access_log" ("plan_id", "person_id", "action", "what", "door", "at") values ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    rows.flatMap((row) => [row.planId, row.personId, row.action, row.what, row.door, row.at]),
  );
}

/**
 * What the role the server serves as may do with the access log's tables (docs/deployment.md,
 * "Database roles"): read and append to the log, read the chain heads (its trigger keeps them).
 * Never update, delete, truncate or alter: the log is append-only, whatever the server is made
 * to run.
 */
export const ACCESS_LOG_SERVING_PRIVILEGES: Readonly<Record<string, readonly ('select' | 'insert')[]>> = {
  access_log: ['select', 'insert'],
  access_log_head: ['select'],
};

/** Run as the serving role: why it could erase the access log, or null when it cannot. */
export const SERVING_ROLE_CHECK_SQL = `
  select r.rolname as role,
    r.rolsuper as superuser,
    pg_has_role(current_user, c.relowner, 'MEMBER') as owner,
    has_table_privilege(c.oid, 'UPDATE') or has_table_privilege(c.oid, 'DELETE') or has_table_privilege(c.oid, 'TRUNCATE') as may_change
  from pg_roles r, pg_class c
  where r.rolname = current_user and c.oid = 'access_log'::regclass`;

export interface ServingRoleCheck {
  role: string;
  superuser: boolean;
  owner: boolean;
  may_change: boolean;
}

/** Why a role could erase or change the access log; null when it cannot. */
export function whyRoleCouldErase(check: ServingRoleCheck): string | null {
  if (check.superuser) return `${check.role} is a superuser`;
  if (check.owner) return `${check.role} owns access_log (or may act as its owner)`;
  if (check.may_change) return `${check.role} may update, delete or truncate access_log`;
  return null;
}

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

/**
 * Run as the serving role: why it could erase the access log, or hide what it does to it, or
 * null when it cannot. Besides owning the log or holding more than SELECT and INSERT on it:
 * adding a trigger (one that runs first and drops rows), moving a chain head, creating roles
 * (before PostgreSQL 16, CREATEROLE may grant itself the owner's role), creating objects where
 * the owner's sessions look for them (schema public, or a schema named after the owner, which
 * the owner's `"$user", public` search path finds first), and reaching the server's files.
 */
export const SERVING_ROLE_CHECK_SQL = `
  select r.rolname as role,
    r.rolsuper as superuser,
    exists (select 1 from pg_class c where c.oid in ('public.access_log'::regclass, 'public.access_log_head'::regclass)
      and pg_has_role(current_user, c.relowner, 'MEMBER')) as owner,
    has_table_privilege('public.access_log', 'UPDATE') or has_table_privilege('public.access_log', 'DELETE')
      or has_table_privilege('public.access_log', 'TRUNCATE') as may_change,
    has_table_privilege('public.access_log', 'TRIGGER') or has_table_privilege('public.access_log_head', 'INSERT')
      or has_table_privilege('public.access_log_head', 'UPDATE') or has_table_privilege('public.access_log_head', 'DELETE')
      or has_table_privilege('public.access_log_head', 'TRUNCATE') or has_table_privilege('public.access_log_head', 'TRIGGER') as may_bypass,
    r.rolcreaterole as may_create_roles,
    has_database_privilege(current_database(), 'CREATE') as may_create_schemas,
    (select string_agg(n.nspname, ', ' order by n.nspname) from pg_namespace n
      where has_schema_privilege(n.oid, 'CREATE') and n.nspname !~ '^pg_(toast_)?temp_') as writable_schemas,
    pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') or pg_has_role(current_user, 'pg_write_server_files', 'MEMBER')
      or pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') as server_files
  from pg_roles r
  where r.rolname = current_user`;

export interface ServingRoleCheck {
  role: string;
  superuser: boolean;
  owner: boolean;
  may_change: boolean;
  may_bypass: boolean;
  may_create_roles: boolean;
  may_create_schemas: boolean;
  /** Schemas the role may create objects in (null for none). */
  writable_schemas: string | null;
  server_files: boolean;
}

/** Why a role could erase or change the access log, or hide doing so; null when it cannot. */
export function whyRoleCouldErase(check: ServingRoleCheck): string | null {
  if (check.superuser) return `${check.role} is a superuser`;
  if (check.owner) return `${check.role} owns access_log (or may act as its owner)`;
  if (check.may_change) return `${check.role} may update, delete or truncate access_log`;
  if (check.may_bypass) return `${check.role} may add triggers to access_log or change access_log_head`;
  if (check.may_create_roles) return `${check.role} may create roles (CREATEROLE; before PostgreSQL 16 that lets it make itself a member of the owner)`;
  if (check.writable_schemas) return `${check.role} may create objects in schema ${check.writable_schemas}, where the owner's statements would find them`;
  if (check.may_create_schemas) return `${check.role} may create schemas in the database (CREATE on it), where the owner's statements would find them`;
  if (check.server_files) return `${check.role} may reach files or programs on the database server (pg_read_server_files, pg_write_server_files, pg_execute_server_program)`;
  return null;
}

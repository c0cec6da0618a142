// @ts-check
/**
 * Which module owns which table: the one place that says it (docs/architecture.md draws it).
 * Only files under `src/<owner>/` name a table in SQL; test/table-owners.test.ts checks that every
 * table the migrations create is listed here and that each entity lives in its table's module.
 * @type {Readonly<Record<string, string>>}
 */
export const TABLE_OWNERS = Object.freeze({
  person: 'people',
  guardianship: 'people',
  organization: 'organizations',
  membership: 'organizations',
  plan: 'plans',
  participant: 'plans',
  consent: 'consent',
  plan_update: 'documents',
  plan_snapshot: 'documents',
  plan_log_head: 'documents',
  plan_change: 'documents',
  plan_version: 'documents',
  plan_document_quarantine: 'documents',
  section_grant: 'documents',
  restricted_reader: 'documents',
  service_request: 'requests',
  complaint: 'complaints',
  evaluation: 'evaluations',
  archive_record: 'archive',
  access_log: 'access-log',
  access_log_head: 'access-log',
  case_event: 'casework',
  deadline: 'casework',
  measure_gap: 'casework',
  plan_deadline_resync: 'casework',
  notification: 'notifications',
});

/**
 * Folders outside any domain that may name every table: `db/` prepares the database (roles and
 * grants over all tables) and registers the entities for the ORM.
 */
export const INFRASTRUCTURE_FOLDERS = Object.freeze(['db']);

/**
 * What the organizations module publishes for other modules' SQL (docs/architecture.md): a named
 * relation whose columns are the contract; consumers never name `organization` or `membership`.
 */

/** Every unit: `organization_id`, `name`, `kind` ('COORDINATING_UNIT' | 'SERVICE_UNIT' | …), `municipality` (kommunenummer or null). */
export const ORGANIZATIONS_SQL = `select "id" as "organization_id", "name", "kind", "municipality" from "organization"`;

/**
 * What the plans module publishes for other modules' SQL (docs/architecture.md): named relations
 * over its own tables whose columns are the contract. A consumer composes them
 * (`join (${PARTICIPANTS_SQL}) pa on …`) and never names `plan` or `participant`, so a column of
 * those tables can change with only this file following it.
 */

/**
 * Every plan: `plan_id`, `title`, `owner_id` (the person it is for), `unit_id` (the coordinating
 * unit, or null), `status` ('REQUESTED' | 'ACTIVE' | 'ENDED'), `kind`, `created_at`, `ended_at`,
 * `ended_by_id`, `end_reason`, `version` (bumped on every change of the plan or its participants;
 * events carry it).
 */
export const PLANS_SQL = `select "id" as "plan_id", "title", "owner_id", "unit_id", "status", "kind", "created_at", "ended_at", "ended_by_id", "end_reason", "version" from "plan"`;

/**
 * Every participation, removed ones included: `participant_id`, `plan_id`, `person_id`, `role`,
 * `organization_id` (the unit a provider or coordinator acts for), `active_from`, `active_to`,
 * `removed_at`, `added_by_id`, `created_at`.
 */
export const PARTICIPANTS_SQL = `select "id" as "participant_id", "plan_id", "person_id", "role", "organization_id", "active_from", "active_to", "removed_at", "added_by_id", "created_at" from "participant"`;

/**
 * What the consent module publishes for other modules' SQL (docs/architecture.md): named relations
 * over its own table whose columns are the contract; consumers never name `consent`.
 */

/**
 * Consents still standing (neither withdrawn nor expired), whatever their dates: `consent_id`,
 * `plan_id`, `participant_id`, `given_at` (when it starts to hold), `valid_until` (null: until
 * withdrawn).
 */
export const STANDING_CONSENTS_SQL = `select "id" as "consent_id", "plan_id", "participant_id", "given_at", "valid_until" from "consent" where "withdrawn_at" is null and "expired_at" is null`;

/**
 * Every consent, however it ended: `consent_id`, `plan_id`, `participant_id` (null for the plan's
 * own), `person_id` (whose access it concerns), `scope`, `given_by_id`, `given_at`, `valid_until`,
 * `withdrawn_at`, `expired_at`.
 */
export const CONSENTS_SQL = `select "id" as "consent_id", "plan_id", "participant_id", "person_id", "scope", "given_by_id", "given_at", "valid_until", "withdrawn_at", "expired_at" from "consent"`;

/**
 * What the evaluations module publishes for other modules' SQL (docs/architecture.md): a named
 * relation whose columns are the contract; consumers never name `evaluation`.
 */

/**
 * Every recorded evaluation: `evaluation_id`, `plan_id`, `date`, `outcome`, `participant_ids`
 * (uuid[]), `recorded_by_id`, `version_id` (its automatic version, or null), `created_at`.
 */
export const EVALUATIONS_SQL = `select "id" as "evaluation_id", "plan_id", "date", "outcome", "participant_ids", "recorded_by_id", "version_id", "created_at" from "evaluation"`;

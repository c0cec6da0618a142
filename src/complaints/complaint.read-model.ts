/**
 * What the complaints module publishes for other modules' SQL (docs/architecture.md): a named
 * relation whose columns are the contract; consumers never name `complaint`.
 */

/** Every complaint: `complaint_id`, `unit_id` (the unit that receives it), `status` ('RECEIVED' | 'FORWARDED' | …), `person_id`, `plan_id`, `request_id`. */
export const COMPLAINTS_SQL = `select "id" as "complaint_id", "unit_id", "status", "person_id", "plan_id", "request_id" from "complaint"`;

/**
 * What the requests module publishes for other modules' SQL (docs/architecture.md): a named
 * relation whose columns are the contract; consumers never name `service_request`.
 */

/**
 * Every request for a plan or a coordinator: `request_id`, `person_id` (whom it is for),
 * `unit_id` (the coordinating unit that decides it), `status` ('RECEIVED' | 'GRANTED' | 'REFUSED' |
 * 'WITHDRAWN'), `plan_id` (the plan a grant opened, or null), `received_at`, `decision_due_at`,
 * `decided_at`, `interim_notice_sent_at`, `interim_notice_expected_date` (the date the notice
 * promised a decision by, or null).
 */
export const REQUESTS_SQL = `select "id" as "request_id", "person_id", "unit_id", "status", "plan_id", "received_at", "decision_due_at", "decided_at", "interim_notice_sent_at", "interim_notice_expected_date" from "service_request"`;

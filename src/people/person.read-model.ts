/**
 * What the people module publishes for other modules' SQL (docs/architecture.md): a named relation
 * whose columns are the contract; consumers never name `person`.
 */

/** Every person's name as shown: `person_id`, `display_name`. */
export const PERSON_NAMES_SQL = `select "id" as "person_id", "display_name" from "person"`;

import { COMPLAINTS_SQL } from '../complaints/complaint.read-model.js';
import { PARTICIPANTS_SQL, PLANS_SQL } from '../plans/plan.read-model.js';
import { REQUESTS_SQL } from '../requests/request.read-model.js';

/**
 * The unit dashboard's read model (docs/casework.md): one set of relations over what the requests,
 * plans and complaints modules publish, which the caseload (caseload.ts) and the counts
 * (dashboard-counts.ts) both start from. Named bindings: `:unit` (the unit's id) and `:now`.
 * `not materialized`: each is inlined where it is used, so the planner keeps using the owners'
 * indexes (a materialized CTE would read whole tables).
 *
 * - `unit_requests`: the unit's requests (columns of `REQUESTS_SQL`).
 * - `unit_plans`: the plans the unit oversees (columns of `PLANS_SQL`).
 * - `current_coordinators`: `plan_id`, `person_id` of every coordinator taking part at `:now`.
 * - `unit_complaints`: complaints the unit receives (columns of `COMPLAINTS_SQL`).
 */
export const UNIT_DASHBOARD_RELATIONS = `
  "unit_requests" as not materialized (select * from (${REQUESTS_SQL}) r where r."unit_id" = :unit),
  "unit_plans" as not materialized (select * from (${PLANS_SQL}) p where p."unit_id" = :unit),
  "current_coordinators" as not materialized (
    select pa."plan_id", pa."person_id" from (${PARTICIPANTS_SQL}) pa
     where pa."role" = 'COORDINATOR' and pa."removed_at" is null and pa."active_from" <= :now and (pa."active_to" is null or pa."active_to" > :now)),
  "unit_complaints" as not materialized (select * from (${COMPLAINTS_SQL}) c where c."unit_id" = :unit)`;

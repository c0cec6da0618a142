import { Migration } from '@mikro-orm/migrations';

/**
 * Every running plan is read once more at the next start: before a change was marked stale at once
 * (src/casework/plan-deadline-resync.ts), a reading still settling when the server or `npm run seed`
 * stopped was lost, and its measures' deadlines never reached the dashboard.
 */
export class Migration20261208000100PlanDeadlinesReread extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into "plan_deadline_resync" ("plan_id") select "id" from "plan" where "status" <> 'ENDED' on conflict ("plan_id") do nothing;`);
  }

  override async down(): Promise<void> {
    // Nothing to undo: a plan read once more is read as it was.
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes the unit dashboard's caseload reads by (src/casework/caseload.ts): each case's earliest
 * open deadline, found by its plan or its request, and the request a plan was opened from. Without
 * them every case on a page scanned every open deadline (320 ms a dashboard at 2,000 cases).
 */
export class Migration20261206000100CaseloadIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "deadline_plan_pending_idx" on "deadline" ("plan_id", "due_at") where "resolved_at" is null and "plan_id" is not null;`);
    this.addSql(`create index "deadline_request_pending_idx" on "deadline" ("request_id", "due_at") where "resolved_at" is null and "request_id" is not null;`);
    this.addSql(`create index "service_request_plan_idx" on "service_request" ("plan_id", "received_at") where "plan_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index "service_request_plan_idx";');
    this.addSql('drop index "deadline_request_pending_idx";');
    this.addSql('drop index "deadline_plan_pending_idx";');
  }
}

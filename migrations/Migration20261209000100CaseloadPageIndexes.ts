import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes in the order of a unit's caseload (src/casework/caseload.ts), one for each kind of case:
 * requests not (yet) a plan by when they came in, plans by when they were made. A page then reads
 * the first few of each kind and merges them, where before it sorted every case of the unit (a
 * coordinating unit has all of a municipality's cases).
 */
export class Migration20261209000100CaseloadPageIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "service_request_unit_open_idx" on "service_request" ("unit_id", "received_at", "id") where "plan_id" is null;`);
    this.addSql(`create index "plan_unit_created_idx" on "plan" ("unit_id", "created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index "plan_unit_created_idx";');
    this.addSql('drop index "service_request_unit_open_idx";');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Plans whose dates and incomplete measures must be read again from their documents: every running
 * plan when this lands, since incomplete measures (`measure_gap`) were only recorded from the next
 * edit on. The server works the queue off in the background at start (src/casework/plan-deadlines.ts),
 * removing a plan once it has been read, so a crash leaves the rest queued.
 */
export class Migration20261205000800PlanDeadlineResync extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "plan_deadline_resync" (
      "plan_id" uuid primary key references "plan" ("id") on update cascade on delete cascade,
      "queued_at" timestamptz not null default now());`);
    this.addSql(`insert into "plan_deadline_resync" ("plan_id") select "id" from "plan" where "status" <> 'ENDED';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "plan_deadline_resync";');
  }
}

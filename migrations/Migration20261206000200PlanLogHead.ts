import { Migration } from '@mikro-orm/migrations';

/**
 * Each plan document's head: the last sequence number its log has given out
 * (src/documents/log-writer.ts). Appending bumps it in the same statement that writes the rows, so
 * the row's lock orders appends from every server and a group commit is one round trip; before,
 * a transaction took advisory locks and read the head from the log in statements of its own.
 * Filled from the logs and snapshots as they stand. Servers of the previous version number from
 * the log itself: stop them all before starting this version (docs/deployment.md).
 */
export class Migration20261206000200PlanLogHead extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "plan_log_head" (
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "part" text not null,
      "head" bigint not null check ("head" >= 0),
      primary key ("plan_id", "part"));`);
    this.addSql(`insert into "plan_log_head" ("plan_id", "part", "head")
      select "plan_id", "part", max("seq") from (
        select "plan_id", "part", "seq" from "plan_update"
        union all
        select "plan_id", "part", "seq" from "plan_snapshot") as "logged"
      group by "plan_id", "part";`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "plan_log_head";');
  }
}

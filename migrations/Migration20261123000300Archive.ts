import { Migration } from '@mikro-orm/migrations';

/** Evaluations of a plan (docs/domain.md rule 9) and archive records of its state (rule 10). */
export class Migration20261123000300Archive extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "evaluation" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "date" date not null,
      "participant_ids" uuid[] not null,
      "outcome" text not null,
      "recorded_by_id" uuid not null references "person" ("id") on update cascade,
      "version_id" uuid null references "plan_version" ("id") on update cascade on delete set null,
      "entry_id" text not null,
      "created_at" timestamptz not null);`);
    this.addSql(`create index "evaluation_plan_idx" on "evaluation" ("plan_id", "date" desc);`);

    // The record is the whole plan as JSON at the moment it was archived, so a download always
    // shows the plan as it was, whatever changed afterwards.
    this.addSql(`create table "archive_record" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "kind" text not null check ("kind" in ('INTERIM', 'FINAL')),
      "created_by_id" uuid not null references "person" ("id") on update cascade,
      "created_at" timestamptz not null,
      "document_seq" bigint not null,
      "record" jsonb not null);`);
    this.addSql(`create index "archive_record_plan_idx" on "archive_record" ("plan_id", "created_at" desc);`);
    // One FINAL record per plan, whichever server (or start-up catch-up) writes it first.
    this.addSql(`create unique index "archive_record_one_final" on "archive_record" ("plan_id") where "kind" = 'FINAL';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "archive_record";`);
    this.addSql(`drop table if exists "evaluation";`);
  }
}

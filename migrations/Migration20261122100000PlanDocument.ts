import { Migration } from '@mikro-orm/migrations';

/** The live plan document: update log, snapshots, per-minute attribution, versions, section rights; ending a plan. */
export class Migration20261122100000PlanDocument extends Migration {
  override async up(): Promise<void> {
    // Ending a plan freezes its document; who ended it and why is part of the record.
    this.addSql(`alter table "plan"
      add column "ended_at" timestamptz null,
      add column "ended_by_id" uuid null references "person" ("id") on update cascade,
      add column "end_reason" text null;`);

    this.addSql(`create table "plan_update" (
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "seq" bigint not null check ("seq" > 0),
      "author_id" uuid not null references "person" ("id") on update cascade,
      "sections" text[] not null,
      "update" bytea not null,
      "created_at" timestamptz not null,
      primary key ("plan_id", "seq"));`);

    this.addSql(`create table "plan_snapshot" (
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "seq" bigint not null check ("seq" >= 0),
      "state" bytea not null,
      "created_at" timestamptz not null,
      primary key ("plan_id", "seq"));`);

    this.addSql(`create table "plan_change" (
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "section" text not null,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "minute" timestamptz not null,
      "changes" integer not null,
      "first_seq" bigint not null,
      "last_seq" bigint not null,
      "last_at" timestamptz not null,
      primary key ("plan_id", "section", "person_id", "minute"));`);
    this.addSql(`create index "plan_change_history_idx" on "plan_change" ("plan_id", "minute" desc);`);

    this.addSql(`create table "plan_version" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "label" text not null,
      "kind" text not null check ("kind" in ('NAMED', 'EVALUATION', 'CLOSED')),
      "author_id" uuid not null references "person" ("id") on update cascade,
      "seq" bigint not null,
      "state" bytea not null,
      "created_at" timestamptz not null);`);
    this.addSql(`create index "plan_version_plan_idx" on "plan_version" ("plan_id", "created_at" desc);`);

    this.addSql(`create table "section_grant" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "section" text not null,
      "access" text not null check ("access" in ('EDIT', 'READ')),
      "granted_by_id" uuid not null references "person" ("id") on update cascade,
      "created_at" timestamptz not null,
      constraint "section_grant_unique" unique ("plan_id", "person_id", "section"));`);
  }

  override async down(): Promise<void> {
    for (const table of ['section_grant', 'plan_version', 'plan_change', 'plan_snapshot', 'plan_update']) {
      this.addSql(`drop table if exists "${table}";`);
    }
    this.addSql(`alter table "plan" drop column "ended_at", drop column "ended_by_id", drop column "end_reason";`);
  }
}

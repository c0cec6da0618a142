import { Migration } from '@mikro-orm/migrations';

/** People, organizations and memberships, guardianships, plans and their participants. */
export class Migration20261122000000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "person" (
      "id" uuid not null primary key,
      "issuer" text not null,
      "subject" text not null,
      "display_name" text not null,
      "kind" text not null check ("kind" in ('CITIZEN', 'PERSONNEL')),
      "hpr_number" text null,
      "is_admin" boolean not null default false,
      "created_at" timestamptz not null,
      "last_seen_at" timestamptz null,
      constraint "person_issuer_subject_unique" unique ("issuer", "subject"));`);

    this.addSql(`create table "organization" (
      "id" uuid not null primary key,
      "name" text not null,
      "kind" text not null,
      "municipality" text null,
      "created_at" timestamptz not null);`);

    this.addSql(`create table "membership" (
      "id" uuid not null primary key,
      "organization_id" uuid not null references "organization" ("id") on update cascade on delete cascade,
      "person_id" uuid not null references "person" ("id") on update cascade on delete cascade,
      "role" text not null check ("role" in ('STAFF', 'UNIT_LEAD')),
      "created_at" timestamptz not null,
      constraint "membership_organization_person_unique" unique ("organization_id", "person_id"));`);
    this.addSql(`create index "membership_person_idx" on "membership" ("person_id");`);

    this.addSql(`create table "guardianship" (
      "id" uuid not null primary key,
      "guardian_id" uuid not null references "person" ("id") on update cascade on delete cascade,
      "ward_id" uuid not null references "person" ("id") on update cascade on delete cascade,
      "recorded_by_id" uuid not null references "person" ("id") on update cascade,
      "created_at" timestamptz not null,
      constraint "guardianship_guardian_ward_unique" unique ("guardian_id", "ward_id"));`);
    this.addSql(`create index "guardianship_ward_idx" on "guardianship" ("ward_id");`);

    this.addSql(`create table "plan" (
      "id" uuid not null primary key,
      "owner_id" uuid not null references "person" ("id") on update cascade,
      "title" text not null,
      "status" text not null check ("status" in ('REQUESTED', 'ACTIVE', 'ENDED')),
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "version" int not null default 1);`);
    // One plan per person: at most one plan that has not ended.
    this.addSql(`create unique index "plan_one_open_per_owner" on "plan" ("owner_id") where "status" <> 'ENDED';`);

    this.addSql(`create table "participant" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "role" text not null check ("role" in ('OWNER', 'GUARDIAN', 'RELATIVE', 'PROVIDER', 'COORDINATOR')),
      "organization_id" uuid null references "organization" ("id") on update cascade on delete set null,
      "active_from" timestamptz not null,
      "active_to" timestamptz null,
      "removed_at" timestamptz null,
      "added_by_id" uuid null references "person" ("id") on update cascade on delete set null,
      "created_at" timestamptz not null);`);
    // A person holds one current place in a plan; removed rows stay as history.
    this.addSql(
      `create unique index "participant_one_current_per_person" on "participant" ("plan_id", "person_id") where "removed_at" is null;`,
    );
    this.addSql(`create index "participant_person_idx" on "participant" ("person_id") where "removed_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "participant" cascade;');
    this.addSql('drop table if exists "plan" cascade;');
    this.addSql('drop table if exists "guardianship" cascade;');
    this.addSql('drop table if exists "membership" cascade;');
    this.addSql('drop table if exists "organization" cascade;');
    this.addSql('drop table if exists "person" cascade;');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Casework shared by every part of a plan's life: the coordinating unit a plan belongs to, the
 * unit's case events, deadlines, the notification outbox and the append-only access log.
 */
export class Migration20261123000000Casework extends Migration {
  override async up(): Promise<void> {
    // The coordinating unit that oversees the plan (null for a plan a person made on their own).
    this.addSql(`alter table "plan"
      add column "unit_id" uuid null references "organization" ("id") on update cascade,
      add column "archived_at" timestamptz null;`);
    this.addSql(`create index "plan_unit_idx" on "plan" ("unit_id", "status");`);

    // What happened in a unit's cases. Never plan content: kinds, ids, dates. Inserting a row
    // notifies every server (on commit only), which feeds the caseEvents subscription.
    this.addSql(`create table "case_event" (
      "id" bigserial primary key,
      "unit_id" uuid not null references "organization" ("id") on update cascade,
      "kind" text not null,
      "plan_id" uuid null references "plan" ("id") on update cascade,
      "request_id" uuid null,
      "person_id" uuid null references "person" ("id") on update cascade,
      "actor_id" uuid null references "person" ("id") on update cascade,
      "at" timestamptz not null,
      "detail" jsonb not null default '{}');`);
    this.addSql(`create index "case_event_unit_idx" on "case_event" ("unit_id", "id" desc);`);
    this.addSql(`create function "notify_case_event"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('samplan_case_event', new."id"::text);
        return new;
      end $$;`);
    this.addSql(`create trigger "case_event_notify" after insert on "case_event"
      for each row execute function "notify_case_event"();`);

    // Every dated obligation the scheduler watches. "key" names what it is about, so writers
    // upsert it (a measure's evaluate-by date moved) and resolve it (the request was decided).
    this.addSql(`create table "deadline" (
      "key" text primary key,
      "kind" text not null,
      "unit_id" uuid null references "organization" ("id") on update cascade,
      "plan_id" uuid null references "plan" ("id") on update cascade,
      "request_id" uuid null,
      "person_id" uuid null references "person" ("id") on update cascade,
      "due_at" timestamptz not null,
      "warn_at" timestamptz null,
      "warned_at" timestamptz null,
      "fired_at" timestamptz null,
      "resolved_at" timestamptz null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null);`);
    this.addSql(`create index "deadline_pending_idx" on "deadline" ("due_at") where "resolved_at" is null;`);
    this.addSql(`create index "deadline_unit_idx" on "deadline" ("unit_id", "kind", "due_at") where "resolved_at" is null;`);

    // Outbox: a notification is written in the transaction that causes it, delivered at least once.
    this.addSql(`create table "notification" (
      "id" uuid primary key,
      "recipient_id" uuid not null references "person" ("id") on update cascade,
      "kind" text not null,
      "link" text not null,
      "dedupe_key" text null unique,
      "status" text not null default 'PENDING' check ("status" in ('PENDING', 'DELIVERED', 'FAILED')),
      "attempts" integer not null default 0,
      "next_attempt_at" timestamptz not null,
      "last_error" text null,
      "delivered_at" timestamptz null,
      "read_at" timestamptz null,
      "created_at" timestamptz not null);`);
    this.addSql(`create index "notification_due_idx" on "notification" ("next_attempt_at") where "status" = 'PENDING';`);
    this.addSql(`create index "notification_recipient_idx" on "notification" ("recipient_id", "created_at" desc);`);

    // Who read or wrote a plan's content, when, what and through which door. Append-only: the
    // database itself refuses updates and deletes.
    this.addSql(`create table "access_log" (
      "id" bigserial primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "at" timestamptz not null,
      "action" text not null check ("action" in ('READ', 'WRITE')),
      "what" text not null,
      "door" text not null check ("door" in ('GRAPHQL', 'LIVE', 'ARCHIVE')));`);
    this.addSql(`create index "access_log_plan_idx" on "access_log" ("plan_id", "id" desc);`);
    this.addSql(`create function "access_log_append_only"() returns trigger language plpgsql as $$
      begin
        raise exception 'access_log is append-only';
      end $$;`);
    this.addSql(`create trigger "access_log_no_change" before update or delete on "access_log"
      for each statement execute function "access_log_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "access_log";`);
    this.addSql(`drop function if exists "access_log_append_only"();`);
    this.addSql(`drop table if exists "notification";`);
    this.addSql(`drop table if exists "deadline";`);
    this.addSql(`drop table if exists "case_event";`);
    this.addSql(`drop function if exists "notify_case_event"();`);
    this.addSql(`alter table "plan" drop column "unit_id", drop column "archived_at";`);
  }
}

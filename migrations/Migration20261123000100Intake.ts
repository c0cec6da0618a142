import { Migration } from '@mikro-orm/migrations';

/**
 * Intake at the coordinating unit: requests for a plan and/or a coordinator (with the one-month
 * decision deadline and the interim notice), complaints, and the kind of case a plan is.
 */
export class Migration20261123000100Intake extends Migration {
  override async up(): Promise<void> {
    // A COORDINATOR_ONLY "plan" is the case record of someone who declined a plan but has a coordinator.
    this.addSql(`alter table "plan" add column "kind" text not null default 'PLAN'
      check ("kind" in ('PLAN', 'COORDINATOR_ONLY', 'CHILD_COORDINATOR'));`);

    // The lead's dashboard reads these columns with SQL: keep their names.
    this.addSql(`create table "service_request" (
      "id" uuid primary key,
      "unit_id" uuid not null references "organization" ("id") on update cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "submitted_by_id" uuid not null references "person" ("id") on update cascade,
      "source" text not null check ("source" in ('PERSON', 'RELATIVE', 'GUARDIAN', 'HEALTH_PERSONNEL')),
      "power_of_attorney" text null,
      "wants" text not null check ("wants" in ('PLAN_AND_COORDINATOR', 'COORDINATOR_ONLY', 'CHILD_COORDINATOR')),
      "child_birth_date" date null,
      "title" text null,
      "status" text not null default 'RECEIVED' check ("status" in ('RECEIVED', 'GRANTED', 'REFUSED', 'WITHDRAWN')),
      "received_at" timestamptz not null,
      "decision_due_at" timestamptz not null,
      "decided_at" timestamptz null,
      "decided_by_id" uuid null references "person" ("id") on update cascade,
      "decision_reason" text null,
      "interim_notice_sent_at" timestamptz null,
      "interim_notice_reason" text null,
      "interim_notice_expected_date" date null,
      "interim_notice_recorded_by_id" uuid null references "person" ("id") on update cascade,
      "plan_id" uuid null references "plan" ("id") on update cascade,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      -- A relative who is not the legal representative acts only with a power of attorney.
      constraint "service_request_relative_has_attorney" check ("source" <> 'RELATIVE' or "power_of_attorney" is not null),
      constraint "service_request_child_birth_date" check (("wants" = 'CHILD_COORDINATOR') = ("child_birth_date" is not null)),
      constraint "service_request_refusal_reason" check ("status" <> 'REFUSED' or "decision_reason" is not null));`);
    this.addSql(`create index "service_request_unit_idx" on "service_request" ("unit_id", "status", "decision_due_at");`);
    this.addSql(`create index "service_request_person_idx" on "service_request" ("person_id");`);
    this.addSql(`create index "service_request_submitter_idx" on "service_request" ("submitted_by_id");`);

    this.addSql(`create table "complaint" (
      "id" uuid primary key,
      "unit_id" uuid not null references "organization" ("id") on update cascade,
      "plan_id" uuid null references "plan" ("id") on update cascade,
      "request_id" uuid null references "service_request" ("id") on update cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "filed_by_id" uuid not null references "person" ("id") on update cascade,
      "power_of_attorney" text null,
      "about" text not null check ("about" in ('REFUSAL', 'MISSING_CONTENT', 'INACTIVE_PLAN', 'LACK_OF_PARTICIPATION')),
      "text" text not null,
      "status" text not null default 'RECEIVED' check ("status" in ('RECEIVED', 'FORWARDED', 'UPHELD', 'NOT_UPHELD', 'WITHDRAWN')),
      "filed_at" timestamptz not null,
      "forwarded_at" timestamptz null,
      "decided_at" timestamptz null,
      "updated_at" timestamptz not null,
      constraint "complaint_subject" check (("about" = 'REFUSAL' and "request_id" is not null) or ("about" <> 'REFUSAL' and "plan_id" is not null)));`);
    this.addSql(`create index "complaint_unit_idx" on "complaint" ("unit_id", "status");`);
    this.addSql(`create index "complaint_person_idx" on "complaint" ("person_id");`);
    this.addSql(`create index "complaint_filed_by_idx" on "complaint" ("filed_by_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "complaint";`);
    this.addSql(`drop table if exists "service_request";`);
    this.addSql(`alter table "plan" drop column "kind";`);
  }
}

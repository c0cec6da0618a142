import { Migration } from '@mikro-orm/migrations';

/**
 * Consent (docs/domain.md rules 2 and h): the person's consent to the plan, and per participant to take
 * part and to see confidential information. Rows are never deleted: withdrawal and expiry are dated.
 */
export class Migration20261123000200Consent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "consent" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "participant_id" uuid null references "participant" ("id") on update cascade on delete cascade,
      "person_id" uuid not null references "person" ("id") on update cascade,
      "scope" text not null check ("scope" in ('PLAN', 'PARTICIPATE', 'CONFIDENTIAL_INFORMATION')),
      "given_by_id" uuid not null references "person" ("id") on update cascade,
      "given_at" timestamptz not null,
      "valid_until" timestamptz null,
      "withdrawn_at" timestamptz null,
      "withdrawn_by_id" uuid null references "person" ("id") on update cascade,
      "expired_at" timestamptz null,
      -- The plan's consent belongs to no participant; a participant's consent always names one.
      check (("scope" = 'PLAN') = ("participant_id" is null)));`);
    this.addSql(`create index "consent_plan_idx" on "consent" ("plan_id");`);
    this.addSql(`create index "consent_participant_idx" on "consent" ("participant_id") where "participant_id" is not null;`);

    // Participants who had access before consent was recorded keep it: their access stands as
    // given by the plan's owner from when they joined until their end date.
    this.addSql(`insert into "consent" ("id", "plan_id", "participant_id", "person_id", "scope", "given_by_id", "given_at", "valid_until")
      select gen_random_uuid(), p."plan_id", p."id", p."person_id", s.scope, pl."owner_id", p."active_from", p."active_to"
      from "participant" p
      join "plan" pl on pl."id" = p."plan_id"
      cross join (values ('PARTICIPATE'), ('CONFIDENTIAL_INFORMATION')) as s(scope)
      where p."removed_at" is null and p."role" not in ('OWNER', 'GUARDIAN');`);
  }
}

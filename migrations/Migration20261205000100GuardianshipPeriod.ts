import { Migration } from '@mikro-orm/migrations';

/**
 * A guardianship's period and revocation (docs/guardianship.md). Rows recorded before this took
 * effect when they were recorded and have no end. Revoking keeps the row for the trail, so the
 * one-per-pair rule covers only rows not revoked: the same guardian can be recorded again later.
 */
export class Migration20261205000100GuardianshipPeriod extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "guardianship"
      add column "valid_from" timestamptz null,
      add column "valid_until" timestamptz null,
      add column "revoked_at" timestamptz null,
      add column "revoked_by_id" uuid null references "person" ("id") on update cascade,
      add column "revocation_reason" text null;`);
    this.addSql(`update "guardianship" set "valid_from" = "created_at";`);
    this.addSql(`alter table "guardianship"
      alter column "valid_from" set not null,
      add constraint "guardianship_period_check" check ("valid_until" is null or "valid_until" > "valid_from"),
      add constraint "guardianship_revocation_check" check (
        ("revoked_at" is null and "revoked_by_id" is null and "revocation_reason" is null)
        or ("revoked_at" is not null and length("revocation_reason") between 1 and 500));`);
    this.addSql(`alter table "guardianship" drop constraint "guardianship_guardian_ward_unique";`);
    this.addSql(`create unique index "guardianship_guardian_ward_unique" on "guardianship" ("guardian_id", "ward_id") where "revoked_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "guardianship" where "revoked_at" is not null;`);
    this.addSql(`drop index "guardianship_guardian_ward_unique";`);
    this.addSql(`alter table "guardianship" add constraint "guardianship_guardian_ward_unique" unique ("guardian_id", "ward_id");`);
    this.addSql(`alter table "guardianship"
      drop constraint "guardianship_revocation_check", drop constraint "guardianship_period_check",
      drop column "valid_from", drop column "valid_until", drop column "revoked_at", drop column "revoked_by_id", drop column "revocation_reason";`);
  }
}

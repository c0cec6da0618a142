import { Migration } from '@mikro-orm/migrations';

/**
 * What a guardianship rests on (docs/guardianship.md). Rows recorded before this had no basis on
 * record; they become OTHER with a reference that says so, for the unit to review.
 */
export class Migration20261204000200Guardianship extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "guardianship"
      add column "basis" text not null default 'OTHER' check ("basis" in ('PARENT', 'COURT_APPOINTED', 'OTHER')),
      add column "basis_reference" text not null default 'Recorded before the basis was kept' check (length("basis_reference") between 1 and 500);`);
    this.addSql(`alter table "guardianship" alter column "basis" drop default, alter column "basis_reference" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "guardianship" drop column "basis", drop column "basis_reference";`);
  }
}

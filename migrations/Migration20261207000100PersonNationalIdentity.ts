import { Migration } from '@mikro-orm/migrations';

/**
 * Persons keyed by their national identity number when a token or an invitation gives it
 * (docs/identity.md): one person per number and kind, whichever client's pairwise `sub` they
 * sign in with. Someone invited by number has no issuer and subject until their first sign-in.
 */
export class Migration20261207000100PersonNationalIdentity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person"
      add column "national_identity_number" text null check ("national_identity_number" ~ '^[0-9]{11}$'),
      alter column "issuer" drop not null,
      alter column "subject" drop not null,
      add constraint "person_kind_national_identity_number_unique" unique ("kind", "national_identity_number"),
      add constraint "person_known_by_something" check ("national_identity_number" is not null or ("issuer" is not null and "subject" is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql('delete from "person" where "issuer" is null or "subject" is null;');
    this.addSql(`alter table "person"
      drop constraint "person_known_by_something",
      drop constraint "person_kind_national_identity_number_unique",
      drop column "national_identity_number",
      alter column "issuer" set not null,
      alter column "subject" set not null;`);
  }
}

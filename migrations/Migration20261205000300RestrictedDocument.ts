import { Migration } from '@mikro-orm/migrations';

/**
 * The restricted part of a plan (docs/document-model.md): a second document per plan, so every
 * table of the document gets a `part` ('main' or 'restricted'; existing rows are the main
 * document's), versions keep the restricted document's state beside the main one, and
 * `restricted_reader` records whom the person chose to read it. Content already in the main
 * document's restricted sections is moved by the server when the plan is first opened (it needs
 * Yjs, which SQL cannot read).
 */
export class Migration20261205000300RestrictedDocument extends Migration {
  override async up(): Promise<void> {
    const part = `"part" text not null default 'main' check ("part" in ('main', 'restricted'))`;
    this.addSql(`alter table "plan_update" add column ${part};`);
    this.addSql(`alter table "plan_update" drop constraint "plan_update_pkey", add primary key ("plan_id", "part", "seq");`);
    this.addSql(`alter table "plan_snapshot" add column ${part};`);
    this.addSql(`alter table "plan_snapshot" drop constraint "plan_snapshot_pkey", add primary key ("plan_id", "part", "seq");`);
    this.addSql(`alter table "plan_change" add column ${part};`);
    this.addSql(`alter table "plan_change" drop constraint "plan_change_pkey", add primary key ("plan_id", "part", "section", "person_id", "minute");`);
    this.addSql(`alter table "plan_document_quarantine" add column ${part};`);
    this.addSql(`alter table "plan_document_quarantine" drop constraint "plan_document_quarantine_pkey", add primary key ("plan_id", "part", "source", "seq");`);

    // A version is the whole plan at one moment: both documents. Null for versions saved before the split.
    this.addSql(`alter table "plan_version" add column "restricted_seq" bigint null, add column "restricted_state" bytea null;`);

    // One row per grant; revoking keeps the row (who chose whom, and until when).
    this.addSql(`create table "restricted_reader" (
      "id" uuid not null primary key,
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "participant_id" uuid not null references "participant" ("id") on update cascade on delete cascade,
      "granted_by_id" uuid not null references "person" ("id") on update cascade,
      "granted_at" timestamptz not null,
      "revoked_by_id" uuid null references "person" ("id") on update cascade,
      "revoked_at" timestamptz null);`);
    this.addSql(`create unique index "restricted_reader_current" on "restricted_reader" ("participant_id") where "revoked_at" is null;`);
    this.addSql(`create index "restricted_reader_plan_idx" on "restricted_reader" ("plan_id") where "revoked_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "restricted_reader";');
    this.addSql(`alter table "plan_version" drop column "restricted_seq", drop column "restricted_state";`);
    for (const [table, key] of [
      ['plan_document_quarantine', '"plan_id", "source", "seq"'],
      ['plan_change', '"plan_id", "section", "person_id", "minute"'],
      ['plan_snapshot', '"plan_id", "seq"'],
      ['plan_update', '"plan_id", "seq"'],
    ] as const) {
      this.addSql(`delete from "${table}" where "part" = 'restricted';`);
      this.addSql(`alter table "${table}" drop constraint "${table}_pkey", add primary key (${key});`);
      this.addSql(`alter table "${table}" drop column "part";`);
    }
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Parts of a stored plan document that a load could not integrate (src/documents/document-load.ts),
 * set aside for an operator instead of making the plan unloadable (docs/document-model.md).
 */
export class Migration20261204000100DocumentQuarantine extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "plan_document_quarantine" (
      "plan_id" uuid not null references "plan" ("id") on update cascade on delete cascade,
      "source" text not null check ("source" in ('SNAPSHOT', 'LOG')),
      "seq" bigint not null check ("seq" >= 0),
      "author_id" uuid null references "person" ("id") on update cascade,
      "reason" text not null,
      "update" bytea not null,
      "created_at" timestamptz not null,
      primary key ("plan_id", "source", "seq"));`);
    this.addSql(`create index "plan_document_quarantine_created_idx" on "plan_document_quarantine" ("created_at" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "plan_document_quarantine";');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Measures a running plan holds without what rule 9 asks of every measure: a responsible unit and
 * an evaluate-by date. Live editing builds a measure field by field, so it is not refused; the
 * plan's deadline sync (src/casework/plan-deadlines.ts) keeps one row per incomplete measure, and
 * the unit's dashboard counts and lists them. Case metadata only: which entry, what it lacks.
 */
export class Migration20261205000500Deadlines extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "measure_gap" (
      "plan_id" uuid not null references "plan" ("id") on update cascade,
      "measure_id" text not null check (length("measure_id") between 1 and 200),
      "missing" text[] not null check (cardinality("missing") > 0 and "missing" <@ array['RESPONSIBLE_UNIT', 'EVALUATE_BY']::text[]),
      "since" timestamptz not null,
      "updated_at" timestamptz not null,
      primary key ("plan_id", "measure_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "measure_gap";');
  }
}

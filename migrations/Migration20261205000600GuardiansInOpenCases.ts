import { Migration } from '@mikro-orm/migrations';

/**
 * Cases someone else opened for a person (a granted request, a plan the unit made) now have the
 * person's current guardians in them, so the parents of a child can see the case and consent
 * (docs/requests-and-complaints.md, `addGuardianToOpenCases`). Cases opened before that had only
 * the person: this adds the same rows for them. A guardian already taking part as a relative
 * becomes GUARDIAN, with no end date; one taking part as provider or coordinator keeps that role.
 */
export class Migration20261205000600GuardiansInOpenCases extends Migration {
  override async up(): Promise<void> {
    const openedBySomeoneElse = `select pl."id" as "plan_id", pl."owner_id" from "plan" pl
      join "participant" o on o."plan_id" = pl."id" and o."role" = 'OWNER' and o."removed_at" is null
      where pl."status" <> 'ENDED' and o."added_by_id" is not null and o."added_by_id" <> pl."owner_id"`;
    const currentGuardians = `select g."ward_id", g."guardian_id" from "guardianship" g
      where g."valid_from" <= now() and (g."valid_until" is null or g."valid_until" > now()) and g."revoked_at" is null
        and g."guardian_id" <> g."ward_id"`;
    // Whole milliseconds, as the app stores times: a JavaScript clock compares with them exactly.
    this.addSql(`with "at" as (select date_trunc('milliseconds', now()) as "now"), "cases" as (${openedBySomeoneElse}), "guardians" as (${currentGuardians}),
      "promoted" as (
        update "participant" p set "role" = 'GUARDIAN', "active_to" = null
        from "cases" c join "guardians" g on g."ward_id" = c."owner_id"
        where p."plan_id" = c."plan_id" and p."person_id" = g."guardian_id" and p."removed_at" is null and p."role" = 'RELATIVE'
        returning p."plan_id"),
      "added" as (
        insert into "participant" ("id", "plan_id", "person_id", "role", "active_from", "created_at")
        select gen_random_uuid(), c."plan_id", g."guardian_id", 'GUARDIAN', "at"."now", "at"."now"
        from "cases" c join "guardians" g on g."ward_id" = c."owner_id", "at"
        where not exists (select 1 from "participant" p where p."plan_id" = c."plan_id" and p."person_id" = g."guardian_id" and p."removed_at" is null)
        returning "plan_id")
      -- Who takes part changed: the plan's optimistic lock moves on, as for any participant change.
      update "plan" set "version" = "version" + 1, "updated_at" = now()
      where "id" in (select "plan_id" from "promoted" union select "plan_id" from "added");`);
  }

  override async down(): Promise<void> {
    // Rows added here are indistinguishable from later ones once people act in them: nothing to undo.
  }
}

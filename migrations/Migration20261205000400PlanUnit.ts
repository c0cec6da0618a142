import { Migration } from '@mikro-orm/migrations';

/**
 * Every plan answers to a coordinating unit where Samplan can tell which (docs/requests-and-complaints.md):
 * plans a person made themselves had none, so no complaint could be filed about them and no
 * dashboard showed them. Plans without a unit get the coordinating unit their current coordinator
 * acts for; failing that, the coordinating unit of the person's one known municipality (the
 * municipality of every unit that has received a request for them or oversees another plan of
 * theirs), the rule new plans follow. Plans where neither is known stay without one.
 */
export class Migration20261205000400PlanUnit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "plan" p set "unit_id" = c."organization_id"
      from "participant" c join "organization" o on o."id" = c."organization_id"
      where p."unit_id" is null and c."plan_id" = p."id" and c."role" = 'COORDINATOR' and c."removed_at" is null
        and o."kind" = 'COORDINATING_UNIT';`);
    this.addSql(`with "known" as (
        select r."person_id" as "owner_id", o."municipality" from "service_request" r join "organization" o on o."id" = r."unit_id"
         where o."kind" = 'COORDINATING_UNIT'
        union all
        select pl."owner_id", o."municipality" from "plan" pl join "organization" o on o."id" = pl."unit_id"
         where o."kind" = 'COORDINATING_UNIT'
      ), "one" as (
        select "owner_id", min("municipality") as "municipality" from "known" group by "owner_id"
        having count(distinct "municipality") = 1 and bool_and("municipality" is not null)
      )
      update "plan" p set "unit_id" = (
          select u."id" from "organization" u where u."kind" = 'COORDINATING_UNIT' and u."municipality" = "one"."municipality"
          order by u."created_at", u."id" limit 1)
        from "one" where p."unit_id" is null and p."owner_id" = "one"."owner_id";`);
  }

  override async down(): Promise<void> {
    // Which units were filled in here is not recorded, and a unit overseeing a plan is not wrong
    // data: going down leaves them.
  }
}

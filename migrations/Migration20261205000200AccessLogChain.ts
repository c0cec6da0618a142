import { Migration } from '@mikro-orm/migrations';

/**
 * The access log becomes tamper-evident (docs/access-log.md): every row carries its plan's next
 * sequence number, the previous row's hash and its own, computed by the database on insert, and
 * `access_log_head` holds each plan's last link so that rows cut from the end show too. Existing
 * rows are chained in the order they were written. TRUNCATE is refused like UPDATE and DELETE.
 */
export class Migration20261205000200AccessLogChain extends Migration {
  override async up(): Promise<void> {
    // The hash covers every column of the row and the link before it; one function, used by the
    // insert trigger and by the verifier alike. Canonical form: a JSON array (unambiguous, whatever
    // `what` holds) and the time in whole microseconds since the epoch (independent of time zones).
    this.addSql(`create function "access_log_hash"("id" bigint, "plan_id" uuid, "seq" bigint, "person_id" uuid, "at" timestamptz,
        "action" text, "what" text, "door" text, "prev_hash" bytea) returns bytea
      language sql immutable strict parallel safe as $$
        select sha256(convert_to(jsonb_build_array('samplan.access_log.v1', "id", "plan_id", "seq", "person_id",
          (extract(epoch from "at") * 1000000)::bigint, "action", "what", "door")::text, 'UTF8') || "prev_hash")
      $$;`);

    this.addSql(`alter table "access_log" add column "seq" bigint null, add column "prev_hash" bytea null, add column "hash" bytea null;`);
    this.addSql(`create table "access_log_head" (
      "plan_id" uuid not null primary key references "plan" ("id") on update cascade,
      "seq" bigint not null,
      "hash" bytea not null);`);

    // Chain what is there, per plan in insertion order. Only the owner running migrations may
    // lift the append-only trigger, and only inside this transaction.
    this.addSql(`alter table "access_log" disable trigger "access_log_no_change";`);
    this.addSql(`do $$
      declare
        entry record;
        current_plan uuid;
        next_seq bigint;
        link bytea;
      begin
        for entry in select * from "access_log" order by "plan_id", "id" loop
          if current_plan is distinct from entry."plan_id" then
            current_plan := entry."plan_id";
            next_seq := 0;
            link := decode(repeat('00', 32), 'hex');
          end if;
          next_seq := next_seq + 1;
          update "access_log" set "seq" = next_seq, "prev_hash" = link,
              "hash" = "access_log_hash"(entry."id", entry."plan_id", next_seq, entry."person_id", entry."at", entry."action", entry."what", entry."door", link)
            where "id" = entry."id"
            returning "hash" into link;
        end loop;
      end $$;`);
    this.addSql(`alter table "access_log" enable trigger "access_log_no_change";`);
    this.addSql(`insert into "access_log_head" ("plan_id", "seq", "hash")
      select distinct on ("plan_id") "plan_id", "seq", "hash" from "access_log" order by "plan_id", "seq" desc;`);
    this.addSql(`alter table "access_log" alter column "seq" set not null, alter column "prev_hash" set not null, alter column "hash" set not null;`);
    // Two rows can never claim the same place in a plan's chain, whatever the isolation level.
    this.addSql(`create unique index "access_log_plan_seq" on "access_log" ("plan_id", "seq");`);

    // Runs as its owner (the migrating role): the serving role may only read the heads, so it
    // cannot move one, and the trigger sets the chain columns whatever an insert says. The head
    // row's lock serialises one plan's inserts (READ COMMITTED re-reads it after the wait; a
    // stricter isolation level fails instead of forking the chain).
    this.addSql(`create function "access_log_chain"() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public, pg_temp as $$
      declare
        head record;
      begin
        select "seq", "hash" into head from public."access_log_head" where "plan_id" = new."plan_id" for update;
        if not found then
          insert into public."access_log_head" ("plan_id", "seq", "hash")
            values (new."plan_id", 0, decode(repeat('00', 32), 'hex'))
            on conflict ("plan_id") do nothing;
          select "seq", "hash" into head from public."access_log_head" where "plan_id" = new."plan_id" for update;
        end if;
        new."seq" := head."seq" + 1;
        new."prev_hash" := head."hash";
        new."hash" := public."access_log_hash"(new."id", new."plan_id", new."seq", new."person_id", new."at", new."action", new."what", new."door", new."prev_hash");
        update public."access_log_head" set "seq" = new."seq", "hash" = new."hash" where "plan_id" = new."plan_id";
        return new;
      end $$;`);
    this.addSql(`create trigger "access_log_chain" before insert on "access_log" for each row execute function "access_log_chain"();`);
    this.addSql(`create trigger "access_log_no_truncate" before truncate on "access_log" for each statement execute function "access_log_append_only"();`);
    this.addSql(`create trigger "access_log_head_no_truncate" before truncate on "access_log_head" for each statement execute function "access_log_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "access_log_chain" on "access_log";`);
    this.addSql(`drop trigger if exists "access_log_no_truncate" on "access_log";`);
    this.addSql(`drop function if exists "access_log_chain"();`);
    this.addSql(`drop table if exists "access_log_head";`);
    this.addSql(`drop index if exists "access_log_plan_seq";`);
    this.addSql(`alter table "access_log" drop column "seq", drop column "prev_hash", drop column "hash";`);
    this.addSql(`drop function if exists "access_log_hash"(bigint, uuid, bigint, uuid, timestamptz, text, text, text, bytea);`);
  }
}

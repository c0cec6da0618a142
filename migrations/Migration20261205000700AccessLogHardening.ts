import { Migration } from '@mikro-orm/migrations';

const HASH_SIGNATURE = `"access_log_hash"(bigint, uuid, bigint, uuid, timestamptz, text, text, text, bytea)`;

/**
 * The access log's chain trigger as Migration20261205000200AccessLogChain made it, with the row's
 * id taken from the sequence when `ownId` is set (so an insert cannot choose it) and the given
 * search path.
 */
function chainFunction(options: { ownId: boolean; searchPath: string }): string {
  return `create or replace function "access_log_chain"() returns trigger
    language plpgsql security definer set search_path = ${options.searchPath} as $$
    declare
      head record;
    begin
      select "seq", "hash" into head from public."access_log_head" where "plan_id" = new."plan_id" for update;
      if not found then
        insert into public."access_log_head" ("plan_id", "seq", "hash")
          values (new."plan_id", 0, decode(repeat('00', 32), 'hex'))
          on conflict ("plan_id") do nothing;
        select "seq", "hash" into head from public."access_log_head" where "plan_id" = new."plan_id" for update;
      end if;${options.ownId ? `
      new."id" := nextval('public.access_log_id_seq'::regclass);` : ''}
      new."seq" := head."seq" + 1;
      new."prev_hash" := head."hash";
      new."hash" := public."access_log_hash"(new."id", new."plan_id", new."seq", new."person_id", new."at", new."action", new."what", new."door", new."prev_hash");
      update public."access_log_head" set "seq" = new."seq", "hash" = new."hash" where "plan_id" = new."plan_id";
      return new;
    end $$;`;
}

/**
 * Closes what the attacker's pass over the access log found (test/access-log-attacks.test.ts,
 * docs/access-log.md):
 *
 * - The chain trigger runs as the owner (a superuser with the embedded PostgreSQL) and looked in
 *   schema public, and `access_log_hash` in the caller's search path: an operator someone could
 *   create in public (everyone could before PostgreSQL 15) that matched `numeric * integer` more
 *   exactly than pg_catalog's ran as the owner on the next insert. Both now see pg_catalog only.
 * - An insert could choose the row's id: one that sorts first in the person's list, or the next
 *   honest row's, which then failed. The trigger takes the id from the sequence.
 */
export class Migration20261205000700AccessLogHardening extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter function ${HASH_SIGNATURE} set search_path = pg_catalog, pg_temp;`);
    this.addSql(chainFunction({ ownId: true, searchPath: 'pg_catalog, pg_temp' }));
  }

  override async down(): Promise<void> {
    this.addSql(chainFunction({ ownId: false, searchPath: 'pg_catalog, public, pg_temp' }));
    this.addSql(`alter function ${HASH_SIGNATURE} reset search_path;`);
  }
}

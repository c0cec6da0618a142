import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What breaks a plan's chain first: an entry whose content or link no longer matches its hash
 * (changed, or put in), entries that are gone (a gap, or cut from the end), or a head that
 * disagrees with the last entry.
 */
export type AccessLogBreak = 'ENTRY_CHANGED' | 'ENTRIES_MISSING' | 'HEAD_MISMATCH';

export interface AccessLogIntegrity {
  planId: string;
  intact: boolean;
  /** Entries of the plan found in the log. */
  checkedEntries: number;
  /** The sequence number where the chain first breaks; null when intact. */
  firstBrokenAt: number | null;
  problem: AccessLogBreak | null;
  /**
   * The chain's last link as the head records it (null before the plan's first entry). Kept
   * outside the database, it shows a later rewrite of the whole chain, which no check inside
   * the database can.
   */
  head: { seq: number; hash: string } | null;
}

interface ChainSummary {
  entries: string;
  last_seq: string | null;
  last_hash: Buffer | null;
  first_missing: string | null;
  first_changed: string | null;
  head_seq: string | null;
  head_hash: Buffer | null;
}

/**
 * Checks one plan's hash chain in one pass of the database over its entries. The hash is
 * recomputed by `access_log_hash`, the function the insert trigger uses
 * (migrations/Migration20261205000200AccessLogChain.ts), so there is one definition of it. Names
 * carry their schema: a temporary table on the connection cannot stand in for the log.
 */
export async function checkAccessLogChain(em: EntityManager, planId: string): Promise<AccessLogIntegrity> {
  const [summary] = await em.execute<ChainSummary[]>(
    `with chain as (
       select seq, hash,
         coalesce(lag(seq) over w, 0) as before,
         prev_hash = coalesce(lag(hash) over w, decode(repeat('00', 32), 'hex'))
           and hash = public.access_log_hash(id, plan_id, seq, person_id, at, action, what, door, prev_hash) as linked
       from public.access_log where plan_id = ?
       window w as (order by seq, id))
     select
       (select count(*) from chain) as entries,
       (select max(seq) from chain) as last_seq,
       (select hash from chain order by seq desc, hash desc limit 1) as last_hash,
       (select min(before + 1) from chain where seq > before + 1) as first_missing,
       (select min(seq) from chain where not linked or seq <= before) as first_changed,
       head.seq as head_seq, head.hash as head_hash
     from (select 1) as one left join public.access_log_head as head on head.plan_id = ?`,
    [planId, planId],
  );
  const entries = Number(summary!.entries);
  const lastSeq = Number(summary!.last_seq ?? 0);
  const headSeq = summary!.head_seq === null ? null : Number(summary!.head_seq);
  const head = headSeq === null ? null : { seq: headSeq, hash: summary!.head_hash!.toString('hex') };
  const result = (firstBrokenAt: number | null, problem: AccessLogBreak | null): AccessLogIntegrity => ({
    planId,
    intact: problem === null,
    checkedEntries: entries,
    firstBrokenAt,
    problem,
    head,
  });

  const missing = summary!.first_missing === null ? null : Number(summary!.first_missing);
  const changed = summary!.first_changed === null ? null : Number(summary!.first_changed);
  // A gap also unlinks the entry after it: the gap is the first break.
  if (missing !== null && (changed === null || missing <= changed)) return result(missing, 'ENTRIES_MISSING');
  if (changed !== null) return result(changed, 'ENTRY_CHANGED');
  // The head records where the chain ended: entries cut from the end leave it ahead, entries
  // written past the trigger leave it behind, and a rewritten last entry no longer matches it.
  const recorded = headSeq ?? 0;
  if (recorded > lastSeq) return result(lastSeq + 1, 'ENTRIES_MISSING');
  if (recorded < lastSeq) return result(recorded + 1, 'HEAD_MISMATCH');
  if (entries > 0 && !summary!.head_hash!.equals(summary!.last_hash!)) return result(lastSeq, 'HEAD_MISMATCH');
  return result(null, null);
}

/** Every plan that has an access log, in a stable order, for checking them all. */
export async function plansWithAccessLog(em: EntityManager): Promise<string[]> {
  const rows = await em.execute<Array<{ plan_id: string }>>(
    'select plan_id from public.access_log_head union select distinct plan_id from public.access_log order by plan_id',
  );
  return rows.map((row) => row.plan_id);
}

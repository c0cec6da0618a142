import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { parseDocumentId, type DocumentId } from './document-id.js';
import type { DocumentPart } from './document.template.js';
import type { AppendResult, CommitEntry, LogSince } from './document-log.js';
import { sqlArray } from '../db/sql-array.js';

/** One document's batch waiting to be appended to its log. */
export interface AppendRequest {
  /** The plan's id for its main document, `<planId>/restricted` for the other (src/documents/document-id.ts). */
  documentId: DocumentId;
  entries: readonly CommitEntry[];
  /** The head the caller's copy has: whatever the log holds past it comes back as `missed`. */
  knownHead: number;
}

/** Advisory-lock namespace of a document's log (the first key of the two-key form); the second is its id's hash. */
export const COMMIT_LOCK = 0x5a01;

/**
 * At most this many entries go into one transaction. Its one write statement takes up to
 * 7 + 15 × 8 sections = 127 parameters an entry, and PostgreSQL at most 65,535 a statement.
 */
const MAX_ENTRIES_PER_TRANSACTION = 400;
/** Transactions appending at once, of the pool's 10 connections: the rest serve reads and GraphQL. */
const MAX_CONCURRENT_TRANSACTIONS = 2;

/**
 * Group commit across plans. Every plan document commits its own accepted changes in order, one
 * batch at a time; with hundreds of plans being edited, one transaction per plan per batch makes
 * PostgreSQL round trips the limit (and the pool's queue the latency). So appends that arrive
 * while the transactions in flight run wait for the next one, which writes them all with a few
 * multi-row statements. Each plan still gets a gapless sequence under its own lock, taken in a fixed order
 * so that two servers never deadlock.
 */
type Waiting = AppendRequest & { resolve(result: AppendResult): void; reject(error: unknown): void };

export class GroupCommit {
  #waiting: Waiting[] = [];
  #inFlight = 0;

  constructor(
    private readonly transaction: <T>(work: (uow: UnitOfWork) => Promise<T>) => Promise<T>,
    private readonly readSince: (em: EntityManager, id: DocumentId, afterSeq: number) => Promise<LogSince>,
    private readonly recordsOfCommits: RecordsOfCommits,
  ) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ...request, resolve, reject });
      this.#pump();
    });
  }

  /** Starts transactions while fewer than the limit run; what waits meanwhile goes in the next. */
  #pump(): void {
    while (this.#inFlight < MAX_CONCURRENT_TRANSACTIONS && this.#waiting.length) {
      const group = this.#takeGroup();
      this.#inFlight += 1;
      void this.#commit(group).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #commit(group: Waiting[]): Promise<void> {
    try {
      const results = await this.transaction((uow) => appendAll(uow, group, this.readSince, this.recordsOfCommits));
      group.forEach((request, index) => request.resolve(results[index]!));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One plan's failure must not fail the others: each tries again on its own.
      await Promise.all(group.map(async (request) => {
        try {
          const [result] = await this.transaction((uow) => appendAll(uow, [request], this.readSince, this.recordsOfCommits));
          request.resolve(result!);
        } catch (alone) {
          request.reject(alone);
        }
      }));
    }
  }

  /** The next transaction's requests: in arrival order, one per document (its next batch waits its turn), within the size limit. */
  #takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    const documents = new Set<string>();
    let entries = 0;
    this.#waiting = this.#waiting.filter((request) => {
      const fits = group.length === 0 || entries + request.entries.length <= MAX_ENTRIES_PER_TRANSACTION;
      if (!fits || documents.has(request.documentId)) return true;
      group.push(request);
      documents.add(request.documentId);
      entries += request.entries.length;
      return false;
    });
    return group;
  }
}

/** Appends every request's entries in the caller's transaction; results in the requests' order. */
async function appendAll(
  uow: UnitOfWork,
  requests: readonly AppendRequest[],
  readSince: (em: EntityManager, id: DocumentId, afterSeq: number) => Promise<LogSince>,
  recordsOfCommits: RecordsOfCommits,
): Promise<AppendResult[]> {
  const { em } = uow;
  const ids = requests.map((request) => request.documentId);
  // Locks in one fixed order (the lock key, then the id) on every server: no deadlock between them.
  await em.execute(
    `select pg_advisory_xact_lock(?, k.key) from (
       select hashtext(id) as key, id from unnest(?::text[]) as id order by 1, 2 offset 0
     ) as k`,
    [COMMIT_LOCK, sqlArray(ids)],
  );
  const documents = requests.map((request) => parseDocumentId(request.documentId));
  // A separate statement: in READ COMMITTED it sees every commit made before the locks were granted.
  const heads = await em.execute<Array<{ id: string; part: string; head: string | null }>>(
    `select d.id, d.part, greatest(
       (select max(seq) from plan_update where plan_id = d.id::uuid and part = d.part),
       (select max(seq) from plan_snapshot where plan_id = d.id::uuid and part = d.part)) as head
     from unnest(?::text[], ?::text[]) as d(id, part)`,
    [sqlArray(documents.map((document) => document.planId)), sqlArray(documents.map((document) => document.part))],
  );
  const headOf = new Map(heads.map((row) => [`${row.id}/${row.part}`, Number(row.head ?? 0)]));
  const results: AppendResult[] = [];
  const numbered: Numbered[] = [];
  for (const [index, request] of requests.entries()) {
    const { planId, part } = documents[index]!;
    const head = headOf.get(`${planId}/${part}`) ?? 0;
    // Another server committed since this copy last looked (rare: plans edited through two servers).
    const missed = head > request.knownHead ? await readSince(em, request.documentId, request.knownHead) : { snapshot: null, updates: [] };
    results.push({ firstSeq: head + 1, missed });
    request.entries.forEach((entry, offset) => numbered.push({ ...entry, planId, part, seq: head + 1 + offset }));
  }
  if (numbered.length === 0) return results;
  // Changes the server made itself are no one's access and no one's work (src/documents/restricted-move.ts).
  const attributed = numbered.filter((entry) => !entry.system);
  // The log rows, their access-log rows and their attribution in one statement: one round trip.
  const statements = [
    {
      sql: `insert into plan_update (plan_id, part, seq, author_id, sections, update, created_at) values ${numbered.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      params: numbered.flatMap((entry) => [entry.planId, entry.part, entry.seq, entry.authorId, sqlArray(entry.sections), Buffer.from(entry.update), entry.at]),
    },
    recordsOfCommits(attributed),
    changesUpsert(attributed),
  ].filter((statement) => statement !== null);
  const last = statements.pop()!;
  const prefix = statements.length ? `with ${statements.map((statement, index) => `written_${index} as (${statement.sql})`).join(', ')} ` : '';
  await em.execute(`${prefix}${last.sql}`, [...statements.flatMap((statement) => statement.params), ...last.params]);
  // What another module writes with a change (an evaluation's row with its entry) commits with it or not at all.
  for (const entry of numbered) await entry.withCommit?.(uow, entry.seq);
  return results;
}

const minuteOf = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);

/** A commit entry with its place in its document's log. */
export type NumberedEntry = CommitEntry & { planId: string; part: DocumentPart; seq: number };
type Numbered = NumberedEntry;

/** One SQL statement with its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * The rows another module keeps of each (attributed) commit, as one INSERT the commit's own
 * statement carries (a data-modifying CTE): null when there are none.
 */
export type RecordsOfCommits = (entries: readonly NumberedEntry[]) => SqlStatement | null;

/** Per-minute attribution of committed entries (of any documents), never compacted; null for none. */
function changesUpsert(entries: readonly Numbered[]): { sql: string; params: unknown[] } | null {
  const changes = new Map<string, { planId: string; part: DocumentPart; section: string; personId: string; minute: Date; count: number; first: number; last: number; at: Date }>();
  for (const entry of entries) {
    const minute = minuteOf(entry.at);
    for (const section of entry.sections) {
      const key = `${entry.planId}/${entry.part}/${section}/${entry.authorId}/${minute.getTime()}`;
      const change = changes.get(key);
      if (change) Object.assign(change, { count: change.count + 1, last: entry.seq, at: entry.at });
      else changes.set(key, { planId: entry.planId, part: entry.part, section, personId: entry.authorId, minute, count: 1, first: entry.seq, last: entry.seq, at: entry.at });
    }
  }
  if (changes.size === 0) return null;
  const rows = [...changes.values()];
  return {
    sql: `insert into plan_change (plan_id, part, section, person_id, minute, changes, first_seq, last_seq, last_at)
     values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     on conflict (plan_id, part, section, person_id, minute) do update set
       changes = plan_change.changes + excluded.changes,
       last_seq = greatest(plan_change.last_seq, excluded.last_seq),
       last_at = greatest(plan_change.last_at, excluded.last_at)`,
    params: rows.flatMap((row) => [row.planId, row.part, row.section, row.personId, row.minute, row.count, row.first, row.last, row.at]),
  };
}


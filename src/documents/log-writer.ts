import type { UnitOfWork } from '../db/unit-of-work.js';
import { parseDocumentId, type DocumentId } from './document-id.js';
import type { DocumentPart } from './document.template.js';
import type { AppendResult, CommitEntry, LogSince } from './document-log.js';
import { sqlArray } from '../db/sql-array.js';
import type { DocumentObserver } from './document-metrics.js';

/** One document's batch waiting to be appended to its log. */
export interface AppendRequest {
  /** The plan's id for its main document, `<planId>/restricted` for the other (src/documents/document-id.ts). */
  documentId: DocumentId;
  entries: readonly CommitEntry[];
  /** The head the caller's copy has: whatever the log holds past it comes back as `missed`. */
  knownHead: number;
}

/**
 * At most this many entries go into one statement. It takes 8 parameters an entry for the log row,
 * and per section touched (8 at most) up to 6 for an access-log row and 10 for attribution: 136
 * an entry, and PostgreSQL takes at most 65,535 parameters a statement.
 */
const MAX_ENTRIES_PER_TRANSACTION = 400;
/** Statements appending at once, of the pool's 10 connections: the rest serve reads and GraphQL. */
const MAX_CONCURRENT_TRANSACTIONS = 2;

/** How the group commit reaches the database (src/documents/document.store.ts). */
export interface GroupCommitDeps {
  /** Runs `work` in a transaction: for groups carrying rows another module writes with a change. */
  transaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T>;
  /** Runs one statement on its own (autocommit: durable when it returns). */
  execute<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** What the log holds after `afterSeq`, read in one snapshot. */
  since(id: DocumentId, afterSeq: number): Promise<LogSince>;
  recordsOfCommits: RecordsOfCommits;
  /** Told of every statement's duration and size (src/metrics/). @default none */
  observer?: DocumentObserver;
}

/**
 * Group commit across plans. Every plan document commits its own accepted changes in order, one
 * batch at a time; with hundreds of plans being edited, one transaction per plan per batch makes
 * PostgreSQL round trips the limit (and the pool's queue the latency). So appends that arrive
 * while the statements in flight run wait for the next one, which numbers and writes them all in
 * one statement (`appendStatement`): one round trip, committed on its own. Each document still
 * gets a gapless sequence from its head row in `plan_log_head`, locked in one fixed order so that
 * two servers never deadlock.
 */
type Waiting = AppendRequest & { resolve(result: AppendResult): void; reject(error: unknown): void };

export class GroupCommit {
  #waiting: Waiting[] = [];
  #inFlight = 0;

  constructor(private readonly deps: GroupCommitDeps) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ ...request, resolve, reject });
      this.#pump();
    });
  }

  /** Starts statements while fewer than the limit run; what waits meanwhile goes in the next. */
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
    let results: AppendResult[];
    const started = performance.now();
    const entries = group.reduce((sum, request) => sum + request.entries.length, 0);
    try {
      results = await appendAll(group, this.deps);
      this.deps.observer?.groupCommitted((performance.now() - started) / 1000, group.length, entries, true);
    } catch (error) {
      this.deps.observer?.groupCommitted((performance.now() - started) / 1000, group.length, entries, false);
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One plan's failure must not fail the others: each tries again on its own.
      await Promise.all(group.map(async (request) => {
        try {
          const [result] = await appendAll([request], this.deps);
          request.resolve(result!);
        } catch (alone) {
          request.reject(alone);
        }
      }));
      return;
    }
    group.forEach((request, index) => request.resolve(results[index]!));
  }

  /** The next statement's requests: in arrival order, one per document (its next batch waits its turn), within the size limit. */
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

/** A commit entry with the document it belongs to (its place in the log is numbered in SQL). */
export type DocumentEntry = CommitEntry & { planId: string; part: DocumentPart };

/**
 * Appends every request's entries; results in the requests' order. One statement, on its own, or
 * in a transaction with what other modules write with a change (`withCommit`, given each entry's
 * `seq`). Whatever another server committed between a request's `knownHead` and its batch is read
 * back afterwards: those rows were committed before this statement could lock the head row.
 */
async function appendAll(requests: readonly AppendRequest[], deps: GroupCommitDeps): Promise<AppendResult[]> {
  const documents = requests.map((request) => parseDocumentId(request.documentId));
  const statement = appendStatement(requests, documents, deps.recordsOfCommits);
  const hooks = requests.some((request) => request.entries.some((entry) => entry.withCommit));
  const heads = hooks
    ? await deps.transaction(async (uow) => {
      const rows = await uow.em.execute<HeadRow[]>(statement.sql, statement.params);
      const headOf = headsByDocument(rows);
      // What another module writes with a change (an evaluation's row with its entry) commits with it or not at all.
      for (const [index, request] of requests.entries()) {
        const first = firstSeqOf(headOf, documents[index]!, request.entries.length);
        for (const [offset, entry] of request.entries.entries()) await entry.withCommit?.(uow, first + offset);
      }
      return headOf;
    })
    : headsByDocument(await deps.execute<HeadRow>(statement.sql, statement.params));
  return Promise.all(requests.map(async (request, index) => {
    const firstSeq = firstSeqOf(heads, documents[index]!, request.entries.length);
    if (firstSeq - 1 <= request.knownHead) return { firstSeq, missed: { snapshot: null, updates: [] } };
    // Another server committed since this copy last looked (rare: plans edited through two servers).
    const since = await deps.since(request.documentId, request.knownHead);
    return { firstSeq, missed: { snapshot: since.snapshot, updates: since.updates.filter((update) => update.seq < firstSeq) } };
  }));
}

interface HeadRow {
  plan_id: string;
  part: string;
  head: string;
}

const headsByDocument = (rows: readonly HeadRow[]) => new Map(rows.map((row) => [`${row.plan_id}/${row.part}`, Number(row.head)]));

function firstSeqOf(heads: ReadonlyMap<string, number>, document: { planId: string; part: string }, count: number): number {
  const head = heads.get(`${document.planId}/${document.part}`);
  if (head === undefined) throw new Error(`plan ${document.planId}/${document.part}: no log head returned`);
  return head - count + 1;
}

/**
 * The one statement of a group: it bumps each document's head row by its batch's size (an upsert,
 * in plan and part order, so concurrent groups on any server lock heads in the same order and
 * wait for each other, and in READ COMMITTED each sees the head the one before it left), writes
 * the log rows numbered from the head it got, their access-log rows and their attribution, and
 * returns the new heads. The main query reads the heads, so their locks are taken before anything
 * else is written.
 */
export function appendStatement(requests: readonly AppendRequest[], documents: ReadonlyArray<{ planId: string; part: DocumentPart }>, recordsOfCommits: RecordsOfCommits): SqlStatement {
  const batches = requests.map((request, index) => ({ ...documents[index]!, entries: request.entries }));
  const order = [...batches].sort((a, b) => (a.planId === b.planId ? (a.part < b.part ? -1 : a.part > b.part ? 1 : 0) : a.planId < b.planId ? -1 : 1));
  const heads: SqlStatement = {
    sql: `insert into plan_log_head as h (plan_id, part, head)
      select d.plan_id, d.part, d.n from unnest(?::uuid[], ?::text[], ?::bigint[]) with ordinality as d(plan_id, part, n, position) order by d.position
      on conflict (plan_id, part) do update set head = h.head + excluded.head
      returning h.plan_id, h.part, h.head`,
    params: [sqlArray(order.map((batch) => batch.planId)), sqlArray(order.map((batch) => batch.part)), sqlArray(order.map((batch) => String(batch.entries.length)))],
  };
  const rows = batches.flatMap((batch) => batch.entries.map((entry, offset) => ({ ...entry, planId: batch.planId, part: batch.part, n: batch.entries.length, offset: offset + 1 })));
  // Rows go as one array per column, so the text stays the same for any number of rows (prepared once: src/db/prepared-statements.ts).
  const log: SqlStatement = {
    sql: `insert into plan_update (plan_id, part, seq, author_id, sections, update, created_at)
      select v.plan_id, v.part, h.head - v.n + v.off, v.author_id, v.sections::text[], v.update, v.created_at
      from unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::uuid[], ?::text[], ?::bytea[], ?::timestamptz[])
        as v(plan_id, part, n, off, author_id, sections, update, created_at)
      join "heads" h on h.plan_id = v.plan_id and h.part = v.part`,
    params: [
      sqlArray(rows.map((row) => row.planId)),
      sqlArray(rows.map((row) => row.part)),
      sqlArray(rows.map((row) => String(row.n))),
      sqlArray(rows.map((row) => String(row.offset))),
      sqlArray(rows.map((row) => row.authorId)),
      sqlArray(rows.map((row) => sqlArray(row.sections))),
      sqlArray(rows.map((row) => `\\x${Buffer.from(row.update.buffer, row.update.byteOffset, row.update.byteLength).toString('hex')}`)),
      sqlArray(rows.map((row) => row.at.toISOString())),
    ],
  };
  // Changes the server made itself are no one's access and no one's work (src/documents/restricted-move.ts).
  const attributed = rows.filter((row) => !row.system);
  const records = recordsOfCommits(attributed);
  const changes = changesUpsert(attributed);
  const written = [log, records, changes].filter((statement): statement is SqlStatement => statement !== null);
  return {
    sql: `with "heads" as (${heads.sql}), ${written.map((statement, index) => `"written_${index}" as (${statement.sql})`).join(', ')}
      select plan_id::text as plan_id, part, head::text as head from "heads"`,
    params: [...heads.params, ...written.flatMap((statement) => statement.params)],
  };
}

const minuteOf = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);


/** One SQL statement with its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * The rows another module keeps of each (attributed) commit, as one INSERT the commit's own
 * statement carries (a data-modifying CTE): null when there are none.
 */
export type RecordsOfCommits = (entries: readonly DocumentEntry[]) => SqlStatement | null;

/**
 * Per-minute attribution of committed entries (of any documents), never compacted; null for none.
 * Entries are numbered in the same statement, so first and last are offsets into the document's
 * batch, made sequence numbers from the head row the statement locked (`"heads"`).
 */
function changesUpsert(entries: ReadonlyArray<DocumentEntry & { n: number; offset: number }>): SqlStatement | null {
  const changes = new Map<string, { planId: string; part: DocumentPart; section: string; personId: string; minute: Date; count: number; n: number; first: number; last: number; at: Date }>();
  for (const entry of entries) {
    const minute = minuteOf(entry.at);
    for (const section of entry.sections) {
      const key = `${entry.planId}/${entry.part}/${section}/${entry.authorId}/${minute.getTime()}`;
      const change = changes.get(key);
      if (change) Object.assign(change, { count: change.count + 1, last: entry.offset, at: entry.at });
      else changes.set(key, { planId: entry.planId, part: entry.part, section, personId: entry.authorId, minute, count: 1, n: entry.n, first: entry.offset, last: entry.offset, at: entry.at });
    }
  }
  if (changes.size === 0) return null;
  const rows = [...changes.values()];
  return {
    sql: `insert into plan_change (plan_id, part, section, person_id, minute, changes, first_seq, last_seq, last_at)
     select c.plan_id, c.part, c.section, c.person_id, c.minute, c.changes, h.head - c.n + c.first_off, h.head - c.n + c.last_off, c.last_at
     from unnest(?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::timestamptz[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::timestamptz[])
       as c(plan_id, part, section, person_id, minute, changes, n, first_off, last_off, last_at)
     join "heads" h on h.plan_id = c.plan_id and h.part = c.part
     on conflict (plan_id, part, section, person_id, minute) do update set
       changes = plan_change.changes + excluded.changes,
       last_seq = greatest(plan_change.last_seq, excluded.last_seq),
       last_at = greatest(plan_change.last_at, excluded.last_at)`,
    params: [
      sqlArray(rows.map((row) => row.planId)),
      sqlArray(rows.map((row) => row.part)),
      sqlArray(rows.map((row) => row.section)),
      sqlArray(rows.map((row) => row.personId)),
      sqlArray(rows.map((row) => row.minute.toISOString())),
      sqlArray(rows.map((row) => String(row.count))),
      sqlArray(rows.map((row) => String(row.n))),
      sqlArray(rows.map((row) => String(row.first))),
      sqlArray(rows.map((row) => String(row.last))),
      sqlArray(rows.map((row) => row.at.toISOString())),
    ],
  };
}

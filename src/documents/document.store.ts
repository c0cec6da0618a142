import { IsolationLevel, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { notFound } from '../errors/error-codes.js';
import pLimit from 'p-limit';
import { PreparedStatements } from '../db/prepared-statements.js';
import { inUnitOfWork } from '../db/unit-of-work.js';
import type { QuarantinedPart, StoredPart } from './document-load.js';
import { parseDocumentId, type DocumentId } from './document-id.js';
import type { AppendResult, CommitEntry, LogSince } from './document-log.js';
import { GroupCommit, type RecordsOfCommits } from './log-writer.js';
import type { DocumentObserver } from './document-metrics.js';

export type { AppendResult, CommitEntry, LoggedUpdate, LogSince, WrittenWithCommit } from './document-log.js';

export interface StoredDocument {
  /** The snapshot (if any) followed by every update after it, in order. */
  updates: StoredPart[];
  headSeq: number;
  snapshotSeq: number;
  /** Updates and bytes in the log after the snapshot. */
  tailCount: number;
  tailBytes: number;
}

/**
 * Advisory-lock namespace of compaction (the first key of the two-key form); the second key is the
 * hash of the document's id (src/documents/document-id.ts: a main document's id is its plan's).
 * Collisions of the hash only make two documents wait for each other. Appends need no advisory
 * lock: the head row they bump is their lock (src/documents/log-writer.ts).
 */
const LOCK = { snapshot: 0x5a02 } as const;

/** What the store is handed by the app (src/app/document-wiring.ts): the core names no other module's tables. */
export interface DocumentStoreOptions {
  /** The rows other modules keep of every commit, written in the commit's own statement (the access log's WRITE rows). */
  recordsOfCommits: RecordsOfCommits;
  /** A relation with a `plan_id` column listing every plan: a document of a plan not in it does not exist. */
  plansSql: string;
}

/** A document that cannot be rebuilt from what is stored; never replaced by an empty one. */
export class DocumentLoadError extends Error {
  override name = 'DocumentLoadError';
}

/**
 * Durable storage of plan documents: the update log, snapshots and per-minute attribution. Every
 * method names a document by its id (a plan's main document by the plan's id, its restricted one
 * by `<planId>/restricted`). Each method runs on its own EntityManager fork; writes that belong
 * together share a transaction.
 */
/** Snapshots written at once by one server: compaction must not take the connections commits need. */
const SNAPSHOT_CONCURRENCY = 2;

export class DocumentStore {
  readonly #groupCommit: GroupCommit;
  readonly #snapshotSlot = pLimit(SNAPSHOT_CONCURRENCY);
  /** The group commit's statement: bound parameters, prepared once per connection. */
  readonly #statements: PreparedStatements;
  #quarantined = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly options: DocumentStoreOptions,
    /** Told of every group commit (src/metrics/). @default none */
    observer?: DocumentObserver,
  ) {
    this.#statements = new PreparedStatements(orm, 'samplan_document_append');
    this.#groupCommit = new GroupCommit({
      transaction: (work) => inUnitOfWork(this.em(), work),
      execute: (sql, params) => this.#statements.query(sql, params),
      since: (id, afterSeq) => this.since(id, afterSeq),
      recordsOfCommits: options.recordsOfCommits,
      observer,
    });
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  /**
   * Reads a plan's document in one statement, so in one snapshot of the database: another server
   * may compact the log meanwhile, and rows read after a snapshot it has just replaced would look
   * like a gap. One round trip, too.
   */
  async load(id: DocumentId): Promise<StoredDocument> {
    const { planId, part } = parseDocumentId(id);
    const [row] = await this.em().execute<Array<{
      plan_id: string | null;
      snapshot_seq: string | null;
      state: Buffer | null;
      seqs: string[] | null;
      updates: Buffer[] | null;
      authors: string[] | null;
      attributed: string | null;
    }>>(
      `select
         (select plan_id from (${this.options.plansSql}) as plans where plan_id = ?) as plan_id,
         s.seq as snapshot_seq,
         s.state,
         tail.seqs,
         tail.updates,
         tail.authors,
         (select max(last_seq) from plan_change where plan_id = ? and part = ?) as attributed
       from (select 1) as one
       left join lateral (select seq, state from plan_snapshot where plan_id = ? and part = ? order by seq desc limit 1) as s on true
       left join lateral (
         select array_agg(u.seq order by u.seq) as seqs, array_agg(u.update order by u.seq) as updates,
           array_agg(u.author_id::text order by u.seq) as authors
         from plan_update u where u.plan_id = ? and u.part = ? and u.seq > coalesce(s.seq, 0)
       ) as tail on true`,
      [planId, planId, part, planId, part, planId, part],
    );
    if (!row?.plan_id) throw notFound('Plan');
    const snapshotSeq = row.snapshot_seq ? Number(row.snapshot_seq) : 0;
    const seqs = (row.seqs ?? []).map(Number);
    const updates = row.updates ?? [];
    const authors = row.authors ?? [];
    // A gap means lost rows: refuse to load rather than serve (and later overwrite) a partial plan.
    seqs.forEach((seq, index) => {
      if (seq !== snapshotSeq + index + 1) throw new DocumentLoadError(`plan ${id}: update log has a gap before seq ${seq}`);
    });
    // Attribution is never compacted: if it names a later change than storage holds, rows were lost.
    const headSeq = snapshotSeq + seqs.length;
    if (row.attributed && Number(row.attributed) > headSeq) {
      throw new DocumentLoadError(`plan ${id}: stored document ends at seq ${headSeq}, but changes up to ${row.attributed} were committed`);
    }
    return {
      updates: [
        ...(row.state ? [{ source: 'SNAPSHOT' as const, seq: snapshotSeq, update: row.state, authorId: null }] : []),
        ...updates.map((update, index) => ({ source: 'LOG' as const, seq: seqs[index]!, update, authorId: authors[index] ?? null })),
      ],
      headSeq,
      snapshotSeq,
      tailCount: seqs.length,
      tailBytes: updates.reduce((sum, update) => sum + update.byteLength, 0),
    };
  }

  /**
   * Commits a batch of updates, their attribution and their access-log rows in one transaction:
   * a committed change always has its log rows, and a change that failed to commit has none.
   * Several servers may hold the same plan, so the batch is numbered from the document's head row
   * (`plan_log_head`, locked by the statement that bumps it), and whatever others committed after
   * `knownHead` comes back to be applied. Batches of many plans share one statement
   * (src/documents/log-writer.ts).
   */
  append(id: DocumentId, entries: readonly CommitEntry[], knownHead: number): Promise<AppendResult> {
    return this.#groupCommit.append({ documentId: id, entries, knownHead });
  }

  /** What the log holds after `afterSeq`, read in one consistent snapshot (compaction may run meanwhile). */
  async since(id: DocumentId, afterSeq: number): Promise<LogSince> {
    return this.em().transactional((em) => readSince(em, id, afterSeq), { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
  }

  /**
   * Stores the document as of `seq` and compacts the log rows it covers. Attribution lives on in
   * `plan_change`, which compaction never touches.
   */
  writeSnapshot(id: DocumentId, seq: number, state: Uint8Array, at: Date): Promise<boolean> {
    return this.#snapshotSlot(() => this.#writeSnapshot(id, seq, state, at, false));
  }

  /**
   * Stores a repaired document as of `seq` after a load set parts of it aside (`quarantine` first):
   * like `writeSnapshot`, but it waits for the compaction lock rather than skipping, and replaces a
   * snapshot at the same `seq` (the one the load found incomplete). False when a newer snapshot exists.
   */
  replaceSnapshot(id: DocumentId, seq: number, state: Uint8Array, at: Date): Promise<boolean> {
    return this.#snapshotSlot(() => this.#writeSnapshot(id, seq, state, at, true));
  }

  /**
   * Sets aside what a load could not integrate (src/documents/document-load.ts) in
   * `plan_document_quarantine`, for an operator to inspect. A part already set aside (the same
   * plan, source and seq: another server's load, or a load whose repair was not stored) is not
   * added again. Returns how many rows are new.
   */
  async quarantine(id: DocumentId, parts: readonly QuarantinedPart[], at: Date): Promise<number> {
    const { planId, part: documentPart } = parseDocumentId(id);
    const added = await this.em().transactional(async (em) => {
      let count = 0;
      for (const part of parts) {
        const rows = await em.execute<Array<{ seq: string }>>(
          `insert into plan_document_quarantine (plan_id, part, source, seq, author_id, reason, update, created_at)
           values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning seq`,
          [planId, documentPart, part.source, part.seq, part.authorId, part.reason, Buffer.from(part.update), at],
        );
        count += rows.length;
      }
      return count;
    });
    this.#quarantined += added;
    return added;
  }

  /** Parts this server has newly set aside since it started (exported as `samplan_document_quarantined_parts_total`, docs/operations.md). */
  get quarantinedParts(): number {
    return this.#quarantined;
  }

  #writeSnapshot(id: DocumentId, seq: number, state: Uint8Array, at: Date, replace: boolean): Promise<boolean> {
    const { planId, part } = parseDocumentId(id);
    return this.em().transactional(async (em) => {
      if (replace) {
        await em.execute('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK.snapshot, id]);
      } else {
        // One server compacts a document at a time; another that finds it busy skips (a later snapshot tries again).
        const [lock] = await em.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(?, hashtext(?)) as locked', [LOCK.snapshot, id]);
        if (!lock?.locked) return false;
      }
      const [newer] = await em.execute<Array<{ seq: string }>>(
        `select seq from plan_snapshot where plan_id = ? and part = ? and seq ${replace ? '>' : '>='} ? limit 1`,
        [planId, part, seq],
      );
      if (newer) return false;
      await em.execute(
        `insert into plan_snapshot (plan_id, part, seq, state, created_at) values (?, ?, ?, ?, ?)
         on conflict (plan_id, part, seq) do ${replace ? 'update set state = excluded.state, created_at = excluded.created_at' : 'nothing'}`,
        [planId, part, seq, Buffer.from(state), at],
      );
      await em.execute('delete from plan_update where plan_id = ? and part = ? and seq <= ?', [planId, part, seq]);
      await em.execute('delete from plan_snapshot where plan_id = ? and part = ? and seq < ?', [planId, part, seq]);
      return true;
    });
  }
}

async function readSince(em: EntityManager, id: DocumentId, afterSeq: number): Promise<LogSince> {
  const { planId, part } = parseDocumentId(id);
  const [compacted] = await em.execute<Array<{ seq: string; state: Buffer }>>(
    'select seq, state from plan_snapshot where plan_id = ? and part = ? and seq > ? order by seq desc limit 1',
    [planId, part, afterSeq],
  );
  const snapshot = compacted ? { seq: Number(compacted.seq), state: new Uint8Array(compacted.state) } : null;
  const from = snapshot?.seq ?? afterSeq;
  const rows = await em.execute<Array<{ seq: string; author_id: string; sections: string[]; update: Buffer; created_at: Date }>>(
    'select seq, author_id, sections, update, created_at from plan_update where plan_id = ? and part = ? and seq > ? order by seq',
    [planId, part, from],
  );
  rows.forEach((row, index) => {
    if (Number(row.seq) !== from + index + 1) throw new DocumentLoadError(`plan ${id}: update log has a gap before seq ${row.seq}`);
  });
  return {
    snapshot,
    updates: rows.map((row) => ({ seq: Number(row.seq), authorId: row.author_id, sections: row.sections, update: new Uint8Array(row.update), at: new Date(row.created_at) })),
  };
}


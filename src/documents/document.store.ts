import { IsolationLevel, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { recordAccess, sectionWrites, type AccessDoor } from '../access-log/access-log.js';
import { notFound } from '../errors/error-codes.js';

/** An accepted update ready to be committed; its `seq` is assigned when it is appended. */
export interface CommitEntry {
  authorId: string;
  sections: readonly string[];
  update: Uint8Array;
  at: Date;
  /** Which door the change came through, for the access log: a live connection or GraphQL. */
  door: Extract<AccessDoor, 'LIVE' | 'GRAPHQL'>;
}

export interface StoredDocument {
  /** The snapshot (if any) followed by every update after it, in order. */
  updates: Uint8Array[];
  headSeq: number;
  snapshotSeq: number;
  /** Updates and bytes in the log after the snapshot. */
  tailCount: number;
  tailBytes: number;
}

/** An update as the log holds it: checked and attributed by whichever server committed it. */
export interface LoggedUpdate {
  seq: number;
  authorId: string;
  sections: string[];
  update: Uint8Array;
  at: Date;
}

/** What the log holds after a given sequence: the newest snapshot when the rows were compacted, then the rows. */
export interface LogSince {
  snapshot: { seq: number; state: Uint8Array } | null;
  updates: LoggedUpdate[];
}

/** What `append` did: the sequence of the first entry, and what other servers had committed before it. */
export interface AppendResult {
  firstSeq: number;
  missed: LogSince;
}

/**
 * Advisory-lock namespaces (the first key of the two-key form); the second key is the plan's hash.
 * Collisions of the hash only make two plans wait for each other, never mix their logs.
 */
const LOCK = { commit: 0x5a01, snapshot: 0x5a02 } as const;

/** A document that cannot be rebuilt from what is stored; never replaced by an empty one. */
export class DocumentLoadError extends Error {
  override name = 'DocumentLoadError';
}

const minuteOf = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);

/**
 * Durable storage of plan documents: the update log, snapshots and per-minute attribution.
 * Each method runs on its own EntityManager fork; writes that belong together share a transaction.
 */
export class DocumentStore {
  constructor(private readonly orm: MikroORM) {}

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  async load(planId: string): Promise<StoredDocument> {
    const em = this.em();
    const [plan] = await em.execute<Array<{ id: string }>>('select id from plan where id = ?', [planId]);
    if (!plan) throw notFound('Plan');
    const [snapshot] = await em.execute<Array<{ seq: string; state: Buffer }>>(
      'select seq, state from plan_snapshot where plan_id = ? order by seq desc limit 1',
      [planId],
    );
    const snapshotSeq = snapshot ? Number(snapshot.seq) : 0;
    const rows = await em.execute<Array<{ seq: string; update: Buffer }>>(
      'select seq, update from plan_update where plan_id = ? and seq > ? order by seq',
      [planId, snapshotSeq],
    );
    // A gap means lost rows: refuse to load rather than serve (and later overwrite) a partial plan.
    rows.forEach((row, index) => {
      if (Number(row.seq) !== snapshotSeq + index + 1) {
        throw new DocumentLoadError(`plan ${planId}: update log has a gap before seq ${row.seq}`);
      }
    });
    // Attribution is never compacted: if it names a later change than storage holds, rows were lost.
    const headSeq = snapshotSeq + rows.length;
    const [attributed] = await em.execute<Array<{ last: string | null }>>('select max(last_seq) as last from plan_change where plan_id = ?', [planId]);
    if (attributed?.last && Number(attributed.last) > headSeq) {
      throw new DocumentLoadError(`plan ${planId}: stored document ends at seq ${headSeq}, but changes up to ${attributed.last} were committed`);
    }
    return {
      updates: [...(snapshot ? [snapshot.state] : []), ...rows.map((row) => row.update)],
      headSeq,
      snapshotSeq,
      tailCount: rows.length,
      tailBytes: rows.reduce((sum, row) => sum + row.update.byteLength, 0),
    };
  }

  /**
   * Commits a batch of updates, their attribution and their access-log rows in one transaction:
   * a committed change always has its log rows, and a change that failed to commit has none.
   * Several servers may hold the same plan, so the batch is numbered under a per-plan lock from
   * the log's head, and whatever others committed after `knownHead` comes back to be applied.
   */
  async append(planId: string, entries: readonly CommitEntry[], knownHead: number): Promise<AppendResult> {
    return this.em().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?, hashtext(?))', [LOCK.commit, planId]);
      // A separate statement: in READ COMMITTED it sees every commit made before the lock was granted.
      const head = await readHead(em, planId);
      const missed: LogSince = head > knownHead ? await readSince(em, planId, knownHead) : { snapshot: null, updates: [] };
      const firstSeq = head + 1;
      if (entries.length === 0) return { firstSeq, missed };
      const numbered = entries.map((entry, index) => ({ ...entry, seq: firstSeq + index }));
      await em.execute(
        `insert into plan_update (plan_id, seq, author_id, sections, update, created_at) values ${numbered.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        numbered.flatMap((entry) => [planId, entry.seq, entry.authorId, toTextArray(entry.sections), Buffer.from(entry.update), entry.at]),
      );
      await recordAccess(em, numbered.flatMap((entry) => sectionWrites(planId, entry)));
      await recordChanges(em, planId, numbered);
      return { firstSeq, missed };
    });
  }

  /** What the log holds after `afterSeq`, read in one consistent snapshot (compaction may run meanwhile). */
  async since(planId: string, afterSeq: number): Promise<LogSince> {
    return this.em().transactional((em) => readSince(em, planId, afterSeq), { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
  }

  /**
   * Stores the document as of `seq` and compacts the log rows it covers. Attribution lives on in
   * `plan_change`, which compaction never touches.
   */
  async writeSnapshot(planId: string, seq: number, state: Uint8Array, at: Date): Promise<boolean> {
    return this.em().transactional(async (em) => {
      // One server compacts a plan at a time; another that finds it busy skips (a later snapshot tries again).
      const [lock] = await em.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(?, hashtext(?)) as locked', [LOCK.snapshot, planId]);
      if (!lock?.locked) return false;
      const [newer] = await em.execute<Array<{ seq: string }>>('select seq from plan_snapshot where plan_id = ? and seq >= ? limit 1', [planId, seq]);
      if (newer) return false;
      await em.execute('insert into plan_snapshot (plan_id, seq, state, created_at) values (?, ?, ?, ?) on conflict do nothing', [
        planId,
        seq,
        Buffer.from(state),
        at,
      ]);
      await em.execute('delete from plan_update where plan_id = ? and seq <= ?', [planId, seq]);
      await em.execute('delete from plan_snapshot where plan_id = ? and seq < ?', [planId, seq]);
      return true;
    });
  }
}

/** The log's head: the newest row, or the newest snapshot when everything was compacted. Two primary-key look-ups. */
async function readHead(em: EntityManager, planId: string): Promise<number> {
  const [row] = await em.execute<Array<{ head: string | null }>>(
    `select greatest((select max(seq) from plan_update where plan_id = ?), (select max(seq) from plan_snapshot where plan_id = ?)) as head`,
    [planId, planId],
  );
  return Number(row?.head ?? 0);
}

async function readSince(em: EntityManager, planId: string, afterSeq: number): Promise<LogSince> {
  const [compacted] = await em.execute<Array<{ seq: string; state: Buffer }>>(
    'select seq, state from plan_snapshot where plan_id = ? and seq > ? order by seq desc limit 1',
    [planId, afterSeq],
  );
  const snapshot = compacted ? { seq: Number(compacted.seq), state: new Uint8Array(compacted.state) } : null;
  const from = snapshot?.seq ?? afterSeq;
  const rows = await em.execute<Array<{ seq: string; author_id: string; sections: string[]; update: Buffer; created_at: Date }>>(
    'select seq, author_id, sections, update, created_at from plan_update where plan_id = ? and seq > ? order by seq',
    [planId, from],
  );
  rows.forEach((row, index) => {
    if (Number(row.seq) !== from + index + 1) throw new DocumentLoadError(`plan ${planId}: update log has a gap before seq ${row.seq}`);
  });
  return {
    snapshot,
    updates: rows.map((row) => ({ seq: Number(row.seq), authorId: row.author_id, sections: row.sections, update: new Uint8Array(row.update), at: new Date(row.created_at) })),
  };
}

/** Per-minute attribution of a committed batch; never compacted. */
async function recordChanges(em: EntityManager, planId: string, entries: ReadonlyArray<CommitEntry & { seq: number }>): Promise<void> {
  const changes = new Map<string, { section: string; personId: string; minute: Date; count: number; first: number; last: number; at: Date }>();
  for (const entry of entries) {
    const minute = minuteOf(entry.at);
    for (const section of entry.sections) {
      const key = `${section}/${entry.authorId}/${minute.getTime()}`;
      const change = changes.get(key);
      if (change) Object.assign(change, { count: change.count + 1, last: entry.seq, at: entry.at });
      else changes.set(key, { section, personId: entry.authorId, minute, count: 1, first: entry.seq, last: entry.seq, at: entry.at });
    }
  }
  if (changes.size === 0) return;
  const rows = [...changes.values()];
  await em.execute(
    `insert into plan_change (plan_id, section, person_id, minute, changes, first_seq, last_seq, last_at)
     values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     on conflict (plan_id, section, person_id, minute) do update set
       changes = plan_change.changes + excluded.changes,
       last_seq = greatest(plan_change.last_seq, excluded.last_seq),
       last_at = greatest(plan_change.last_at, excluded.last_at)`,
    rows.flatMap((row) => [planId, row.section, row.personId, row.minute, row.count, row.first, row.last, row.at]),
  );
}

/** PostgreSQL array literal for a text[] parameter. Section keys are plain identifiers. */
function toTextArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

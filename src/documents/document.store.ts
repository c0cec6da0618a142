import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordAccess, sectionWrites, type AccessDoor } from '../access-log/access-log.js';
import { notFound } from '../errors/error-codes.js';

/** An accepted update ready to be committed. */
export interface CommitEntry {
  seq: number;
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
   */
  async append(planId: string, entries: readonly CommitEntry[]): Promise<void> {
    if (entries.length === 0) return;
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
    await this.em().transactional(async (em) => {
      await em.execute(
        `insert into plan_update (plan_id, seq, author_id, sections, update, created_at) values ${entries.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        entries.flatMap((entry) => [planId, entry.seq, entry.authorId, toTextArray(entry.sections), Buffer.from(entry.update), entry.at]),
      );
      await recordAccess(em, entries.flatMap((entry) => sectionWrites(planId, entry)));
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
    });
  }

  /**
   * Stores the document as of `seq` and compacts the log rows it covers. Attribution lives on in
   * `plan_change`, which compaction never touches.
   */
  async writeSnapshot(planId: string, seq: number, state: Uint8Array, at: Date): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.execute('insert into plan_snapshot (plan_id, seq, state, created_at) values (?, ?, ?, ?) on conflict do nothing', [
        planId,
        seq,
        Buffer.from(state),
        at,
      ]);
      await em.execute('delete from plan_update where plan_id = ? and seq <= ?', [planId, seq]);
      await em.execute('delete from plan_snapshot where plan_id = ? and seq < ?', [planId, seq]);
    });
  }
}

/** PostgreSQL array literal for a text[] parameter. Section keys are plain identifiers. */
function toTextArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

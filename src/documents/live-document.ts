import * as Y from 'yjs';
import type { Logger } from '../logging/logger.js';
import type { Actor } from '../policy/actor.js';
import { can, type PlanFacts } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { defineSections, type SectionKey } from './document.template.js';
import type { CommitEntry, DocumentStore, StoredDocument } from './document.store.js';
import type { DocumentPeer, SubmitResult } from './document-peer.js';
import { Presence } from './presence.js';
import type { SectionGrantAccess } from './section-rights.js';
import { inspectUpdate, type InspectionLimits, type Touch } from './update-inspector.js';

/** Who may do what in a plan right now: the policy's facts plus each person's section grants. */
export interface PlanAccess {
  plan: PlanFacts;
  grantsByPerson: ReadonlyMap<string, Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>>;
}

export interface DocumentSettings {
  limits: InspectionLimits;
  /** Refuse updates once the stored document would grow beyond this. @default 32 MiB */
  maxDocumentBytes: number;
  /** Write a snapshot (and compact the log) after this many updates. @default 200 */
  snapshotEvery: number;
  /** Unload a document nobody has used for this long. @default 30 s */
  idleUnloadMs: number;
}

/** What the document tells the hub after each commit. */
export interface CommittedChange {
  planId: string;
  seq: number;
  authorId: string;
  sections: string[];
  at: Date;
  /** The commit added an evaluation: the hub saves an automatic version. */
  addsEvaluation: boolean;
}

export interface LiveDocumentDeps {
  store: DocumentStore;
  clock: Clock;
  logger: Logger;
  settings: DocumentSettings;
  access(planId: string): Promise<PlanAccess>;
  onCommitted(change: CommittedChange): void;
  /** The document can no longer be trusted to match storage: the hub evicts it. */
  onFailed(document: LiveDocument, error: unknown): void;
}

interface PendingCommit extends CommitEntry {
  origin: DocumentPeer | null;
  addsEvaluation: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

const APPLY_ORIGIN = Symbol('samplan.accepted-update');

/**
 * One plan's document in memory. Every change goes through `submit`: inspect, ask the policy
 * about each section and entry it touches, apply, commit to PostgreSQL (group commit), and only
 * then send it to the other connections. Nothing here knows about sockets.
 */
export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly peers = new Set<DocumentPeer>();
  readonly presence: Presence;
  /** Operations (GraphQL reads and writes) using the document right now. */
  users = 0;
  closed = false;
  idleTimer: NodeJS.Timeout | null = null;

  #nextSeq: number;
  #durableSeq: number;
  #tailCount: number;
  #storedBytes: number;
  #serial: Promise<unknown> = Promise.resolve();
  #batch: PendingCommit[] = [];
  #flushing: Promise<void> | null = null;
  #snapshotting = false;
  #failure: unknown = null;

  constructor(
    readonly planId: string,
    stored: StoredDocument,
    private readonly deps: LiveDocumentDeps,
  ) {
    defineSections(this.doc);
    Y.transact(this.doc, () => {
      for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    });
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      throw new Error(`plan ${planId}: stored updates do not form a complete document`);
    }
    this.#nextSeq = stored.headSeq;
    this.#durableSeq = stored.headSeq;
    this.#tailCount = stored.tailCount;
    this.#storedBytes = stored.updates.reduce((sum, update) => sum + update.byteLength, 0);
    this.presence = new Presence(this.doc, (update) => {
      for (const peer of this.peers) peer.sendAwareness(update);
    });
  }

  get headSeq(): number {
    return this.#durableSeq;
  }

  /** Checks and applies one incoming update; resolves once it is applied (commit follows). */
  submit(actor: Actor, update: Uint8Array, origin: DocumentPeer | null): Promise<SubmitResult> {
    return this.#serialized(async () => {
      if (this.#failure || this.closed) throw new Error('document is no longer available');
      const inspection = inspectUpdate(this.doc, update, this.deps.settings.limits);
      if (!inspection.ok) return { ok: false, code: 'BAD_USER_INPUT', reason: inspection.reason, section: inspection.section };
      // An update that touches no section (say, items under already garbage-collected content) is
      // still applied and committed: it moves the state vector, and storage must follow memory.
      const denied = await this.#firstDenied(actor, inspection.touches);
      if (denied) return { ok: false, code: 'FORBIDDEN', reason: `You may not edit ${denied} here`, section: denied };
      if (this.#storedBytes + update.byteLength > this.deps.settings.maxDocumentBytes) {
        return { ok: false, code: 'BAD_USER_INPUT', reason: 'the plan document has reached its size limit', section: null };
      }
      const applied = this.apply(update);
      if (!applied) return { ok: true, seq: this.#nextSeq, changed: false, sections: [], durable: this.#whenDurable() };
      this.#storedBytes += applied.byteLength;
      const sections = inspection.sections;
      const addsEvaluation = inspection.touches.some((touch) => touch.section === 'evaluations' && touch.isNewEntry);
      const durable = new Promise<void>((resolve, reject) => {
        // A change with no connection behind it is a server-side change, which only GraphQL makes.
        const door = origin ? 'LIVE' : 'GRAPHQL';
        this.#batch.push({ seq: ++this.#nextSeq, authorId: actor.personId, sections, update: applied, at: this.deps.clock.now(), door, origin, addsEvaluation, resolve, reject });
      });
      durable.catch(() => undefined); // the failure is handled by #fail; callers that wait see it too
      this.#flushing ??= this.#flush();
      return { ok: true, seq: this.#nextSeq, changed: true, sections, durable };
    });
  }

  /**
   * A server-side change (GraphQL): `edit` runs on a draft copy, and the draft's update is
   * submitted like any live edit, so the same checks decide. Costs a copy of the document.
   */
  async change<T>(actor: Actor, edit: (draft: Y.Doc) => T): Promise<{ result: SubmitResult; value: T }> {
    const draft = new Y.Doc();
    try {
      defineSections(draft);
      Y.applyUpdate(draft, Y.encodeStateAsUpdate(this.doc));
      const before = Y.encodeStateVector(draft);
      const value = edit(draft);
      return { result: await this.submit(actor, Y.encodeStateAsUpdate(draft, before), null), value };
    } finally {
      draft.destroy();
    }
  }

  /** Reads the document once everything in memory is committed. */
  readCommitted<T>(read: (document: LiveDocument) => T): Promise<T> {
    return this.#committed(() => read(this));
  }

  /** The state a connection is missing, once everything in memory is committed. */
  missingFor(stateVector: Uint8Array): Promise<Uint8Array> {
    return this.#committed(() => Y.encodeStateAsUpdate(this.doc, stateVector));
  }

  /** The whole document as committed, with the sequence it corresponds to. */
  durableState(): Promise<{ seq: number; state: Uint8Array }> {
    return this.#committed(() => ({ seq: this.#durableSeq, state: Y.encodeStateAsUpdate(this.doc) }));
  }

  /** Commits whatever is pending, then writes a snapshot if the log has grown since the last one. */
  async flushAndSnapshot(force = false): Promise<void> {
    await this.#whenDurable();
    if (force ? this.#tailCount > 0 : this.#tailCount >= this.deps.settings.snapshotEvery) await this.#snapshot();
  }

  close(): void {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.presence.destroy();
    this.doc.destroy();
  }

  /** Applies an accepted update; returns what Yjs actually integrated, or null for nothing new. */
  private apply(update: Uint8Array): Uint8Array | null {
    const integrated: Uint8Array[] = [];
    const capture = (change: Uint8Array, origin: unknown) => {
      if (origin === APPLY_ORIGIN) integrated.push(change);
    };
    this.doc.on('update', capture);
    try {
      Y.applyUpdate(this.doc, update, APPLY_ORIGIN);
    } finally {
      this.doc.off('update', capture);
    }
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      // The inspector should make this impossible; if not, memory no longer matches what can be stored.
      throw new Error('an accepted update left pending structs');
    }
    if (integrated.length === 0) return null;
    return integrated.length === 1 ? integrated[0]! : Y.mergeUpdates(integrated);
  }

  async #firstDenied(actor: Actor, touches: readonly Touch[]): Promise<SectionKey | null> {
    const access = await this.deps.access(this.planId);
    const grants = access.grantsByPerson.get(actor.personId) ?? {};
    for (const touch of touches) {
      if (!can(actor, 'plan.editSection', { plan: access.plan, section: touch.section, grants, entry: touch.entry })) return touch.section;
    }
    return null;
  }

  /**
   * Runs `read` when memory and storage agree. It takes its turn in the same queue as incoming
   * changes, so nothing new is applied between the last commit and the read, and a steady stream
   * of typing cannot starve it.
   */
  #committed<T>(read: () => T): Promise<T> {
    return this.#serialized(async () => {
      await this.#whenDurable();
      return read();
    });
  }

  async #whenDurable(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#failure) throw this.#failure;
  }

  /** Group commit: everything applied while the previous commit ran goes into the next one. */
  async #flush(): Promise<void> {
    try {
      while (this.#batch.length && !this.#failure) {
        const batch = this.#batch.splice(0);
        try {
          await this.deps.store.append(this.planId, batch);
        } catch (error) {
          this.#fail(error, batch);
          return;
        }
        this.#durableSeq = batch[batch.length - 1]!.seq;
        this.#tailCount += batch.length;
        for (const commit of batch) {
          commit.resolve();
          for (const peer of this.peers) if (peer !== commit.origin) peer.sendUpdate(commit.update);
          this.deps.onCommitted({
            planId: this.planId,
            seq: commit.seq,
            authorId: commit.authorId,
            sections: [...commit.sections],
            at: commit.at,
            addsEvaluation: commit.addsEvaluation,
          });
        }
      }
    } finally {
      this.#flushing = null;
    }
    if (this.#tailCount >= this.deps.settings.snapshotEvery && !this.#snapshotting) void this.#snapshot();
  }

  async #snapshot(): Promise<void> {
    if (this.#snapshotting || this.closed) return;
    this.#snapshotting = true;
    try {
      const { seq, state } = await this.durableState();
      await this.deps.store.writeSnapshot(this.planId, seq, state, this.deps.clock.now());
      this.#tailCount = this.#nextSeq - seq;
      this.#storedBytes = state.byteLength;
      this.deps.logger.debug({ event: 'document.snapshot', planId: this.planId, seq, bytes: state.byteLength });
    } catch (error) {
      // The log still holds everything; a later snapshot will try again.
      this.deps.logger.warn({ event: 'document.snapshot_failed', planId: this.planId, err: error });
    } finally {
      this.#snapshotting = false;
    }
  }

  #fail(error: unknown, batch: PendingCommit[]): void {
    this.#failure = error;
    for (const commit of [...batch, ...this.#batch.splice(0)]) commit.reject(error);
    this.deps.onFailed(this, error);
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(task, task);
    this.#serial = run.catch(() => undefined);
    return run;
  }
}

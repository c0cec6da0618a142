import * as Y from 'yjs';
import type { Actor } from '../policy/actor.js';
import { parseDocumentId, type DocumentId } from './document-id.js';
import { loadStoredParts, type QuarantinedPart } from './document-load.js';
import { declareSectionsPresent, defineSections, partOf, type DocumentPart, type SectionKey } from './document.template.js';
import type { AppendResult, CommitEntry, LoggedUpdate, LogSince, StoredDocument, WrittenWithCommit } from './document.store.js';
import type { DocumentPeer, Refusal, SubmitResult } from './document-peer.js';
import { IncompleteIntegration, integrateUpdate } from './integrate-update.js';
import type { LiveDocumentDeps } from './live-document.contracts.js';
import { PeerGate } from './peer-gate.js';
import { Presence } from './presence.js';
import { EMPTY_STATE_VECTOR, SyncAnswers } from './sync-answers.js';
import { holdsRestrictedContent, isMoveOutOfMain } from './restricted-move.js';
import { stopWatching, watchUntilRest } from './rest-sweep.js';
import { inspectUpdate } from './update-inspector.js';
import { NO_DOCUMENT_OBSERVER, type UpdateRefusalReason } from './document-metrics.js';

export type { CommittedChange, DocumentSettings, LiveDocumentDeps, PlanAccess } from './live-document.contracts.js';

interface PendingCommit extends CommitEntry {
  origin: DocumentPeer | null;
  newEntries: SectionKey[];
  resolve(seq: number): void;
  reject(error: unknown): void;
}

const APPLY_ORIGIN = Symbol('samplan.accepted-update');
/** Updates another server committed: already checked there, and already in the log. */
const LOGGED_ORIGIN = Symbol('samplan.logged-update');

/** Who a change is checked as: a participant (the policy decides), or the server itself (`system`). */
type Author = { actor: Actor; system?: false } | { authorId: string; system: true };

/** What a client sends when it has nothing the server lacks (`Y.encodeStateAsUpdate` of an empty document): no structs, no deletions. */
const isEmptyUpdate = (update: Uint8Array) => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** A quiet document's committed state, kept encoded instead of as a `Y.Doc` (about a seventh of the memory). */
interface Resting {
  state: Uint8Array;
  stateVector: Uint8Array;
}

/**
 * One of a plan's documents in memory (its main or its restricted one). Every change goes
 * through `submit`: inspect, check it stays within this document's sections, ask the policy about
 * each section and entry it touches, apply, commit to PostgreSQL (group commit), and only then
 * send it to the other connections. Nothing here knows about sockets.
 */
export class LiveDocument {
  readonly planId: string;
  readonly part: DocumentPart;
  readonly presence: Presence;
  /** Everything bound for peers passes here, so it can wait while access is re-read (src/documents/peer-gate.ts). */
  readonly gate: PeerGate;
  readonly #peers = new Set<DocumentPeer>();
  /**
   * The document in memory while it is in use; null while it rests as `#resting`. A loaded plan
   * is mostly quiet (people read it, or keep it open), and a `Y.Doc` holds about seven times its
   * encoded state: a document not used for `restAfterMs` and nothing in flight keeps only its
   * committed state, encoded, and builds the `Y.Doc` again (`doc`) at the next change or read.
   * Connections stay, presence stays, and a joiner who has nothing is answered from the encoded
   * state without waking it.
   */
  #doc: Y.Doc | null;
  #resting: Resting | null = null;
  /** Sync answers computed once per distinct state vector while the `Y.Doc` stays as it is; one per `Y.Doc`. */
  #answers: SyncAnswers | null;
  /** When the document was last used (`doc`: changed, inspected, read) or woke (`performance.now()`). */
  #lastActive = performance.now();
  /** Tasks queued or running in `#serialized`: a document rests only with none. */
  #tasks = 0;
  #closed = false;

  #durableSeq: number;
  #tailCount: number;
  #storedBytes: number;
  #serial: Promise<unknown> = Promise.resolve();
  /** Turns at the log: commits and other servers' updates move the head one at a time. */
  #logTurn: Promise<unknown> = Promise.resolve();
  #batch: PendingCommit[] = [];
  #flushing: Promise<void> | null = null;
  #snapshotting = false;
  /** Log length that triggers a snapshot: `snapshotEvery` plus up to a quarter more, drawn per copy. */
  readonly #snapshotAfter: number;
  #failure: unknown = null;

  constructor(
    /** The plan's id for its main document, `<planId>/restricted` for the other (src/documents/document-id.ts). */
    readonly id: DocumentId,
    stored: StoredDocument,
    private readonly deps: LiveDocumentDeps,
  ) {
    ({ planId: this.planId, part: this.part } = parseDocumentId(id));
    const doc = new Y.Doc();
    const quarantined = loadStoredParts(doc, stored.updates);
    // Only the sections the document holds get a root type (each one applied update brings, too).
    declareSectionsPresent(doc);
    this.#doc = doc;
    this.#answers = this.#inUse(doc);
    // A document loaded from its snapshot alone is exactly those stored, committed bytes: they are
    // the answer to a joiner who has nothing, with no encoding of the whole state first (the first
    // byte of a join storm waits on it). Any transaction from now on forgets it, as every answer.
    const [only] = stored.updates;
    if (stored.updates.length === 1 && only!.source === 'SNAPSHOT' && quarantined.length === 0) this.#answers.remember(EMPTY_STATE_VECTOR, only!.update);
    // Plans loaded together (as after a restart) would otherwise all snapshot at the same moment.
    this.#snapshotAfter = deps.settings.snapshotEvery + Math.floor(Math.random() * Math.ceil(deps.settings.snapshotEvery / 4));
    this.#durableSeq = stored.headSeq;
    this.#tailCount = stored.tailCount;
    this.#storedBytes = stored.updates.reduce((sum, part) => sum + part.update.byteLength, 0);
    this.gate = new PeerGate(deps.clock, () => deps.onAccessStale?.());
    this.presence = new Presence(
      (update) => this.#toPeers((peer) => peer.sendAwareness(update)),
      (update) => deps.onPresence?.(id, update),
    );
    // First in the queue: no read, edit or snapshot of this copy happens before the repair is stored.
    if (quarantined.length) void this.#serialized(() => this.#quarantine(quarantined));
  }

  /**
   * The load set parts of the stored document aside (src/documents/document-load.ts): keep them in
   * the quarantine table, then store the repaired document as the snapshot, so the bad bytes leave
   * the load path and the plan opens as it is now in memory.
   */
  async #quarantine(parts: readonly QuarantinedPart[]): Promise<void> {
    const { store, clock, logger } = this.deps;
    try {
      await store.quarantine(this.id, parts, clock.now());
    } catch (error) {
      // Never store the repaired state before the parts are kept: their bytes would be gone. The next load tries again.
      logger.error({ event: 'document.quarantine_failed', planId: this.planId, err: error });
      this.#fail(error, []);
      return;
    }
    for (const { source, seq, authorId, reason, update } of parts) {
      // No content in the log line: it may hold personal data; the row holds the bytes.
      logger.error({ event: 'document.quarantined', planId: this.planId, part: this.part, source, seq, authorId, reason, bytes: update.byteLength, quarantinedTotal: store.quarantinedParts });
    }
    const seq = this.#durableSeq;
    const state = Y.encodeStateAsUpdate(this.doc);
    try {
      const written = await store.replaceSnapshot(this.id, seq, state, clock.now());
      if (written) {
        this.#tailCount = this.#durableSeq - seq;
        this.#storedBytes = state.byteLength;
      }
      logger.info({ event: 'document.repaired', planId: this.planId, seq, written });
    } catch (error) {
      // The parts are kept; the next load finds them again (no duplicate rows) and retries the snapshot.
      logger.warn({ event: 'document.repair_snapshot_failed', planId: this.planId, seq, err: error });
    }
  }

  get headSeq(): number {
    return this.#durableSeq;
  }

  /**
   * The document in memory, built again from its committed state if it was resting. Every use
   * (a change, its inspection, a read) counts as activity: a plan read often but never changed
   * stays awake instead of waking after each quiet period.
   */
  get doc(): Y.Doc {
    this.#lastActive = performance.now();
    return this.#doc ?? this.#wake();
  }

  /** Resting: only the committed state is held, encoded (see `#doc`). */
  get resting(): boolean {
    return this.#resting !== null;
  }

  /** The state vector of what this copy holds, for a joiner's sync step 1; a resting document is not woken for it. */
  stateVector(): Uint8Array {
    if (this.#resting) return this.#resting.stateVector;
    if (!this.#doc) throw new Error('document is no longer available');
    return Y.encodeStateVector(this.#doc);
  }

  /**
   * Lets go of the `Y.Doc`, keeping the committed state encoded, unless something is in flight
   * (a queued change, a commit, a snapshot) or this is a main document still holding restricted
   * content (the hub moves it when the plan opens, src/documents/restricted-move.ts). True when it
   * rests now.
   */
  rest(): boolean {
    const doc = this.#doc;
    if (!doc || this.#closed || this.#failure || this.#tasks > 0 || this.#flushing || this.#batch.length > 0 || this.#snapshotting) return false;
    if (this.part === 'main' && holdsRestrictedContent(doc)) return false;
    this.#resting = { state: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
    this.#answers?.dispose();
    this.#answers = null;
    this.#doc = null;
    doc.destroy();
    stopWatching(this);
    return true;
  }

  /** For the sweep (src/documents/rest-sweep.ts): rests once quiet for `restAfterMs`; true when there is nothing more to watch. */
  restIfQuiet(now: number): boolean {
    if (this.#closed || !this.#doc) return true;
    const { restAfterMs } = this.deps.settings;
    if (!restAfterMs || now - this.#lastActive < restAfterMs) return false;
    return this.rest();
  }

  /** Builds the `Y.Doc` from the resting state, as a load from a snapshot does. */
  #wake(): Y.Doc {
    if (this.#closed) throw new Error('document is no longer available');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, this.#resting!.state);
    declareSectionsPresent(doc);
    this.#resting = null;
    this.#doc = doc;
    this.#answers = this.#inUse(doc);
    this.#lastActive = performance.now();
    this.deps.observer?.documentWoke();
    return doc;
  }

  /** A `Y.Doc` now in use: its sync answers, and the sweep that lets it rest once quiet. */
  #inUse(doc: Y.Doc): SyncAnswers {
    if (this.deps.settings.restAfterMs) watchUntilRest(this);
    return new SyncAnswers(doc, this.deps.observer);
  }

  /** Connections this copy sends its commits and presence to. */
  get peers(): ReadonlySet<DocumentPeer> {
    return this.#peers;
  }

  /** Closed: evicted, unloaded or shut down; a new open loads a new copy. */
  get closed(): boolean {
    return this.#closed;
  }

  addPeer(peer: DocumentPeer): void {
    this.#peers.add(peer);
  }

  /** Stops sending to `peer` and takes away its presence; false when it was not connected. */
  removePeer(peer: DocumentPeer): boolean {
    if (!this.#peers.delete(peer)) return false;
    this.presence.remove(peer);
    return true;
  }

  /** Every connection at once, for closing them: nothing more is sent to them from here. */
  dropPeers(): DocumentPeer[] {
    const peers = [...this.#peers];
    this.#peers.clear();
    return peers;
  }

  /**
   * Checks and applies one incoming update; resolves once it is applied (commit follows).
   * `withCommit` writes rows that belong to the change in the same transaction as its log entry.
   */
  submit(actor: Actor, update: Uint8Array, origin: DocumentPeer | null, withCommit?: WrittenWithCommit): Promise<SubmitResult> {
    return this.#submit({ actor }, update, origin, withCommit);
  }

  /**
   * A change the server makes itself, not on anyone's behalf (moving a section between the plan's
   * documents, src/documents/restricted-move.ts): inspected for shape like any change, but no
   * policy is asked (it runs on ended plans too), and it is logged under `authorId` without
   * access-log rows or history.
   */
  submitSystem(authorId: string, update: Uint8Array): Promise<SubmitResult> {
    return this.#submit({ authorId, system: true }, update, null);
  }

  #submit(author: Author, update: Uint8Array, origin: DocumentPeer | null, withCommit?: WrittenWithCommit): Promise<SubmitResult> {
    const observer = this.deps.observer ?? NO_DOCUMENT_OBSERVER;
    const from = origin ? 'live' : 'server';
    const refused = (why: UpdateRefusalReason, refusal: Refusal): SubmitResult => {
      observer.updateRefused(why, from);
      return { ok: false, ...refusal };
    };
    return this.#serialized(async () => {
      if (this.#failure || this.closed) throw new Error('document is no longer available');
      // Every joiner with nothing the server lacks sends this as its sync answer: nothing to
      // inspect, ask or apply, and no reason to wake a resting document.
      if (isEmptyUpdate(update)) return { ok: true, changed: false, sections: [], durable: this.#whenDurable().then(() => this.#durableSeq) };
      const inspection = inspectUpdate(this.doc, update, this.deps.settings.limits);
      if (!inspection.ok) return refused('invalid', { code: 'BAD_USER_INPUT', reason: inspection.reason, section: inspection.section });
      if (inspection.checkedBy === 'trial') {
        this.deps.logger.debug({ event: 'document.inspected_by_trial', planId: this.planId, reason: inspection.trialReason, bytes: update.byteLength });
      }
      if (!author.system) {
        // Each section lives in one of the plan's documents: a restricted section never goes into
        // the main one (everyone reads it), nor the rest into the restricted one.
        const foreign = inspection.sections.find((section) => partOf(section) !== this.part);
        if (foreign) {
          const reason = this.part === 'main' ? `${foreign} is kept in the plan's restricted document` : `${foreign} is not kept in the plan's restricted document`;
          return refused('wrong_document', { code: 'BAD_USER_INPUT', reason, section: foreign });
        }
        // An update that touches no section (say, items under already garbage-collected content) is
        // still applied and committed: it moves the state vector, and storage must follow memory.
        const denied = await this.deps.firstDenied(author.actor, inspection.touches);
        if (denied) return refused('forbidden', { code: 'FORBIDDEN', reason: `You may not edit ${denied} here`, section: denied });
      }
      if (this.#storedBytes + update.byteLength > this.deps.settings.maxDocumentBytes) {
        return refused('document_full', { code: 'BAD_USER_INPUT', reason: 'the plan document has reached its size limit', section: null });
      }
      let applied: Uint8Array | null;
      try {
        applied = this.apply(update);
      } catch (error) {
        if (!(error instanceof IncompleteIntegration)) throw error;
        await this.#discardMemory(error);
        return refused('incomplete', { code: 'BAD_USER_INPUT', reason: 'update refers to changes the document does not have', section: null });
      }
      if (!applied) return { ok: true, changed: false, sections: [], durable: this.#whenDurable().then(() => this.#durableSeq) };
      // Counted once it changed something: every client's sync answer passes here too, mostly empty.
      observer.updateAccepted(from);
      this.#storedBytes += applied.byteLength;
      const sections = inspection.sections;
      const newEntries = inspection.touches.filter((touch) => touch.isNewEntry).map((touch) => touch.section);
      const durable = new Promise<number>((resolve, reject) => {
        // A change with no connection behind it is a server-side change, which only GraphQL makes.
        const door = origin ? 'LIVE' : 'GRAPHQL';
        const authorId = author.system ? author.authorId : author.actor.personId;
        this.#batch.push({ authorId, system: author.system ?? false, sections, update: applied, at: this.deps.clock.now(), door, origin, newEntries, withCommit, resolve, reject });
      });
      durable.catch(() => undefined); // the failure is handled by #fail; callers that wait see it too
      this.#flushing ??= this.#flush();
      return { ok: true, changed: true, sections, durable };
    });
  }

  /**
   * A server-side change (GraphQL): `edit` runs on a draft copy, and the draft's update is
   * submitted like any live edit, so the same checks decide. Costs a copy of the document.
   */
  async change<T>(actor: Actor, edit: (draft: Y.Doc) => T, withCommit?: WrittenWithCommit): Promise<{ result: SubmitResult; value: T }> {
    let value: T | undefined;
    const result = await this.#onDraft((draft) => (value = edit(draft)), (update) => this.submit(actor, update, null, withCommit));
    return { result, value: value as T };
  }

  /** Runs `edit` on a copy of the document and submits the difference. */
  async #onDraft(edit: (draft: Y.Doc) => void, submit: (update: Uint8Array) => Promise<SubmitResult>): Promise<SubmitResult> {
    const draft = new Y.Doc();
    try {
      defineSections(draft);
      Y.applyUpdate(draft, Y.encodeStateAsUpdate(this.doc));
      const before = Y.encodeStateVector(draft);
      edit(draft);
      return await submit(Y.encodeStateAsUpdate(draft, before));
    } finally {
      draft.destroy();
    }
  }

  /** Reads the document once everything in memory is committed. */
  readCommitted<T>(read: (document: LiveDocument) => T): Promise<T> {
    return this.#committed(() => read(this));
  }

  /**
   * The state a connection is missing, once everything in memory is committed. Connections with
   * the same state vector get the same array (src/documents/sync-answers.ts): do not modify it.
   */
  missingFor(stateVector: Uint8Array): Promise<Uint8Array> {
    return this.#committed(() => {
      if (this.#resting && sameBytes(stateVector, EMPTY_STATE_VECTOR)) {
        // A joiner who has nothing is missing the whole committed state, which is what rests.
        this.deps.observer?.syncAnswered('remembered');
        return this.#resting.state;
      }
      if (!this.#doc) this.#wake();
      return this.#answers!.missingFor(stateVector);
    });
  }

  /** The whole document as committed, with the sequence it corresponds to. */
  durableState(): Promise<{ seq: number; state: Uint8Array }> {
    return this.#committed(() => ({ seq: this.#durableSeq, state: this.#resting?.state ?? Y.encodeStateAsUpdate(this.doc) }));
  }

  /** Commits whatever is pending, then writes a snapshot if the log has grown since the last one. */
  async flushAndSnapshot(force = false): Promise<void> {
    await this.#whenDurable();
    if (force ? this.#tailCount > 0 : this.#tailCount >= this.#snapshotAfter) await this.#snapshot();
  }

  /**
   * Another server committed `change` (heard through the cluster). Applied when it is the next in
   * the log; older ones are already here; after a gap the missing part is read from the log.
   */
  receiveCommitted(change: LoggedUpdate): Promise<void> {
    return this.#serialized(() => this.#atLog(async () => {
      if (this.closed || this.#failure || change.seq <= this.#durableSeq) return;
      if (change.seq === this.#durableSeq + 1) this.#applyLogged({ snapshot: null, updates: [change] });
      else this.#applyLogged(await this.deps.store.since(this.id, this.#durableSeq));
    }));
  }

  /** Applies whatever other servers committed that this copy has not heard of (a reconnect, a missed message). */
  catchUp(): Promise<void> {
    return this.#serialized(() => this.#atLog(async () => {
      if (this.closed || this.#failure) return;
      this.#applyLogged(await this.deps.store.since(this.id, this.#durableSeq));
    }));
  }

  close(): void {
    this.#closed = true;
    this.presence.destroy();
    this.#answers?.dispose();
    this.#answers = null;
    this.#doc?.destroy();
    this.#doc = null;
    this.#resting = null;
    stopWatching(this);
  }

  /** Applies an accepted or logged update; returns what Yjs actually integrated, or null for nothing new. */
  private apply(update: Uint8Array, origin: symbol = APPLY_ORIGIN): Uint8Array | null {
    const doc = this.doc;
    const applied = integrateUpdate(doc, update, origin);
    declareSectionsPresent(doc);
    return applied;
  }

  /**
   * An update passed inspection but Yjs left part of it pending (or threw): memory now holds a
   * half-applied change that must never be stored or relayed. What was accepted before it is
   * committed first (its bytes were captured when it was applied); then this copy is dropped, so
   * the hub closes its connections, clients resync, and the next open loads what is committed.
   */
  async #discardMemory(error: IncompleteIntegration): Promise<void> {
    this.deps.logger.error({ event: 'document.update_left_pending', planId: this.planId, err: error });
    try {
      await this.#whenDurable();
    } catch {
      return; // the commit failure already dropped this copy
    }
    this.#fail(error, []);
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
        const started = performance.now();
        let appended: AppendResult;
        try {
          appended = await this.#atLog(async () => {
            const result = await this.deps.store.append(this.id, batch, this.#durableSeq);
            // Others' commits come first in the log, so they are applied (and relayed) first here too.
            this.#applyLogged(result.missed);
            // Within the turn: an update heard from another server next must see the new head.
            this.#durableSeq = result.firstSeq + batch.length - 1;
            this.#tailCount += batch.length;
            return result;
          });
        } catch (error) {
          this.#fail(error, batch);
          return;
        }
        this.deps.observer?.batchCommitted((performance.now() - started) / 1000, batch.length);
        batch.forEach((commit, index) => {
          const seq = appended.firstSeq + index;
          commit.resolve(seq);
          this.#toPeers((peer) => peer !== commit.origin && peer.sendUpdate(commit.update));
          const { authorId, sections, at, update, newEntries, system } = commit;
          this.deps.onCommitted({ documentId: this.id, planId: this.planId, part: this.part, seq, authorId, sections: [...sections], at, update, local: true, newEntries, system: system ?? false });
        });
      }
    } finally {
      this.#flushing = null;
    }
    if (this.#tailCount >= this.#snapshotAfter && !this.#snapshotting) void this.#snapshot();
  }

  /** Sends to every peer connected when it goes out: now, or after the gate's re-check. */
  #toPeers(send: (peer: DocumentPeer) => unknown): void {
    this.gate.send(() => {
      for (const peer of this.#peers) send(peer);
    });
  }

  /** Applies what other servers committed (already checked and attributed there) and tells peers and the hub. */
  #applyLogged({ snapshot, updates }: LogSince): void {
    if (snapshot) {
      // Yjs merges idempotently: the snapshot adds exactly what this copy lacks up to its seq.
      this.apply(snapshot.state, LOGGED_ORIGIN);
      const missing = snapshot.seq - this.#durableSeq;
      this.#durableSeq = snapshot.seq;
      this.#tailCount = 0;
      this.#storedBytes = snapshot.state.byteLength;
      this.deps.logger.info({ event: 'document.resynced_from_snapshot', planId: this.planId, seq: snapshot.seq, missing });
      if (this.#peers.size) {
        const state = Y.encodeStateAsUpdate(this.doc);
        this.#toPeers((peer) => peer.sendUpdate(state));
      }
    }
    for (const logged of updates) {
      if (logged.seq !== this.#durableSeq + 1) throw new Error(`plan ${this.planId}: expected seq ${this.#durableSeq + 1}, got ${logged.seq}`);
      const applied = this.apply(logged.update, LOGGED_ORIGIN);
      this.#durableSeq = logged.seq;
      this.#tailCount += 1;
      this.#storedBytes += logged.update.byteLength;
      if (applied) this.#toPeers((peer) => peer.sendUpdate(applied));
      const { seq, authorId, sections, at, update } = logged;
      this.deps.onCommitted({ documentId: this.id, planId: this.planId, part: this.part, seq, authorId, sections, at, update, local: false, newEntries: [], system: isMoveOutOfMain(this.part, sections) });
    }
  }

  #atLog<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#logTurn.then(task, task);
    this.#logTurn = run.catch(() => undefined);
    return run;
  }

  async #snapshot(): Promise<void> {
    if (this.#snapshotting || this.closed) return;
    this.#snapshotting = true;
    try {
      const { seq, state } = await this.durableState();
      const written = await this.deps.store.writeSnapshot(this.id, seq, state, this.deps.clock.now());
      if (!written) return; // another server is compacting this plan, or already has past `seq`
      this.#tailCount = this.#durableSeq - seq;
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
    this.deps.onFailed(error);
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    this.#tasks += 1;
    const run = this.#serial.then(task, task).finally(() => {
      this.#tasks -= 1;
    });
    this.#serial = run.catch(() => undefined);
    return run;
  }
}

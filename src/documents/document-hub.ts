import type { MikroORM } from '@mikro-orm/postgresql';
import { databaseAnswers, isDatabaseUnavailable } from '../db/outage.js';
import { forbidden, notFound } from '../errors/error-codes.js';
import { reportOutage } from '../errors/outage.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PlanEndedEvent } from '../plans/plan.events.js';
import type { Clock } from '../shared/clock.js';
import { AccessCache } from './access-cache.js';
import type { AccessRefusal, DocumentAuthorizer } from './document-authorizer.js';
import { documentId, parseDocumentId, type DocumentId } from './document-id.js';
import type { DocumentPart, SectionKey } from './document.template.js';
import { DocumentStore, type DocumentStoreOptions, type LoggedUpdate } from './document.store.js';
import type { DocumentPeer } from './document-peer.js';
import { LiveDocument, type CommittedChange, type DocumentSettings, type PlanAccess } from './live-document.js';
import { clearingUpdate, holdsRestrictedContent, isMoveOutOfMain, movedContentUpdate } from './restricted-move.js';
import type { SectionGrantAccess } from '../policy/section-rules.js';
import type { Actor } from '../policy/actor.js';
import { saveVersion } from './version.store.js';
import type { DocumentObserver } from './document-metrics.js';

export interface DocumentHubDeps {
  orm: MikroORM;
  clock: Clock;
  events: EventBus;
  logger: Logger;
  settings: DocumentSettings;
  /** Shares this server's commits and presence with other servers. @default none: a single server */
  replication?: DocumentReplication;
  /** Who may open a document and make a change: the policy's rules, handed in (src/policy/document-authorization.ts). */
  authorizer: DocumentAuthorizer;
  /** What storage is handed: the rows other modules keep of every commit, and which plans exist (src/app/document-wiring.ts). */
  storage: DocumentStoreOptions;
  /** Told of accepted and refused changes and of commits (src/metrics/). @default none */
  observer?: DocumentObserver;
}

/**
 * How the hub tells other servers what happened here (src/cluster); they answer through `receive…`.
 * Documents are named by their id: the plan's id for its main document, `<planId>/restricted` for
 * the other (src/documents/document-id.ts).
 */
export interface DocumentReplication {
  publishCommitted(documentId: DocumentId, change: LoggedUpdate): void;
  publishPresence(documentId: DocumentId, update: Uint8Array): void;
}

/** How often connected readers of plans whose facts have aged out are re-checked. */
const ACCESS_SWEEP_MS = 5_000;

/** How a loaded document is held: operations using it now, and the timer that unloads it when nobody does. */
interface Hold {
  users: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * The live documents of this server: loads each of a plan's two documents (main and restricted)
 * once (concurrent first opens share the load), tracks who is connected, keeps their rights
 * current, and unloads documents nobody uses. The only way in for the WebSocket endpoint and for
 * GraphQL. Documents are keyed by their id; access facts by plan.
 */
export class DocumentHub {
  readonly store: DocumentStore;
  readonly #documents = new Map<DocumentId, Promise<LiveDocument>>();
  /** Moves of a main document's restricted sections into the restricted one, by main document (src/documents/restricted-move.ts). */
  readonly #moves = new WeakMap<LiveDocument, Promise<void>>();
  readonly #access: AccessCache;
  readonly #holds = new WeakMap<LiveDocument, Hold>();
  /** Documents loaded and not yet closed, for the figures that look inside them (`restingDocuments`). */
  readonly #inMemory = new Set<LiveDocument>();
  readonly #stopListening: Array<() => void>;
  readonly #sweep: NodeJS.Timeout;
  #disposed = false;

  constructor(private readonly deps: DocumentHubDeps) {
    this.store = new DocumentStore(deps.orm, deps.storage, deps.observer);
    this.#access = new AccessCache({
      clock: deps.clock,
      load: (planId) => deps.authorizer.load(planId),
      onLoaded: (planId, access, changesAt, inBackground) => {
        for (const loading of this.#loadedParts(planId)) {
          void loading.then((document) => {
            // From that instant on, whatever would go out to the plan's peers waits for the re-check.
            document.gate.setValidUntil(changesAt);
            if (inBackground) this.#recheckPeers(document, access);
          }, () => undefined);
        }
      },
      onExpired: (planId) => void this.#refreshAccess(planId),
    });
    const changed = ({ planId }: { planId: string }) => void this.#refreshAccess(planId);
    this.#stopListening = [
      deps.events.listen('participantsChanged', changed),
      deps.events.listen('sectionRightsChanged', changed),
      deps.events.listen('planEnded', (event) => void this.#ended(event)),
    ];
    // Instants known in advance have their own timer (`#loaded`); this catches what an event lost
    // between servers would have told: connected readers of plans whose facts aged out are re-checked.
    this.#sweep = setInterval(() => {
      for (const planId of new Set([...this.#documents.keys()].map((id) => parseDocumentId(id).planId))) {
        if (this.#access.isAged(planId)) void this.#refreshAccess(planId);
      }
    }, ACCESS_SWEEP_MS);
    this.#sweep.unref();
  }

  /**
   * Connects a peer to one of a plan's documents; refused (NOT_FOUND) unless the peer may read the
   * plan, and (FORBIDDEN) unless they may read its content, or for the restricted document its
   * restricted part.
   */
  async attach(planId: string, peer: DocumentPeer, part: DocumentPart = 'main'): Promise<LiveDocument> {
    this.#assertAdmitted(peer, await this.access(planId), part);
    const document = await this.#openPart(planId, part);
    clearIdle(this.#holdOf(document));
    document.addPeer(peer);
    // The facts may have changed while the document loaded, and a re-check that ran meanwhile did
    // not see this peer (the restricted document opens after the main one): ask again now that it
    // is in, so any refresh from here on finds it.
    try {
      this.#assertAdmitted(peer, await this.access(planId), part);
    } catch (error) {
      this.detach(document, peer);
      throw error;
    }
    // With other servers, this copy may lag (a message still on its way, or lost): a client coming
    // over from another server must not hand us their commits as its own edits.
    if (this.deps.replication) await document.catchUp().catch((error: unknown) => this.#evict(document, error));
    return document;
  }

  /**
   * Starts loading one of a plan's documents for someone `attach` would admit, so that a connection's
   * other work (its presence name) runs while it loads; `attach` then finds it loading or loaded.
   * Refused as `attach` refuses. Held like a read through `use`: nobody attaching, it unloads idle.
   */
  async prepare(planId: string, actor: Actor, part: DocumentPart = 'main'): Promise<void> {
    this.#assertAdmitted({ actor }, await this.access(planId), part);
    await this.use(planId, async () => undefined, part);
  }

  /** Another server committed `change` to document `id`: a loaded copy applies it (or repairs a gap from the log). */
  receiveCommitted(id: DocumentId, change: LoggedUpdate): void {
    const loaded = this.#documents.get(id);
    this.deps.logger.debug({ event: 'document.remote_commit_received', documentId: id, seq: change.seq, loaded: Boolean(loaded) });
    if (loaded) {
      // The facts may be reloading after an event heard just before this change (a revocation on
      // the other server): whoever lost access is closed before it is applied and sent on. Changes
      // applied out of order are put right by the document (a gap is read from the log).
      void loaded.then(
        (document) =>
          this.access(parseDocumentId(id).planId).then(
            (access) => {
              this.#recheckPeers(document, access);
              return document.receiveCommitted(change).catch((error: unknown) => this.#evict(document, error));
            },
            // Who may read it cannot be told now: the change is not applied and the copy is dropped,
            // so its peers reconnect (1013 on an outage) and the next open reads the log.
            (error: unknown) => this.#evict(document, error),
          ),
        () => undefined,
      );
      return;
    }
    // Not loaded here: nothing to apply, but subscriptions on this server still hear of the change.
    const { seq, authorId, sections, at } = change;
    const { planId, part } = parseDocumentId(id);
    if (!isMoveOutOfMain(part, sections)) this.deps.events.publish('documentChanged', { planId, part, seq, authorId, sections, at, committedHere: false, newEntries: [] });
  }

  /** Presence another server's connections set on document `id`. */
  receivePresence(id: DocumentId, update: Uint8Array): void {
    void this.#documents.get(id)?.then((document) => {
      if (!document.closed) document.presence.applyRemote(update);
    }, () => undefined);
  }

  /** Brings every loaded copy up to the log (after the link to other servers was down). */
  async resyncAll(): Promise<void> {
    // Events the link lost (a revocation, a removal, a consent withdrawn) are in the database too:
    // every loaded plan's facts are read again, and its peers re-checked, before catching up.
    const planIds = new Set([...this.#documents.keys()].map((id) => parseDocumentId(id).planId));
    await Promise.all([...planIds].map((planId) => this.#refreshAccess(planId)));
    const documents = await Promise.allSettled(this.#documents.values());
    await Promise.all(
      documents.map((result) => result.status === 'fulfilled' && !result.value.closed && result.value.catchUp().catch((error: unknown) => this.#evict(result.value, error))),
    );
  }

  detach(document: LiveDocument, peer: DocumentPeer): void {
    if (document.removePeer(peer)) this.#scheduleUnload(document);
  }

  /** Runs `task` with one of the plan's documents loaded (the main one unless said), for GraphQL reads and writes. */
  async use<T>(planId: string, task: (document: LiveDocument) => Promise<T>, part: DocumentPart = 'main'): Promise<T> {
    for (;;) {
      const document = await this.#openPart(planId, part);
      if (document.closed) continue; // unloaded between the look-up and now: load again
      const hold = this.#holdOf(document);
      hold.users += 1;
      clearIdle(hold);
      try {
        return await task(document);
      } finally {
        hold.users -= 1;
        this.#scheduleUnload(document);
      }
    }
  }

  /** Documents loaded (or loading) on this server now, by part. */
  loadedDocuments(): Record<DocumentPart, number> {
    const counts: Record<DocumentPart, number> = { main: 0, restricted: 0 };
    for (const id of this.#documents.keys()) counts[parseDocumentId(id).part] += 1;
    return counts;
  }

  /** Loaded documents resting now (their state kept encoded, src/documents/live-document.ts), by part. */
  restingDocuments(): Record<DocumentPart, number> {
    const counts: Record<DocumentPart, number> = { main: 0, restricted: 0 };
    for (const document of this.#inMemory) if (document.resting) counts[document.part] += 1;
    return counts;
  }

  /** Current participants and section grants of a plan, cached briefly and refreshed on change events. */
  access(planId: string): Promise<PlanAccess> {
    return this.#access.get(planId);
  }

  /** The grants of one person in one plan, for `canEdit` and the rights listing. */
  async grantsOf(planId: string, personId: string): Promise<Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>> {
    return (await this.access(planId)).grantsByPerson.get(personId) ?? {};
  }

  /** Saves the plan's two documents as they are committed now as a version. */
  async createVersion(planId: string, input: { kind: 'NAMED' | 'EVALUATION' | 'CLOSED'; label: string; authorId: string }): Promise<string> {
    const [main, restricted] = await Promise.all(
      (['main', 'restricted'] as const).map((part) => this.use(planId, (document) => document.durableState(), part)),
    );
    return saveVersion(this.deps.orm.em.fork(), { planId, main: main!, restricted: restricted!, at: this.deps.clock.now(), ...input });
  }

  /** Commits everything, snapshots, and disconnects everyone (server shutdown). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#sweep);
    this.#access.dispose();
    for (const stop of this.#stopListening) stop();
    const documents = await Promise.allSettled(this.#documents.values());
    this.#documents.clear();
    for (const result of documents) {
      if (result.status !== 'fulfilled') continue;
      const document = result.value;
      for (const peer of document.dropPeers()) peer.close('GOING_AWAY', 'Server shutting down');
      await document.flushAndSnapshot(true).catch((error: unknown) => this.deps.logger.error({ event: 'document.flush_failed', planId: document.planId, err: error }));
      document.close();
    }
  }

  /**
   * One of a plan's documents, ready to serve: a main document stored before the split still
   * holding restricted sections has them moved into the restricted document first
   * (src/documents/restricted-move.ts), so nobody is ever sent them from the main document.
   */
  async #openPart(planId: string, part: DocumentPart): Promise<LiveDocument> {
    const main = await this.#open(planId);
    // A resting main document holds no restricted content: it does not rest while it holds some.
    if (!main.resting && holdsRestrictedContent(main.doc)) {
      let moving = this.#moves.get(main);
      if (!moving) {
        moving = this.#moveRestricted(planId, main);
        this.#moves.set(main, moving);
        moving.catch(() => this.#moves.delete(main));
      }
      try {
        await moving;
      } catch (error) {
        this.#scheduleUnload(main);
        throw error;
      }
    }
    if (part === 'main') return main;
    // Opened only to see whether a move is due: it unloads like any document nobody uses.
    this.#scheduleUnload(main);
    return this.#open(documentId(planId, 'restricted'));
  }

  /** Durable in the restricted document first, then deleted from the main one: a crash between the two repeats the (idempotent) move. */
  async #moveRestricted(planId: string, main: LiveDocument): Promise<void> {
    const restricted = await this.#open(documentId(planId, 'restricted'));
    const { ownerId } = (await this.access(planId)).plan;
    for (const [document, update] of [[restricted, movedContentUpdate(planId, main.doc)], [main, clearingUpdate(main.doc)]] as const) {
      const result = await document.submitSystem(ownerId, update);
      if (!result.ok) throw new Error(`plan ${planId}: moving the restricted sections into their document was refused: ${result.reason}`);
      await result.durable;
    }
    this.deps.logger.info({ event: 'document.restricted_moved', planId });
    // A snapshot now leaves the moved content's bytes in neither the main document's log nor its snapshot.
    void main.flushAndSnapshot(true).catch(() => undefined);
    this.#scheduleUnload(restricted);
  }

  /** The plan's documents loaded (or loading) here. */
  #loadedParts(planId: string): Array<Promise<LiveDocument>> {
    return (['main', 'restricted'] as const).flatMap((part) => this.#documents.get(documentId(planId, part)) ?? []);
  }

  #open(id: DocumentId): Promise<LiveDocument> {
    if (this.#disposed) return Promise.reject(new Error('server is shutting down'));
    let loading = this.#documents.get(id);
    if (!loading) {
      loading = this.#load(id);
      this.#documents.set(id, loading);
      // A failed load is forgotten so the next open tries again; it never yields an empty document.
      loading.catch(() => {
        if (this.#documents.get(id) === loading) this.#documents.delete(id);
      });
    }
    return loading;
  }

  async #load(id: DocumentId): Promise<LiveDocument> {
    const started = performance.now();
    const { planId, part } = parseDocumentId(id);
    const stored = await this.store.load(id);
    const document = new LiveDocument(id, stored, {
      store: this.store,
      clock: this.deps.clock,
      logger: this.deps.logger,
      settings: this.deps.settings,
      firstDenied: async (actor, touches) => this.deps.authorizer.firstDenied(actor, await this.access(planId), touches),
      onCommitted: (change) => this.#committed(change),
      onPresence: (id, update) => this.deps.replication?.publishPresence(id, update),
      onAccessStale: () => void this.#refreshAccess(planId),
      onFailed: (error) => this.#evict(document, error),
      observer: this.deps.observer,
    });
    document.gate.setValidUntil(this.#access.changesAt(planId));
    this.#inMemory.add(document);
    this.deps.logger.info({ event: 'document.loaded', planId, part, seq: stored.headSeq, tail: stored.tailCount, ms: Math.round((performance.now() - started) * 10) / 10 });
    return document;
  }

  #committed(change: CommittedChange): void {
    const { planId, part, seq, authorId, sections, at, update, local, newEntries } = change;
    // The server's own move of a section is nobody's change to tell subscribers about.
    if (!change.system) this.deps.events.publish('documentChanged', { planId, part, seq, authorId, sections, at, committedHere: local, newEntries });
    // Another server's commit was relayed by that server.
    if (local) this.deps.replication?.publishCommitted(change.documentId, { seq, authorId, sections, at, update });
  }

  /**
   * From now on every edit is refused (the policy sees ENDED). The frozen content is saved as a
   * CLOSED version by the archive (src/archive/final-archiver.ts), before the FINAL record lists it.
   */
  async #ended(event: PlanEndedEvent): Promise<void> {
    await this.#refreshAccess(event.planId);
  }

  /**
   * Memory may hold changes storage refused: drop it and let clients resync from what is stored.
   * The next connection loads the plan from the database again. When the database is down, peers
   * are told to try again later (1013), which clients reconnect on by themselves; their unsaved
   * edits are still in their own copy and come back with their first sync.
   */
  #evict(document: LiveDocument, error: unknown): void {
    if (document.closed) return;
    if (this.#documents.get(document.id) !== undefined) this.#documents.delete(document.id);
    const peers = document.dropPeers();
    // Closed at once: nothing more goes into this copy while we find out what failed.
    this.#close(document);
    void this.#isOutage(error).then((outage) => {
      if (outage) reportOutage(this.deps.logger, 'database', error, { planId: document.planId, during: 'document.commit' });
      else this.deps.logger.error({ event: 'document.commit_failed', planId: document.planId, err: error });
      for (const peer of peers) {
        if (outage) peer.close('SERVICE_UNAVAILABLE', 'The database is unavailable; reconnecting');
        else peer.close('INTERNAL_SERVER_ERROR', 'Could not save; reconnect to resync');
      }
    });
  }

  /**
   * A commit cut off by a dying connection often fails with an error that does not say so (knex's
   * "Transaction query already complete"): then whether the database answers now decides.
   */
  async #isOutage(error: unknown): Promise<boolean> {
    return isDatabaseUnavailable(error) || !(await databaseAnswers(this.deps.orm));
  }

  /** How `document` is held; every loaded copy has one from its first use until it closes. */
  #holdOf(document: LiveDocument): Hold {
    let hold = this.#holds.get(document);
    if (!hold) {
      hold = { users: 0, idleTimer: null };
      this.#holds.set(document, hold);
    }
    return hold;
  }

  #inUse(document: LiveDocument): boolean {
    return document.peers.size > 0 || this.#holdOf(document).users > 0;
  }

  #scheduleUnload(document: LiveDocument): void {
    if (this.#inUse(document) || document.closed) return;
    const hold = this.#holdOf(document);
    clearIdle(hold);
    hold.idleTimer = setTimeout(() => void this.#unload(document), this.deps.settings.idleUnloadMs);
    hold.idleTimer.unref();
  }

  #close(document: LiveDocument): void {
    clearIdle(this.#holdOf(document));
    this.#inMemory.delete(document);
    document.close();
  }

  async #unload(document: LiveDocument): Promise<void> {
    try {
      await document.flushAndSnapshot(true);
    } catch (error) {
      this.deps.logger.warn({ event: 'document.unload_flush_failed', planId: document.planId, err: error });
    }
    // Someone may have come back while the snapshot was written.
    if (this.#inUse(document) || document.closed) return;
    this.#documents.delete(document.id);
    // The plan's facts serve its other document too while that stays loaded.
    if (this.#loadedParts(document.planId).length === 0) this.#access.forget(document.planId);
    this.#close(document);
    this.deps.logger.debug({ event: 'document.unloaded', planId: document.planId, part: document.part });
  }

  /** Reloads a plan's access facts and disconnects anyone who may no longer read its documents. */
  async #refreshAccess(planId: string): Promise<void> {
    this.#access.invalidate(planId);
    const loading = this.#loadedParts(planId);
    if (!loading.length) return;
    const documents = (await Promise.allSettled(loading)).flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    // What would go out to peers meanwhile waits until it is known who may still read it.
    for (const document of documents) document.gate.hold();
    try {
      const access = await this.access(planId);
      for (const document of documents) {
        this.#recheckPeers(document, access);
        document.gate.setValidUntil(access.plan.accessChangesAt?.getTime() ?? null);
      }
    } catch (error) {
      this.deps.logger.warn({ event: 'document.access_refresh_failed', planId, err: error });
      // Nobody can be told apart now: everyone reconnects (1013) and is checked on the way in.
      for (const document of documents) {
        for (const peer of [...document.peers]) {
          peer.close('SERVICE_UNAVAILABLE', 'Could not check access; reconnect');
          this.detach(document, peer);
        }
      }
    } finally {
      for (const document of documents) document.gate.release();
    }
  }

  /** Disconnects anyone who may no longer read the plan's content, or (its restricted document) the restricted part. */
  #recheckPeers(document: LiveDocument, access: PlanAccess): void {
    for (const peer of [...document.peers]) {
      const refusal = this.deps.authorizer.refusal(peer.actor, access, document.part);
      if (refusal === null) continue;
      peer.close('FORBIDDEN', NO_LONGER[refusal]);
      this.detach(document, peer);
    }
  }

  /** Refused (NOT_FOUND) unless the peer takes part in the plan, and (FORBIDDEN) unless they may read this document. */
  #assertAdmitted(peer: Pick<DocumentPeer, 'actor'>, access: PlanAccess, part: DocumentPart): void {
    const refusal = this.deps.authorizer.refusal(peer.actor, access, part);
    if (refusal === 'NOT_TAKING_PART') throw notFound('Plan');
    if (refusal !== null) throw forbidden(REFUSED[refusal]);
  }
}

const REFUSED: Record<Exclude<AccessRefusal, 'NOT_TAKING_PART'>, string> = {
  NO_CONTENT_CONSENT: 'Your consent does not cover the content of this plan',
  NOT_RESTRICTED_READER: 'The person has not given you access to the restricted part of this plan',
};

/** Said to a connected peer whose access ended. */
const NO_LONGER: Record<AccessRefusal, string> = {
  NOT_TAKING_PART: 'You no longer take part in this plan',
  NO_CONTENT_CONSENT: 'Your consent no longer covers the content of this plan',
  NOT_RESTRICTED_READER: 'The person no longer gives you access to the restricted part of this plan',
};

/** Stops a pending idle unload. */
function clearIdle(hold: Hold): void {
  if (hold.idleTimer) clearTimeout(hold.idleTimer);
  hold.idleTimer = null;
}


import type { Logger } from '../logging/logger.js';
import type { Actor } from '../policy/actor.js';
import type { PlanFacts } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import type { DocumentId } from './document-id.js';
import type { DocumentPart, SectionKey } from './document.template.js';
import type { DocumentStore } from './document.store.js';
import type { SectionGrantAccess } from '../policy/section-rules.js';
import type { InspectionLimits, Touch } from './update-inspector.js';
import type { DocumentObserver } from './document-metrics.js';

/**
 * Who may do what in a plan right now: the policy's facts plus each person's section grants, and
 * whom the person chose to read the restricted part (`plan.readRestricted`).
 */
export interface PlanAccess {
  plan: PlanFacts;
  grantsByPerson: ReadonlyMap<string, Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>>;
  /** Person ids of current participants granted the restricted part (src/documents/restricted-readers.ts). */
  restrictedReaderIds: ReadonlySet<string>;
}

export interface DocumentSettings {
  limits: InspectionLimits;
  /** Refuse updates once the stored document would grow beyond this. @default 32 MiB */
  maxDocumentBytes: number;
  /** Write a snapshot (and compact the log) after this many updates. @default 200 */
  snapshotEvery: number;
  /** Unload a document nobody has used for this long. @default 30 s */
  idleUnloadMs: number;
  /** Let a loaded document's `Y.Doc` go after this long unused (no change, no read), keeping its state encoded (0: never). @default 10 s */
  restAfterMs: number;
}

/** What the document tells the hub after each commit, its own or (`local: false`) another server's. */
export interface CommittedChange {
  documentId: DocumentId;
  planId: string;
  part: DocumentPart;
  seq: number;
  authorId: string;
  sections: string[];
  at: Date;
  /** What Yjs integrated, for other servers. */
  update: Uint8Array;
  /** This server committed it; false for another server's commit applied here. */
  local: boolean;
  /** The section of each entry the change created; known only where it was committed (`local`), empty for another server's. */
  newEntries: readonly SectionKey[];
  /** The server's own change (a section moved between the documents), nobody's edit. */
  system: boolean;
}

export interface LiveDocumentDeps {
  store: DocumentStore;
  clock: Clock;
  logger: Logger;
  settings: DocumentSettings;
  /** The first section of `touches` the actor may not change right now; null when they may make them all. */
  firstDenied(actor: Actor, touches: readonly Touch[]): Promise<SectionKey | null>;
  onCommitted(change: CommittedChange): void;
  /** Presence changed by this server's own connections, for the other servers. */
  onPresence?(documentId: DocumentId, update: Uint8Array): void;
  /** The access facts this document's peers were checked against have passed their `accessChangesAt`: re-read them. */
  onAccessStale?(): void;
  /** The document can no longer be trusted to match storage: the hub evicts it. */
  onFailed(error: unknown): void;
  /** Told of accepted and refused changes and of commits (src/metrics/). @default none */
  observer?: DocumentObserver;
}

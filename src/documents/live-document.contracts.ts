import type { Logger } from '../logging/logger.js';
import type { PlanFacts } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import type { DocumentId } from './document-id.js';
import type { DocumentPart, SectionKey } from './document.template.js';
import type { DocumentStore } from './document.store.js';
import type { LiveDocument } from './live-document.js';
import type { SectionGrantAccess } from './section-rights.js';
import type { InspectionLimits } from './update-inspector.js';

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
  /** The commit added an evaluation: the hub saves an automatic version. */
  addsEvaluation: boolean;
  /** The server's own change (a section moved between the documents), nobody's edit. */
  system: boolean;
}

export interface LiveDocumentDeps {
  store: DocumentStore;
  clock: Clock;
  logger: Logger;
  settings: DocumentSettings;
  access(planId: string): Promise<PlanAccess>;
  onCommitted(change: CommittedChange): void;
  /** Presence changed by this server's own connections, for the other servers. */
  onPresence?(documentId: DocumentId, update: Uint8Array): void;
  /** The access facts this document's peers were checked against have passed their `accessChangesAt`: re-read them. */
  onAccessStale?(): void;
  /** The document can no longer be trusted to match storage: the hub evicts it. */
  onFailed(document: LiveDocument, error: unknown): void;
}

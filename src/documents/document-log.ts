import type { UnitOfWork } from '../db/unit-of-work.js';

/* The shapes of a document's update log, shared by its store (document.store.ts) and its group commit (log-writer.ts). */

/** An accepted update ready to be committed; its `seq` is assigned when it is appended. */
export interface CommitEntry {
  authorId: string;
  sections: readonly string[];
  update: Uint8Array;
  at: Date;
  /** Which door the change came through, for the access log: a live connection or GraphQL. */
  door: 'LIVE' | 'GRAPHQL';
  /**
   * Made by the server itself, not by the author (moving a section between a plan's documents):
   * stored in the log, but no access-log rows and no attribution in the history. @default false
   */
  system?: boolean;
  /** Rows another module writes with this change (an evaluation's row with its entry): same transaction, after the log row. */
  withCommit?: WrittenWithCommit;
}

/** Writes that commit together with a change or not at all; `seq` is the change's place in the log. */
export type WrittenWithCommit = (uow: UnitOfWork, seq: number) => Promise<void>;

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

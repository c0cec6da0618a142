import type { DocumentPart, SectionKey } from './document.template.js';

/** Published after a change of one of a plan's documents is committed. */
export interface DocumentChangedEvent {
  planId: string;
  /** Which of the plan's documents changed; `seq` counts within it. Restricted changes go only to restricted readers. */
  part: DocumentPart;
  seq: number;
  authorId: string;
  sections: string[];
  at: Date;
  /**
   * This server committed it: work that must happen once per change (an evaluation's automatic
   * version) happens where this is true. Other servers hear the change with it false.
   */
  committedHere: boolean;
  /** The section of each entry the change created (known where it was committed; empty elsewhere). */
  newEntries: readonly SectionKey[];
}

/**
 * Published after someone's edit right on a section of a plan was granted, revoked or reset, and
 * after the person chose who reads the restricted part (once per restricted section).
 */
export interface SectionRightsChangedEvent {
  planId: string;
  personId: string;
  section: string;
}

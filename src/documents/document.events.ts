import type { DocumentPart } from './document.template.js';

/** Published after a change of one of a plan's documents is committed. */
export interface DocumentChangedEvent {
  planId: string;
  /** Which of the plan's documents changed; `seq` counts within it. Restricted changes go only to restricted readers. */
  part: DocumentPart;
  seq: number;
  authorId: string;
  sections: string[];
  at: Date;
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

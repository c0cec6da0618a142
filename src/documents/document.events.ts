/** Published after a change of a plan's document is committed. */
export interface DocumentChangedEvent {
  planId: string;
  seq: number;
  authorId: string;
  sections: string[];
  at: Date;
}

/** Published after someone's edit right on a section of a plan was granted, revoked or reset. */
export interface SectionRightsChangedEvent {
  planId: string;
  personId: string;
  section: string;
}

/**
 * What happened to a participant; the CONSENT_ kinds change what they may see (src/consent/), and
 * GUARDIANSHIP_CHANGED that the guardianship behind their powers was recorded, revoked or ended (src/people/).
 */
export type ParticipantChange = 'ADDED' | 'REMOVED' | 'ROLE_CHANGED' | 'CONSENT_GIVEN' | 'CONSENT_WITHDRAWN' | 'CONSENT_EXPIRED' | 'GUARDIANSHIP_CHANGED';

export interface ParticipantsChangedEvent {
  planId: string;
  change: ParticipantChange;
  participantId: string;
  planVersion: number;
}

/** A plan has ended: its document is frozen from now on. */
export interface PlanEndedEvent {
  planId: string;
  endedById: string;
  reason: string;
  at: Date;
}

export type ParticipantChange = 'ADDED' | 'REMOVED' | 'ROLE_CHANGED';

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

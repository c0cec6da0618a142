export type ParticipantChange = 'ADDED' | 'REMOVED' | 'ROLE_CHANGED';

export interface ParticipantsChangedEvent {
  planId: string;
  change: ParticipantChange;
  participantId: string;
  planVersion: number;
}

import type { SeededPerson } from './seed.js';
import type { TestApp } from './test-app.js';

const ADD_PARTICIPANT = `mutation($input: AddParticipantInput!) { addParticipant(input: $input) {
  __typename ... on ParticipantAdded { participant { id role pendingConsent readsRestricted } } } }`;
const REMOVE_PARTICIPANT = `mutation($input: RemoveParticipantInput!) { removeParticipant(input: $input) {
  __typename ... on ParticipantRemoved { participantId plan { id } } } }`;
const CHANGE_ROLE = `mutation($input: ChangeParticipantRoleInput!) { changeParticipantRole(input: $input) {
  __typename ... on ParticipantRoleChanged { participant { id role organization { id } } } } }`;

/**
 * Who takes part in a plan, through the public API as `who`: one document per door, for the tests
 * that try these doors and for the seed builder that arranges plans with them. The answers come
 * back whole (errors included), since refusals are what many tests look at.
 */
export function plansFor(t: Pick<TestApp, 'gql'>) {
  return {
    /** `input` is an AddParticipantInput: planId, role, person, and organizationId, activeTo, consent as the case needs. */
    addParticipant: (who: SeededPerson, input: Record<string, unknown>) => t.gql(ADD_PARTICIPANT, { input }, who.token),
    removeParticipant: (who: SeededPerson, participantId: string) => t.gql(REMOVE_PARTICIPANT, { input: { participantId } }, who.token),
    changeRole: (who: SeededPerson, participantId: string, role: string, organizationId?: string) =>
      t.gql(CHANGE_ROLE, { input: { participantId, role, organizationId } }, who.token),
  };
}

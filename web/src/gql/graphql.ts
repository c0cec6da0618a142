/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** READ: content was shown to someone; WRITE: someone's change to the content was accepted. */
export type AccessAction =
  | 'READ'
  | 'WRITE';

/** The door content went through: GraphQL, the live document (/collab), or an archive download. */
export type AccessDoor =
  | 'ARCHIVE'
  | 'GRAPHQL'
  | 'LIVE';

export type AddParticipantInput = {
  /** When access ends by itself. */
  activeTo?: string | null | undefined;
  /** Only the person or their guardian consents; when anyone else adds someone, they wait for consent. */
  consent?: ParticipantConsentInput | null | undefined;
  expectedVersion?: number | null | undefined;
  /** Required for providers and coordinators: the unit they act for, of which they must be staff. */
  organizationId?: string | number | null | undefined;
  person: PersonRefInput;
  planId: string | number;
  role: ParticipantRole;
};

/** INTERIM: archived during the plan's life; FINAL: the plan as it was when it ended. */
export type ArchiveKind =
  | 'FINAL'
  | 'INTERIM';

export type CaseEventKind =
  | 'COMPLAINT_FILED'
  | 'COMPLAINT_UPDATED'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_EXPIRING'
  | 'CONSENT_GIVEN'
  | 'CONSENT_WITHDRAWN'
  | 'COORDINATOR_APPOINTED'
  | 'EVALUATION_DUE'
  | 'EVALUATION_OVERDUE'
  | 'EVALUATION_RECORDED'
  /** A guardianship of the person ran out by its date. */
  | 'GUARDIANSHIP_ENDED'
  /** A guardianship of the person was recorded (detail: guardianshipId, guardianId, basis, validFrom, validUntil). */
  | 'GUARDIANSHIP_RECORDED'
  /** A guardianship of the person was revoked. */
  | 'GUARDIANSHIP_REVOKED'
  | 'INTERIM_NOTICE_DUE'
  | 'INTERIM_NOTICE_SENT'
  /** Someone's role in a plan the unit oversees changed (detail: participantId, personId, from, to). */
  | 'PARTICIPANT_ROLE_CHANGED'
  | 'PLAN_ARCHIVED'
  | 'PLAN_ENDED'
  /** A plan that had no coordinating unit came under this one: detail.by is MUNICIPALITY (the person's) or COORDINATOR (the unit its coordinator acts for). */
  | 'PLAN_UNIT_ASSIGNED'
  | 'REQUEST_DECIDED'
  | 'REQUEST_RECEIVED'
  | 'REQUEST_WITHDRAWN'
  | 'REVISION_DUE';

/** Where a person's case stands at the coordinating unit. */
export type CaseStatus =
  | 'ACTIVE'
  /** Granted: the plan waits for the person's consent. */
  | 'AWAITING_CONSENT'
  | 'ENDED'
  /** The request was refused. */
  | 'REFUSED'
  /** A request has been received and not yet decided. */
  | 'REQUESTED'
  /** The request was withdrawn. */
  | 'WITHDRAWN';

/**
 * What a consent covers. PLAN: the person's consent to making the plan (and to a coordinator).
 * PARTICIPATE: a participant takes part (sees the plan's metadata and participants, gets notifications).
 * CONFIDENTIAL_INFORMATION: a participant may see the plan's content (document, sections, history, versions).
 */
export type ConsentScope =
  | 'CONFIDENTIAL_INFORMATION'
  | 'PARTICIPATE'
  | 'PLAN';

export type CreateVersionInput = {
  label: string;
  planId: string | number;
};

export type DeadlineKind =
  | 'CONSENT_EXPIRY'
  | 'DECISION'
  /** A guardianship's validUntil. */
  | 'GUARDIANSHIP_END'
  | 'INTERIM_NOTICE'
  | 'MEASURE_EVALUATION'
  | 'REVISION';

export type DecideRequestInput = {
  decision: RequestDecision;
  /** Required for REFUSED. */
  reason?: string | null | undefined;
  requestId: string | number;
  /** Overrides the requested title of the plan a grant opens. */
  title?: string | null | undefined;
};

/** What a notification says is waiting. Notifications never carry plan content: only the kind and a link. */
export type NotificationKind =
  | 'COMPLAINT_STATUS'
  | 'CONSENT_EXPIRING'
  | 'EVALUATION_DUE'
  /** A guardianship of yours (as guardian or ward, or of someone you are guardian of) ran out by its date. */
  | 'GUARDIANSHIP_ENDED'
  /** A guardian has been recorded for you, or for someone you are guardian of. */
  | 'GUARDIANSHIP_RECORDED'
  /** A guardianship of yours (as guardian or ward, or of someone you are guardian of) was revoked. */
  | 'GUARDIANSHIP_REVOKED'
  /** To the unit's staff: a request has passed its decision deadline (or the date an interim notice promised) undecided, and a notice is owed. */
  | 'INTERIM_NOTICE'
  /** To the person, their guardians and whoever asked for them: the unit has sent an interim notice (why the decision takes longer, and when to expect it). */
  | 'INTERIM_NOTICE_SENT'
  /** You have been invited to take part in a plan. */
  | 'PLAN_INVITATION'
  | 'REQUEST_DECIDED'
  | 'REQUEST_RECEIVED';

export type OrganizationKind =
  | 'COORDINATING_UNIT'
  | 'GENERAL_PRACTITIONER'
  | 'HOME_CARE'
  | 'HOSPITAL_WARD'
  | 'NAV'
  | 'OTHER'
  | 'PHYSIOTHERAPY'
  | 'SCHOOL';

/** What the person (or guardian) consents to as they add a participant. Leave out for the defaults. */
export type ParticipantConsentInput = {
  /** Let the participant see the plan's content. Default true. */
  confidentialInformation?: boolean | null | undefined;
  /** When the consent ends. Default: the participant's activeTo. */
  validUntil?: string | null | undefined;
};

export type ParticipantRole =
  /** The provider appointed to coordinate the plan. */
  | 'COORDINATOR'
  /** Legal representative (parent of a child, appointed guardian). */
  | 'GUARDIAN'
  /** The person the plan is for. */
  | 'OWNER'
  /** A service provider, acting for an organization. */
  | 'PROVIDER'
  | 'RELATIVE';

export type PersonKind =
  /** Signed in through a citizen issuer (ID-porten). */
  | 'CITIZEN'
  /** Health and care personnel (HelseID). */
  | 'PERSONNEL';

/**
 * Names a person, in one of three ways: `id` of someone Samplan knows; the `issuer` and `subject`
 * their identity provider uses; or their `nationalIdentityNumber` (fødselsnummer or D-nummer). With
 * the last two, give `displayName` in case Samplan has not met them yet: they are created, and their
 * first sign-in finds them (docs/identity.md).
 */
export type PersonRefInput = {
  displayName?: string | null | undefined;
  id?: string | number | null | undefined;
  issuer?: string | null | undefined;
  /** Only with nationalIdentityNumber: the person as a citizen (default) or as personnel, two different persons in Samplan. */
  kind?: PersonKind | null | undefined;
  /**
   * Fødselsnummer or D-nummer, 11 digits whose check digits must hold (BAD_USER_INPUT otherwise). It
   * names the person who signs in with it through ID-porten (citizen) or HelseID (personnel, with
   * `kind: PERSONNEL`). Samplan never shows it to anyone.
   */
  nationalIdentityNumber?: string | null | undefined;
  subject?: string | null | undefined;
};

export type PlanStatus =
  | 'ACTIVE'
  | 'ENDED'
  | 'REQUESTED';

export type RecordInterimNoticeInput = {
  /** When the person can expect a decision (YYYY-MM-DD, after today). */
  expectedDecisionDate: string;
  /** Why the decision takes longer. */
  reason: string;
  requestId: string | number;
};

export type RequestDecision =
  | 'GRANTED'
  | 'REFUSED';

/** Who a request comes from. */
export type RequestSource =
  /** A recorded legal representative (parent of a child, appointed guardian). */
  | 'GUARDIAN'
  /** Health personnel's notice of need (duty to notify the coordinating unit). */
  | 'HEALTH_PERSONNEL'
  /** The person asks for themselves. */
  | 'PERSON'
  /** A relative who is not the legal representative, acting with a power of attorney. */
  | 'RELATIVE';

export type RequestWants =
  /** A child coordinator; the child must be under 18. */
  | 'CHILD_COORDINATOR'
  /** A coordinator without a plan. */
  | 'COORDINATOR_ONLY'
  | 'PLAN_AND_COORDINATOR';

/** How far someone may edit a section: every entry, their own entries, their organization's entries, or nothing. */
export type SectionAccess =
  | 'ALL'
  | 'NONE'
  | 'ORGANIZATION'
  | 'OWN';

/**
 * The sections of a plan, named as the documents' root types. `situation` is kept in the plan's
 * restricted document (docs/document-model.md): only the person, their guardians and the
 * participants the person chose read it.
 */
export type SectionKey =
  | 'contributions'
  | 'cooperation'
  | 'evaluations'
  | 'goals'
  | 'log'
  | 'measures'
  | 'period'
  | 'situation';

/** LIST: entries with stable ids. RECORD: one set of fields. */
export type SectionKind =
  | 'LIST'
  | 'RECORD';

/** A right set for one participant on one section: EDIT grants ALL, READ revokes to NONE, DEFAULT goes back to the role's default. */
export type SectionRight =
  | 'DEFAULT'
  | 'EDIT'
  | 'READ';

export type SetSectionRightInput = {
  participantId: string | number;
  right: SectionRight;
  section: SectionKey;
};

export type SubmitRequestInput = {
  /** Required for CHILD_COORDINATOR (YYYY-MM-DD); the child must be under 18. */
  childBirthDate?: string | null | undefined;
  /** Kommunenummer of the person's municipality, e.g. 0301: its coordinating unit receives the request. */
  municipality: string;
  /** Whom the request is for. Leave out to ask for yourself. */
  person?: PersonRefInput | null | undefined;
  /** Required when source is RELATIVE: what the power of attorney is (who gave it, when, its scope). */
  powerOfAttorney?: string | null | undefined;
  source: RequestSource;
  /** Title of the plan a grant opens. */
  title?: string | null | undefined;
  wants: RequestWants;
};

export type VersionKind =
  | 'CLOSED'
  | 'EVALUATION'
  | 'NAMED';

export type PlanHistoryQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanHistoryQuery = { plan: { id: string, history: { edges: Array<{ node: { section: SectionKey, at: string, changes: number, by: { displayName: string } } }> }, versions: { totalCount: number, edges: Array<{ node: { id: string, label: string, kind: VersionKind, createdAt: string, content: unknown, author: { displayName: string } } }> } } | null };

export type PlanParticipantsQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanParticipantsQuery = { me: { person: { id: string }, memberships: Array<{ organization: { id: string, name: string } }> }, plan: { id: string, viewerCanManageParticipants: boolean, viewerRole: ParticipantRole | null, participants: Array<{ id: string, role: ParticipantRole, pendingConsent: boolean, readsRestricted: boolean, sectionRights: Array<{ section: SectionKey, access: SectionAccess, granted: SectionRight | null }>, person: { id: string, displayName: string }, organization: { name: string } | null, consents: Array<{ id: string, scope: ConsentScope, current: boolean, givenAt: string, validUntil: string | null, withdrawnAt: string | null }> }> } | null };

export type GiveParticipationMutationVariables = Exact<{
  participantId: string | number;
}>;


export type GiveParticipationMutation = { giveConsent: { consent: { id: string } } };

export type WithdrawConsentMutationVariables = Exact<{
  id: string | number;
}>;


export type WithdrawConsentMutation = { withdrawConsent:
    | { __typename: 'ConsentNotCurrent' }
    | { __typename: 'ConsentWithdrawn' }
   };

export type CreateVersionMutationVariables = Exact<{
  input: CreateVersionInput;
}>;


export type CreateVersionMutation = { createVersion: { id: string } };

export type RestoreVersionMutationVariables = Exact<{
  versionId: string | number;
}>;


export type RestoreVersionMutation = { restoreVersion: { sections: Array<SectionKey> } };

export type InviteMutationVariables = Exact<{
  input: AddParticipantInput;
}>;


export type InviteMutation = { addParticipant:
    | { __typename: 'AlreadyParticipant', message: string }
    | { __typename: 'ParticipantAdded' }
    | { __typename: 'VersionConflict', message: string }
   };

export type GrantRestrictedMutationVariables = Exact<{
  id: string | number;
}>;


export type GrantRestrictedMutation = { grantRestrictedAccess: { id: string } };

export type RevokeRestrictedMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeRestrictedMutation = { revokeRestrictedAccess: { id: string } };

export type UnitStaffQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type UnitStaffQuery = { memberships: Array<{ person: { id: string, displayName: string, kind: PersonKind } }> };

export type SetSectionRightMutationVariables = Exact<{
  input: SetSectionRightInput;
}>;


export type SetSectionRightMutation = { setSectionRight: { id: string } };

export type PlanAccessLogQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanAccessLogQuery = { plan: { id: string, accessLog: { edges: Array<{ node: { id: string, at: string, action: AccessAction, what: string, door: AccessDoor, person: { displayName: string } } }> } } | null };

export type PlanArchiveQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanArchiveQuery = { plan: { id: string, archiveRecords: { totalCount: number, edges: Array<{ node: { id: string, kind: ArchiveKind, createdAt: string, createdBy: { displayName: string }, urls: { json: string, html: string, pdf: string } } }> } } | null };

export type SubmitOwnRequestMutationVariables = Exact<{
  input: SubmitRequestInput;
}>;


export type SubmitOwnRequestMutation = { submitRequest: { id: string } };

export type DashboardQueryVariables = Exact<{
  unitId: string | number;
  status?: Array<CaseStatus> | CaseStatus | null | undefined;
}>;


export type DashboardQuery = { unitDashboard: { unit: { id: string, name: string }, counts: { openRequests: number, interimNoticesDue: number, plansWithoutCoordinator: number, measuresPastEvaluation: number, revisionsDue: number, consentsExpiring: number, openComplaints: number }, cases: { totalCount: number, edges: Array<{ node: { id: string, status: CaseStatus, requestId: string | null, planId: string | null, person: { displayName: string }, coordinator: { displayName: string } | null, nextDeadline: { kind: DeadlineKind, dueAt: string, overdue: boolean } | null } }> } } };

export type CaseEventsSubscriptionVariables = Exact<{
  unitId: string | number;
}>;


export type CaseEventsSubscription = { caseEvents: { id: string, kind: CaseEventKind } };

export type DecideMutationVariables = Exact<{
  input: DecideRequestInput;
}>;


export type DecideMutation = { decideRequest:
    | { __typename: 'PlanAlreadyExists' }
    | { __typename: 'RequestDecided' }
   };

export type RecordInterimNoticeMutationVariables = Exact<{
  input: RecordInterimNoticeInput;
}>;


export type RecordInterimNoticeMutation = { recordInterimNotice: { id: string } };

export type GivePlanConsentMutationVariables = Exact<{
  planId: string | number;
}>;


export type GivePlanConsentMutation = { giveConsent: { plan: { id: string, status: PlanStatus } } };

export type MyPlansQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPlansQuery = { me: { person: { id: string, displayName: string, kind: PersonKind }, memberships: Array<{ organization: { id: string, name: string, kind: OrganizationKind } }> }, plans: { edges: Array<{ node: { id: string, title: string, status: PlanStatus, viewerRole: ParticipantRole | null, updatedAt: string, owner: { displayName: string } } }> }, notifications: { edges: Array<{ node: { id: string, kind: NotificationKind, link: string, createdAt: string } }> } };

export type PlanPageQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanPageQuery = { me: { person: { id: string }, memberships: Array<{ organization: { id: string, name: string } }> }, plan: { id: string, title: string, status: PlanStatus, viewerRole: ParticipantRole | null, endedAt: string | null, owner: { displayName: string }, participants: Array<{ id: string, role: ParticipantRole, person: { id: string, displayName: string }, organization: { id: string, name: string } | null }>, sections: Array<{ key: SectionKey, kind: SectionKind, canEdit: boolean, access: SectionAccess, restricted: boolean, lastChange: { at: string, by: { displayName: string } } | null }> } | null };


export const PlanHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"by"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"changes"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"content"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanHistoryQuery, PlanHistoryQueryVariables>;
export const PlanParticipantsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanParticipants"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memberships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCanManageParticipants"}},{"kind":"Field","name":{"kind":"Name","value":"viewerRole"}},{"kind":"Field","name":{"kind":"Name","value":"participants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"pendingConsent"}},{"kind":"Field","name":{"kind":"Name","value":"readsRestricted"}},{"kind":"Field","name":{"kind":"Name","value":"sectionRights"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"section"}},{"kind":"Field","name":{"kind":"Name","value":"access"}},{"kind":"Field","name":{"kind":"Name","value":"granted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"givenAt"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"withdrawnAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanParticipantsQuery, PlanParticipantsQueryVariables>;
export const GiveParticipationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GiveParticipation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"participantId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giveConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"participantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"participantId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"scope"},"value":{"kind":"EnumValue","value":"PARTICIPATE"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"consent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<GiveParticipationMutation, GiveParticipationMutationVariables>;
export const WithdrawConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WithdrawConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"withdrawConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"consentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}}]}}]}}]} as unknown as DocumentNode<WithdrawConsentMutation, WithdrawConsentMutationVariables>;
export const CreateVersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateVersionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateVersionMutation, CreateVersionMutationVariables>;
export const RestoreVersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestoreVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"versionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sections"}}]}}]}}]} as unknown as DocumentNode<RestoreVersionMutation, RestoreVersionMutationVariables>;
export const InviteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Invite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddParticipantInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addParticipant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VersionConflict"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlreadyParticipant"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<InviteMutation, InviteMutationVariables>;
export const GrantRestrictedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GrantRestricted"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grantRestrictedAccess"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"participantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<GrantRestrictedMutation, GrantRestrictedMutationVariables>;
export const RevokeRestrictedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeRestricted"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeRestrictedAccess"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"participantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RevokeRestrictedMutation, RevokeRestrictedMutationVariables>;
export const UnitStaffDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitStaff"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"memberships"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]}}]} as unknown as DocumentNode<UnitStaffQuery, UnitStaffQueryVariables>;
export const SetSectionRightDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetSectionRight"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetSectionRightInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setSectionRight"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SetSectionRightMutation, SetSectionRightMutationVariables>;
export const PlanAccessLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanAccessLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accessLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"what"}},{"kind":"Field","name":{"kind":"Name","value":"door"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanAccessLogQuery, PlanAccessLogQueryVariables>;
export const PlanArchiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanArchive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"archiveRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"json"}},{"kind":"Field","name":{"kind":"Name","value":"html"}},{"kind":"Field","name":{"kind":"Name","value":"pdf"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanArchiveQuery, PlanArchiveQueryVariables>;
export const SubmitOwnRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitOwnRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SubmitOwnRequestMutation, SubmitOwnRequestMutationVariables>;
export const DashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Dashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CaseStatus"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unitDashboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unitId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openRequests"}},{"kind":"Field","name":{"kind":"Name","value":"interimNoticesDue"}},{"kind":"Field","name":{"kind":"Name","value":"plansWithoutCoordinator"}},{"kind":"Field","name":{"kind":"Name","value":"measuresPastEvaluation"}},{"kind":"Field","name":{"kind":"Name","value":"revisionsDue"}},{"kind":"Field","name":{"kind":"Name","value":"consentsExpiring"}},{"kind":"Field","name":{"kind":"Name","value":"openComplaints"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"planId"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"coordinator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nextDeadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"dueAt"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardQuery, DashboardQueryVariables>;
export const CaseEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CaseEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"caseEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unitId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<CaseEventsSubscription, CaseEventsSubscriptionVariables>;
export const DecideDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Decide"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecideRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decideRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}}]}}]}}]} as unknown as DocumentNode<DecideMutation, DecideMutationVariables>;
export const RecordInterimNoticeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordInterimNotice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordInterimNoticeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordInterimNotice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RecordInterimNoticeMutation, RecordInterimNoticeMutationVariables>;
export const GivePlanConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GivePlanConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"planId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giveConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"planId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"planId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"scope"},"value":{"kind":"EnumValue","value":"PLAN"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<GivePlanConsentMutation, GivePlanConsentMutationVariables>;
export const MyPlansDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyPlans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memberships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plans"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"viewerRole"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"unreadOnly"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyPlansQuery, MyPlansQueryVariables>;
export const PlanPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memberships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"viewerRole"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"participants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"canEdit"}},{"kind":"Field","name":{"kind":"Name","value":"access"}},{"kind":"Field","name":{"kind":"Name","value":"restricted"}},{"kind":"Field","name":{"kind":"Name","value":"lastChange"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"by"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlanPageQuery, PlanPageQueryVariables>;
/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query PlanHistory($id: ID!) {\n    plan(id: $id) {\n      id\n      history(first: 50) { edges { node { section by { displayName } at changes } } }\n      versions(first: 20) { totalCount edges { node { id label kind author { displayName } createdAt content } } }\n    }\n  }\n": typeof types.PlanHistoryDocument,
    "\n  query PlanParticipants($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id viewerCanManageParticipants viewerRole\n      participants {\n        id role pendingConsent readsRestricted\n        sectionRights { section access granted }\n        person { id displayName }\n        organization { name }\n        consents { id scope current givenAt validUntil withdrawnAt }\n      }\n    }\n  }\n": typeof types.PlanParticipantsDocument,
    "\n  mutation GiveParticipation($participantId: ID!) { giveConsent(input: { participantId: $participantId, scope: PARTICIPATE }) { consent { id } } }\n": typeof types.GiveParticipationDocument,
    "\n  mutation WithdrawConsent($id: ID!) { withdrawConsent(consentId: $id) { __typename } }\n": typeof types.WithdrawConsentDocument,
    "\n  mutation CreateVersion($input: CreateVersionInput!) { createVersion(input: $input) { id } }\n": typeof types.CreateVersionDocument,
    "\n  mutation RestoreVersion($versionId: ID!) { restoreVersion(input: { versionId: $versionId }) { sections } }\n": typeof types.RestoreVersionDocument,
    "\n  mutation Invite($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on VersionConflict { message } ... on AlreadyParticipant { message } } }\n": typeof types.InviteDocument,
    "\n  mutation GrantRestricted($id: ID!) { grantRestrictedAccess(participantId: $id) { id } }\n": typeof types.GrantRestrictedDocument,
    "\n  mutation RevokeRestricted($id: ID!) { revokeRestrictedAccess(participantId: $id) { id } }\n": typeof types.RevokeRestrictedDocument,
    "\n  query UnitStaff($organizationId: ID!) { memberships(organizationId: $organizationId) { person { id displayName kind } } }\n": typeof types.UnitStaffDocument,
    "\n  mutation SetSectionRight($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }\n": typeof types.SetSectionRightDocument,
    "\n  query PlanAccessLog($id: ID!) {\n    plan(id: $id) { id accessLog(first: 50) { edges { node { id person { displayName } at action what door } } } }\n  }\n": typeof types.PlanAccessLogDocument,
    "\n  query PlanArchive($id: ID!) {\n    plan(id: $id) { id archiveRecords(first: 20) { totalCount edges { node { id kind createdAt createdBy { displayName } urls { json html pdf } } } } }\n  }\n": typeof types.PlanArchiveDocument,
    "\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n": typeof types.SubmitOwnRequestDocument,
    "\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n": typeof types.CaseEventsDocument,
    "\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n": typeof types.DecideDocument,
    "\n  mutation RecordInterimNotice($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { id } }\n": typeof types.RecordInterimNoticeDocument,
    "\n  mutation GivePlanConsent($planId: ID!) { giveConsent(input: { planId: $planId, scope: PLAN }) { plan { id status } } }\n": typeof types.GivePlanConsentDocument,
    "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n": typeof types.MyPlansDocument,
    "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n": typeof types.PlanPageDocument,
};
const documents: Documents = {
    "\n  query PlanHistory($id: ID!) {\n    plan(id: $id) {\n      id\n      history(first: 50) { edges { node { section by { displayName } at changes } } }\n      versions(first: 20) { totalCount edges { node { id label kind author { displayName } createdAt content } } }\n    }\n  }\n": types.PlanHistoryDocument,
    "\n  query PlanParticipants($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id viewerCanManageParticipants viewerRole\n      participants {\n        id role pendingConsent readsRestricted\n        sectionRights { section access granted }\n        person { id displayName }\n        organization { name }\n        consents { id scope current givenAt validUntil withdrawnAt }\n      }\n    }\n  }\n": types.PlanParticipantsDocument,
    "\n  mutation GiveParticipation($participantId: ID!) { giveConsent(input: { participantId: $participantId, scope: PARTICIPATE }) { consent { id } } }\n": types.GiveParticipationDocument,
    "\n  mutation WithdrawConsent($id: ID!) { withdrawConsent(consentId: $id) { __typename } }\n": types.WithdrawConsentDocument,
    "\n  mutation CreateVersion($input: CreateVersionInput!) { createVersion(input: $input) { id } }\n": types.CreateVersionDocument,
    "\n  mutation RestoreVersion($versionId: ID!) { restoreVersion(input: { versionId: $versionId }) { sections } }\n": types.RestoreVersionDocument,
    "\n  mutation Invite($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on VersionConflict { message } ... on AlreadyParticipant { message } } }\n": types.InviteDocument,
    "\n  mutation GrantRestricted($id: ID!) { grantRestrictedAccess(participantId: $id) { id } }\n": types.GrantRestrictedDocument,
    "\n  mutation RevokeRestricted($id: ID!) { revokeRestrictedAccess(participantId: $id) { id } }\n": types.RevokeRestrictedDocument,
    "\n  query UnitStaff($organizationId: ID!) { memberships(organizationId: $organizationId) { person { id displayName kind } } }\n": types.UnitStaffDocument,
    "\n  mutation SetSectionRight($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }\n": types.SetSectionRightDocument,
    "\n  query PlanAccessLog($id: ID!) {\n    plan(id: $id) { id accessLog(first: 50) { edges { node { id person { displayName } at action what door } } } }\n  }\n": types.PlanAccessLogDocument,
    "\n  query PlanArchive($id: ID!) {\n    plan(id: $id) { id archiveRecords(first: 20) { totalCount edges { node { id kind createdAt createdBy { displayName } urls { json html pdf } } } } }\n  }\n": types.PlanArchiveDocument,
    "\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n": types.SubmitOwnRequestDocument,
    "\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n": types.CaseEventsDocument,
    "\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n": types.DecideDocument,
    "\n  mutation RecordInterimNotice($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { id } }\n": types.RecordInterimNoticeDocument,
    "\n  mutation GivePlanConsent($planId: ID!) { giveConsent(input: { planId: $planId, scope: PLAN }) { plan { id status } } }\n": types.GivePlanConsentDocument,
    "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n": types.MyPlansDocument,
    "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n": types.PlanPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanHistory($id: ID!) {\n    plan(id: $id) {\n      id\n      history(first: 50) { edges { node { section by { displayName } at changes } } }\n      versions(first: 20) { totalCount edges { node { id label kind author { displayName } createdAt content } } }\n    }\n  }\n"): (typeof documents)["\n  query PlanHistory($id: ID!) {\n    plan(id: $id) {\n      id\n      history(first: 50) { edges { node { section by { displayName } at changes } } }\n      versions(first: 20) { totalCount edges { node { id label kind author { displayName } createdAt content } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanParticipants($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id viewerCanManageParticipants viewerRole\n      participants {\n        id role pendingConsent readsRestricted\n        sectionRights { section access granted }\n        person { id displayName }\n        organization { name }\n        consents { id scope current givenAt validUntil withdrawnAt }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlanParticipants($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id viewerCanManageParticipants viewerRole\n      participants {\n        id role pendingConsent readsRestricted\n        sectionRights { section access granted }\n        person { id displayName }\n        organization { name }\n        consents { id scope current givenAt validUntil withdrawnAt }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GiveParticipation($participantId: ID!) { giveConsent(input: { participantId: $participantId, scope: PARTICIPATE }) { consent { id } } }\n"): (typeof documents)["\n  mutation GiveParticipation($participantId: ID!) { giveConsent(input: { participantId: $participantId, scope: PARTICIPATE }) { consent { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawConsent($id: ID!) { withdrawConsent(consentId: $id) { __typename } }\n"): (typeof documents)["\n  mutation WithdrawConsent($id: ID!) { withdrawConsent(consentId: $id) { __typename } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateVersion($input: CreateVersionInput!) { createVersion(input: $input) { id } }\n"): (typeof documents)["\n  mutation CreateVersion($input: CreateVersionInput!) { createVersion(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestoreVersion($versionId: ID!) { restoreVersion(input: { versionId: $versionId }) { sections } }\n"): (typeof documents)["\n  mutation RestoreVersion($versionId: ID!) { restoreVersion(input: { versionId: $versionId }) { sections } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Invite($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on VersionConflict { message } ... on AlreadyParticipant { message } } }\n"): (typeof documents)["\n  mutation Invite($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on VersionConflict { message } ... on AlreadyParticipant { message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantRestricted($id: ID!) { grantRestrictedAccess(participantId: $id) { id } }\n"): (typeof documents)["\n  mutation GrantRestricted($id: ID!) { grantRestrictedAccess(participantId: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeRestricted($id: ID!) { revokeRestrictedAccess(participantId: $id) { id } }\n"): (typeof documents)["\n  mutation RevokeRestricted($id: ID!) { revokeRestrictedAccess(participantId: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitStaff($organizationId: ID!) { memberships(organizationId: $organizationId) { person { id displayName kind } } }\n"): (typeof documents)["\n  query UnitStaff($organizationId: ID!) { memberships(organizationId: $organizationId) { person { id displayName kind } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSectionRight($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }\n"): (typeof documents)["\n  mutation SetSectionRight($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanAccessLog($id: ID!) {\n    plan(id: $id) { id accessLog(first: 50) { edges { node { id person { displayName } at action what door } } } }\n  }\n"): (typeof documents)["\n  query PlanAccessLog($id: ID!) {\n    plan(id: $id) { id accessLog(first: 50) { edges { node { id person { displayName } at action what door } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanArchive($id: ID!) {\n    plan(id: $id) { id archiveRecords(first: 20) { totalCount edges { node { id kind createdAt createdBy { displayName } urls { json html pdf } } } } }\n  }\n"): (typeof documents)["\n  query PlanArchive($id: ID!) {\n    plan(id: $id) { id archiveRecords(first: 20) { totalCount edges { node { id kind createdAt createdBy { displayName } urls { json html pdf } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n"): (typeof documents)["\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n"): (typeof documents)["\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n"): (typeof documents)["\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordInterimNotice($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { id } }\n"): (typeof documents)["\n  mutation RecordInterimNotice($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GivePlanConsent($planId: ID!) { giveConsent(input: { planId: $planId, scope: PLAN }) { plan { id status } } }\n"): (typeof documents)["\n  mutation GivePlanConsent($planId: ID!) { giveConsent(input: { planId: $planId, scope: PLAN }) { plan { id status } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n"): (typeof documents)["\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n"): (typeof documents)["\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id name } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
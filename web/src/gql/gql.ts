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
    "\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n": typeof types.SubmitOwnRequestDocument,
    "\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n": typeof types.CaseEventsDocument,
    "\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n": typeof types.DecideDocument,
    "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n": typeof types.MyPlansDocument,
    "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n": typeof types.PlanPageDocument,
};
const documents: Documents = {
    "\n  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }\n": types.SubmitOwnRequestDocument,
    "\n  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {\n    unitDashboard(unitId: $unitId) {\n      unit { id name }\n      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }\n      cases(first: 50, filter: { status: $status }) {\n        totalCount\n        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }\n": types.CaseEventsDocument,
    "\n  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }\n": types.DecideDocument,
    "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n": types.MyPlansDocument,
    "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n": types.PlanPageDocument,
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
export function graphql(source: "\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n"): (typeof documents)["\n  query MyPlans {\n    me { person { id displayName kind } memberships { organization { id name kind } } }\n    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }\n    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n"): (typeof documents)["\n  query PlanPage($id: ID!) {\n    me { person { id } memberships { organization { id } } }\n    plan(id: $id) {\n      id title status viewerRole endedAt\n      owner { displayName }\n      participants { id role person { id displayName } organization { id name } }\n      sections { key kind canEdit access restricted lastChange { by { displayName } at } }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
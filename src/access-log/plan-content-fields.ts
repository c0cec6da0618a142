/**
 * Which GraphQL fields return plan content, and how reading them is logged (docs/access-log.md).
 *
 * Every field of a type reachable from `Plan`, and every field anywhere that leads to a type
 * holding content, stands in exactly one of the two lists below. test/access-log-completeness.test.ts
 * walks the executable schema and fails on a field in neither, so a new field is classified when
 * it is added; it then reads every content field through HTTP and checks its access-log row, and
 * reads the fields that are not content and checks that they log nothing.
 */
export type PlanContentField =
  /** Resolving it logs a READ itself, with this `what` (`<key>`, `<id>`: the argument's, the row's). */
  | { logs: string }
  /** Content that is only reached through a field that logs, or through a change's result. */
  | 'within'
  /** The result of a change, logged as the change's WRITE rows: the payload is part of the change. */
  | 'written';

export const PLAN_CONTENT_FIELDS: Readonly<Record<string, PlanContentField>> = {
  'Plan.sections': { logs: 'sections' },
  'Plan.section': { logs: 'section:<key>' },
  'Plan.history': { logs: 'history' },
  'Plan.versions': { logs: 'versions' },
  'Plan.evaluations': { logs: 'evaluations' },
  'Query.version': { logs: 'version:<id>' },
  /** Logs as the type's own field does: `version:<id>` for a version, nothing for the others. */
  'Query.node': { logs: 'version:<id>' },
  'PlanVersion.content': { logs: 'version:<id>' },

  'PlanSection.content': 'within',
  'PlanSection.lastChange': 'within',
  'SectionChange.by': 'within',
  'SectionChange.at': 'within',
  'PlanChangeConnection.edges': 'within',
  'PlanChangeEdge.node': 'within',
  'PlanChange.section': 'within',
  'PlanChange.by': 'within',
  'PlanChange.minute': 'within',
  'PlanChange.at': 'within',
  'PlanChange.changes': 'within',
  'PlanChange.firstSeq': 'within',
  'PlanChange.lastSeq': 'within',
  // A version cursor holds its time, which is content too.
  'PlanVersionConnection.edges': 'within',
  'PlanVersionConnection.pageInfo': 'within',
  'PlanVersionConnection.totalCount': 'within',
  'PlanVersionEdge.node': 'within',
  'PlanVersionEdge.cursor': 'within',
  'PlanVersion.label': 'within',
  'PlanVersion.kind': 'within',
  'PlanVersion.author': 'within',
  'PlanVersion.createdAt': 'within',
  'PlanVersion.seq': 'within',
  'Evaluation.date': 'within',
  'Evaluation.participants': 'within',
  'Evaluation.outcome': 'within',
  'Evaluation.recordedBy': 'within',
  'Evaluation.version': 'within',
  'Evaluation.createdAt': 'within',

  'Mutation.addPlanEntry': 'written',
  'Mutation.updatePlanEntry': 'written',
  'Mutation.removePlanEntry': 'written',
  'Mutation.createVersion': 'written',
  'Mutation.restoreVersion': 'written',
  'Mutation.recordEvaluation': 'written',
  'PlanContentChanged.section': 'written',
  'VersionRestored.version': 'written',
};

/**
 * Fields that return no plan content: who takes part and in what role, consent, status and dates,
 * sequence numbers and ids, the section template and rights, archive records' metadata (their
 * downloads are logged at the ARCHIVE door), the access log itself, and fields that only lead
 * to a `Plan` (whose content fields log themselves).
 */
export const NOT_PLAN_CONTENT_FIELDS: readonly string[] = [
  'Plan.id', 'Plan.title', 'Plan.status', 'Plan.kind', 'Plan.owner', 'Plan.createdAt', 'Plan.updatedAt', 'Plan.version',
  'Plan.participants', 'Plan.viewerRole', 'Plan.viewerCanManageParticipants', 'Plan.viewerCanAppointCoordinator', 'Plan.coordinatingUnit', 'Plan.endedAt', 'Plan.endedBy', 'Plan.endReason',
  'Plan.consents', 'Plan.documentSeq', 'Plan.archiveRecords', 'Plan.archivedAt', 'Plan.accessLog', 'Plan.accessLogIntegrity',
  'Plan.viewerReadsRestricted', 'Plan.restrictedDocumentSeq',
  'PlanAlreadyExists.existingPlan',

  'PlanSection.key', 'PlanSection.title', 'PlanSection.kind', 'PlanSection.canEdit', 'PlanSection.access', 'PlanSection.restricted',
  'PlanChangeConnection.pageInfo', 'PlanChangeEdge.cursor', 'PageInfo.hasNextPage', 'PageInfo.hasPreviousPage', 'PageInfo.startCursor', 'PageInfo.endCursor',
  'PlanVersion.id', 'PlanVersion.plan', 'Evaluation.id', 'Evaluation.entryId',

  'Participant.id', 'Participant.person', 'Participant.role', 'Participant.organization', 'Participant.activeFrom',
  'Participant.activeTo', 'Participant.viewerCanRemove', 'Participant.viewerCanChangeRole', 'Participant.consents',
  'Participant.pendingConsent', 'Participant.sectionRights', 'Participant.readsRestricted',
  'ParticipantSectionRight.section', 'ParticipantSectionRight.access', 'ParticipantSectionRight.granted',
  'Consent.id', 'Consent.scope', 'Consent.person', 'Consent.participant', 'Consent.givenBy', 'Consent.givenAt',
  'Consent.validUntil', 'Consent.withdrawnAt', 'Consent.withdrawnBy', 'Consent.expiredAt', 'Consent.current',
  'Consent.viewerCanWithdraw',
  'Person.id', 'Person.displayName', 'Person.kind',
  'Organization.id', 'Organization.name', 'Organization.kind', 'Organization.municipality', 'Organization.viewerCanManageMembers',

  'ArchiveRecord.id', 'ArchiveRecord.kind', 'ArchiveRecord.createdAt', 'ArchiveRecord.createdBy', 'ArchiveRecord.documentSeq',
  'ArchiveRecord.urls', 'ArchiveUrls.json', 'ArchiveUrls.html', 'ArchiveUrls.pdf',
  'ArchiveRecordConnection.edges', 'ArchiveRecordConnection.pageInfo', 'ArchiveRecordConnection.totalCount', 'ArchiveRecordEdge.node', 'ArchiveRecordEdge.cursor',
  'ConsentConnection.edges', 'ConsentConnection.pageInfo', 'ConsentConnection.totalCount', 'ConsentEdge.node', 'ConsentEdge.cursor',
  'ServiceRequestConnection.edges', 'ServiceRequestConnection.pageInfo', 'ServiceRequestConnection.totalCount', 'ServiceRequestEdge.node', 'ServiceRequestEdge.cursor',
  'AccessLogConnection.edges', 'AccessLogConnection.pageInfo', 'AccessLogEdge.node', 'AccessLogEdge.cursor',
  'AccessLogEntry.id', 'AccessLogEntry.person', 'AccessLogEntry.at', 'AccessLogEntry.action', 'AccessLogEntry.what',
  'AccessLogEntry.door', 'AccessLogIntegrity.intact', 'AccessLogIntegrity.checkedEntries',
  'AccessLogIntegrity.firstBrokenAt', 'AccessLogIntegrity.problem',

  'Query.plan', 'Query.plans', 'Query.complaint', 'Query.myComplaints', 'Query.request', 'Query.myRequests',
  'Mutation.createPlan', 'Mutation.addParticipant', 'Mutation.removeParticipant', 'Mutation.changeParticipantRole',
  'Mutation.endPlan', 'Mutation.giveConsent', 'Mutation.withdrawConsent', 'Mutation.fileComplaint',
  'Mutation.updateComplaintStatus', 'Mutation.submitRequest', 'Mutation.decideRequest', 'Mutation.recordInterimNotice',
  'Mutation.withdrawRequest',
  'PlanConnection.edges', 'PlanEdge.node', 'CreatePlanSuccess.plan', 'ParticipantAdded.plan', 'ParticipantRemoved.plan',
  'ParticipantRoleChanged.plan', 'PlanEnded.plan', 'ConsentGiven.plan', 'ConsentWithdrawn.plan', 'PlanContentChanged.plan',
  'VersionRestored.plan', 'Complaint.plan', 'Complaint.request', 'ServiceRequest.plan', 'RequestDecided.request',
];

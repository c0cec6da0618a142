import type { EntityManager } from '@mikro-orm/postgresql';

/** What can happen in a coordinating unit's cases; the caseEvents subscription carries these. */
export const CASE_EVENT_KINDS = [
  'REQUEST_RECEIVED',
  'REQUEST_DECIDED',
  'REQUEST_WITHDRAWN',
  'INTERIM_NOTICE_DUE',
  'INTERIM_NOTICE_SENT',
  'CONSENT_GIVEN',
  'CONSENT_WITHDRAWN',
  'CONSENT_EXPIRING',
  'CONSENT_EXPIRED',
  'COORDINATOR_APPOINTED',
  'EVALUATION_DUE',
  'EVALUATION_OVERDUE',
  'EVALUATION_RECORDED',
  'REVISION_DUE',
  'PLAN_ENDED',
  'PLAN_ARCHIVED',
  'COMPLAINT_FILED',
  'COMPLAINT_UPDATED',
  /** A plan without a unit came under this one (detail: by MUNICIPALITY or COORDINATOR; src/plans/plan.opening.ts). */
  'PLAN_UNIT_ASSIGNED',
  /** Someone's role in a plan changed (detail: participantId, personId, from, to). */
  'PARTICIPANT_ROLE_CHANGED',
  /** A guardianship of the person was recorded, revoked, or ran out by its date (src/people/). */
  'GUARDIANSHIP_RECORDED',
  'GUARDIANSHIP_REVOKED',
  'GUARDIANSHIP_ENDED',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

export interface CaseEventInput {
  unitId: string;
  kind: CaseEventKind;
  at: Date;
  planId?: string | null;
  requestId?: string | null;
  /** The person the case is about. */
  personId?: string | null;
  /** Who caused it; null for the scheduler. */
  actorId?: string | null;
  /** Case metadata only (ids, dates, statuses): never plan content. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface CaseEvent extends Required<Omit<CaseEventInput, 'detail'>> {
  id: string;
  detail: Record<string, string | number | boolean | null>;
}

/**
 * Records a case event in the caller's transaction. A database trigger announces the row to every
 * server when the transaction commits (LISTEN/NOTIFY), so subscribers never hear of a rolled-back
 * change and servers sharing the database all hear it once.
 */
export async function recordCaseEvent(em: EntityManager, event: CaseEventInput): Promise<void> {
  await em.execute(
    `insert into "case_event" ("unit_id", "kind", "plan_id", "request_id", "person_id", "actor_id", "at", "detail")
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.unitId, event.kind, event.planId ?? null, event.requestId ?? null, event.personId ?? null, event.actorId ?? null, event.at, JSON.stringify(event.detail ?? {})],
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent, type CaseEventKind } from '../casework/case-event.js';
import { enqueueNotification, type NotificationKind } from '../notifications/notification.outbox.js';
import type { ServiceRequest } from './request.entity.js';
import { staffIdsOf } from '../organizations/organization.directory.js';
import { withoutTransaction } from '../db/unit-of-work.js';

export const requestLink = (requestId: string) => `/requests/${requestId}`;

/** Records a case event about a request in the caller's transaction (every request has a unit). */
export function recordRequestEvent(
  em: EntityManager,
  request: ServiceRequest,
  kind: CaseEventKind,
  at: Date,
  actorId: string | null,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  return recordCaseEvent(em, {
    unitId: request.unit.id,
    kind,
    at,
    requestId: request.id,
    planId: request.plan?.id ?? null,
    personId: request.person.id,
    actorId,
    detail,
  });
}

/**
 * Notifies each recipient once (the dedupe key names the occasion), with a link and no content.
 * Nobody is told of what they did themselves.
 */
export async function notifyAbout(
  em: EntityManager,
  input: { recipientIds: readonly string[]; kind: NotificationKind; link: string; occasion: string; exceptId?: string | null },
  now: Date,
): Promise<void> {
  for (const recipientId of new Set(input.recipientIds)) {
    if (recipientId === input.exceptId) continue;
    await enqueueNotification(em, { recipientId, kind: input.kind, link: input.link, dedupeKey: `${input.occasion}:${recipientId}` }, now);
  }
}

/** Notifies every staff member of the request's unit. */
export async function notifyUnitStaff(em: EntityManager, request: ServiceRequest, kind: NotificationKind, occasion: string, now: Date): Promise<void> {
  const recipientIds = await staffIdsOf(withoutTransaction(em), request.unit.id);
  await notifyAbout(em, { recipientIds, kind, link: requestLink(request.id), occasion }, now);
}

/**
 * The written interim notice reaching those it is for (fvl § 11 a): the person, their guardians,
 * and whoever asked on their behalf. The notification says only that a notice is waiting; the
 * reason and the expected date are read on the request after signing in. Each notice is its own
 * occasion, so a second notice (a new date) is announced again.
 */
export async function notifyOfInterimNotice(
  em: EntityManager,
  request: ServiceRequest,
  input: { guardianIds: readonly string[]; sentAt: Date; recordedById: string },
): Promise<void> {
  await notifyAbout(em, {
    recipientIds: [request.person.id, ...input.guardianIds, request.submittedBy.id],
    kind: 'INTERIM_NOTICE_SENT',
    link: requestLink(request.id),
    occasion: `interim-notice-sent:${request.id}:${input.sentAt.toISOString()}`,
    exceptId: input.recordedById,
  }, input.sentAt);
}

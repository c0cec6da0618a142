import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** What a notification says is waiting. Never plan content: only the kind and a link. */
export const NOTIFICATION_KINDS = [
  'REQUEST_RECEIVED',
  'REQUEST_DECIDED',
  'INTERIM_NOTICE',
  'INTERIM_NOTICE_SENT',
  'PLAN_INVITATION',
  'EVALUATION_DUE',
  'CONSENT_EXPIRING',
  'COMPLAINT_STATUS',
  'GUARDIANSHIP_RECORDED',
  'GUARDIANSHIP_REVOKED',
  'GUARDIANSHIP_ENDED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationInput {
  recipientId: string;
  kind: NotificationKind;
  /** Path in the client app, e.g. `/plans/<id>`; no content. */
  link: string;
  /** The same key twice is one notification (a retried transaction, two servers firing). */
  dedupeKey?: string | null;
}

/**
 * Writes a notification to the outbox in the caller's transaction: it exists exactly when the
 * change that caused it committed, and the delivery worker sends it at least once from there.
 */
export async function enqueueNotification(em: EntityManager, input: NotificationInput, now: Date): Promise<void> {
  await em.execute(
    `insert into "notification" ("id", "recipient_id", "kind", "link", "dedupe_key", "next_attempt_at", "created_at")
     values (?, ?, ?, ?, ?, ?, ?) on conflict ("dedupe_key") do nothing`,
    [randomUUID(), input.recipientId, input.kind, input.link, input.dedupeKey ?? null, now, now],
  );
}

import type { MikroORM } from '@mikro-orm/postgresql';

/** The outbox as an operator watches it (docs/operations.md). */
export interface OutboxBacklog {
  /** PENDING notifications: due now, or waiting for their next attempt. */
  pending: number;
  /** PENDING notifications whose next attempt is due now. */
  due: number;
  /** How long the longest-waiting due notification has been due; 0 when none is. */
  oldestDueSeconds: number;
}

/**
 * Reads the outbox's backlog in one statement over the partial index of PENDING rows, for the
 * metrics scrape. Without a delivery configured (no NOTIFY_WEBHOOK_URL) notifications stay PENDING
 * in the in-app inbox, so the figures grow by design there.
 */
export async function outboxBacklog(orm: MikroORM, now: Date): Promise<OutboxBacklog> {
  const [row] = await orm.em.fork().execute<Array<{ pending: string; due: string; oldest_due: Date | null }>>(
    `select count(*) as pending, count(*) filter (where "next_attempt_at" <= ?) as due,
       min("next_attempt_at") filter (where "next_attempt_at" <= ?) as oldest_due
     from "notification" where "status" = 'PENDING'`,
    [now, now],
  );
  const oldestDue = row?.oldest_due ? new Date(row.oldest_due).getTime() : null;
  return {
    pending: Number(row?.pending ?? 0),
    due: Number(row?.due ?? 0),
    oldestDueSeconds: oldestDue === null ? 0 : Math.max(0, (now.getTime() - oldestDue) / 1000),
  };
}

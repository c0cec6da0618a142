import type { MikroORM } from '@mikro-orm/postgresql';
import type { NotificationConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../shared/clock.js';
import { Poller } from '../shared/poller.js';
import { DeliveryError, retryDelayMs, type NotificationDelivery, type OutgoingNotification } from './notification.delivery.js';
import type { NotificationKind } from './notification.outbox.js';

export interface NotificationWorkerOptions extends Pick<NotificationConfig, 'maxAttempts' | 'pollIntervalMs' | 'backoffBaseMs' | 'leaseMs'> {
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  delivery: NotificationDelivery;
  /** Notifications claimed (and sent side by side) per round. @default 10 */
  batchSize?: number;
  /** Source of jitter. @default Math.random */
  random?: () => number;
  /** Told how each attempt ended: sent, to be retried, or given up (src/metrics/). @default none */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

interface ClaimedRow {
  id: string;
  kind: NotificationKind;
  link: string;
  created_at: Date;
  attempts: number;
  recipient_id: string;
  issuer: string;
  subject: string;
}

/** Stored errors are short: they are for operators, and a receiver's text is not ours to keep. */
const MAX_ERROR_LENGTH = 200;

/**
 * Sends the outbox. A round claims due PENDING rows with `FOR UPDATE SKIP LOCKED` and, in the
 * same committed statement, pushes their `next_attempt_at` one lease ahead: no other server takes
 * them meanwhile, and if this one dies mid-delivery they fall due again when the lease runs out.
 * Delivery happens outside any transaction; then the row is marked DELIVERED, or rescheduled with
 * backoff, or FAILED after `maxAttempts`. So every notification is sent at least once.
 */
export class NotificationWorker {
  readonly #stopping = new AbortController();
  readonly #poller: Poller;

  constructor(private readonly options: NotificationWorkerOptions) {
    this.#poller = new Poller(
      () => this.#deliverAll().catch((error: unknown) => {
        this.options.logger.error({ event: 'notification.round_failed', err: error });
        return 0;
      }),
      options.pollIntervalMs,
    );
  }

  start(): void {
    this.#poller.start();
  }

  /** Stops polling and aborts deliveries in flight; their rows are tried again after the lease. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#poller.stop();
  }

  /** Delivers everything due now; resolves with how many were delivered. Runs do not overlap. */
  runDue(): Promise<number> {
    if (this.#stopping.signal.aborted) return Promise.resolve(0);
    return this.#poller.runOnce();
  }

  async #deliverAll(): Promise<number> {
    let delivered = 0;
    while (!this.#stopping.signal.aborted) {
      const claimed = await this.#claim();
      if (!claimed.length) break;
      const outcomes = await Promise.all(claimed.map((row) => this.#deliverOne(row)));
      delivered += outcomes.filter(Boolean).length;
    }
    return delivered;
  }

  async #claim(): Promise<ClaimedRow[]> {
    const now = this.options.clock.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    // One statement is one transaction: the lock, the lease and the commit happen together.
    return this.options.orm.em.fork().execute<ClaimedRow[]>(
      `with due as (
         select "id" from "notification"
         where "status" = 'PENDING' and "next_attempt_at" <= ?
         order by "next_attempt_at" limit ? for update skip locked)
       update "notification" as n set "next_attempt_at" = ?
       from due, "person" as p
       where n."id" = due."id" and p."id" = n."recipient_id"
       returning n."id", n."kind", n."link", n."created_at", n."attempts", n."recipient_id", p."issuer", p."subject"`,
      [now, this.options.batchSize ?? 10, leaseUntil],
    );
  }

  /** Resolves true when delivered. Never rejects: one notification's trouble is its own. */
  async #deliverOne(row: ClaimedRow): Promise<boolean> {
    const attempt = row.attempts + 1;
    const notification: OutgoingNotification = {
      id: row.id,
      kind: row.kind,
      link: row.link,
      recipient: { id: row.recipient_id, issuer: row.issuer, subject: row.subject },
      createdAt: new Date(row.created_at),
      attempt,
    };
    const log = { notificationId: row.id, kind: row.kind, attempt };
    try {
      await this.options.delivery.deliver(notification, this.#stopping.signal);
    } catch (error) {
      // Stopping: leave the lease in place, as a crash would; another start sends it again.
      if (this.#stopping.signal.aborted) {
        this.options.logger.info({ event: 'notification.interrupted', ...log });
        return false;
      }
      await this.#recordFailure(row, attempt, error).catch((failure: unknown) =>
        this.options.logger.error({ event: 'notification.record_failed', ...log, err: failure }),
      );
      return false;
    }
    try {
      await this.options.orm.em.fork().execute(
        `update "notification" set "status" = 'DELIVERED', "delivered_at" = ?, "attempts" = ?, "last_error" = null
         where "id" = ? and "status" = 'PENDING'`,
        [this.options.clock.now(), attempt, row.id],
      );
      this.options.logger.info({ event: 'notification.delivered', ...log });
      this.options.onOutcome?.('delivered');
      return true;
    } catch (error) {
      // Sent but not marked: it is sent again after the lease; receivers de-duplicate on the id.
      this.options.logger.error({ event: 'notification.mark_delivered_failed', ...log, err: error });
      return false;
    }
  }

  async #recordFailure(row: ClaimedRow, attempt: number, error: unknown): Promise<void> {
    // Only our own messages are stored: anything else could carry what we must not keep.
    const reason = (error instanceof DeliveryError ? error.message : 'delivery failed').slice(0, MAX_ERROR_LENGTH);
    const now = this.options.clock.now();
    const log = { notificationId: row.id, kind: row.kind, attempt, reason };
    if (attempt >= this.options.maxAttempts) {
      await this.options.orm.em.fork().execute(
        `update "notification" set "status" = 'FAILED', "attempts" = ?, "last_error" = ? where "id" = ? and "status" = 'PENDING'`,
        [attempt, reason, row.id],
      );
      this.options.logger.error({ event: 'notification.failed', ...log });
      this.options.onOutcome?.('failed');
      return;
    }
    const random = this.options.random ?? Math.random;
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempt, this.options.backoffBaseMs, random()));
    await this.options.orm.em.fork().execute(
      `update "notification" set "attempts" = ?, "last_error" = ?, "next_attempt_at" = ? where "id" = ? and "status" = 'PENDING'`,
      [attempt, reason, nextAttemptAt, row.id],
    );
    this.options.logger.warn({ event: 'notification.retry', ...log, nextAttemptAt: nextAttemptAt.toISOString() });
    this.options.onOutcome?.('retry');
  }
}

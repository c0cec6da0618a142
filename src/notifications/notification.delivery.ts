import type { NotificationKind } from './notification.outbox.js';

/**
 * What leaves Samplan about one notification: ids, the kind and a link, never plan content
 * (docs/domain.md rule 11). The recipient is named by the identity provider's issuer and subject so
 * the receiver can look up how to reach them.
 */
export interface OutgoingNotification {
  id: string;
  kind: NotificationKind;
  /** Path in the client app, e.g. `/plans/<id>`. */
  link: string;
  recipient: { id: string; issuer: string; subject: string };
  createdAt: Date;
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * A way to push notifications out (webhook, an e-mail or SMS gateway). Resolving means the
 * receiver has taken it; rejecting means try again later. Deliveries may repeat (at least once):
 * receivers de-duplicate on `id`.
 */
export interface NotificationDelivery {
  /** `signal` aborts when the server stops; the notification is then tried again after its lease. */
  deliver(notification: OutgoingNotification, signal?: AbortSignal): Promise<void>;
}

/** A delivery failure whose message is safe to log and store: no personal data, no content. */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** The longest wait between two attempts, however many have failed. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * Delay before the next attempt after `failedAttempts` failures: doubling from `baseMs`, capped,
 * with "equal jitter" (half fixed, half random) so servers that failed together spread out.
 * @param random a number in [0, 1), `Math.random` outside tests
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, random: number): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(ceiling / 2 + random * (ceiling / 2));
}

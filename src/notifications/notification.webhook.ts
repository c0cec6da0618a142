import { createHmac } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { DeliveryError, type NotificationDelivery, type OutgoingNotification } from './notification.delivery.js';

export interface WebhookOptions {
  url: string;
  /** Shared with the receiver, at least 32 characters. */
  secret: string;
  /** A delivery that takes longer has failed. @default 10000 (NOTIFY_WEBHOOK_TIMEOUT_MS) */
  timeoutMs: number;
  /** Base URL of the client app; links are made absolute with it. null keeps them relative. */
  publicUrl: string | null;
  clock: Clock;
}

/** The header value receivers check: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** POSTs each notification as JSON to one URL, signed, so receivers know it came from Samplan. */
export class WebhookDelivery implements NotificationDelivery {
  constructor(private readonly options: WebhookOptions) {}

  async deliver(notification: OutgoingNotification, signal?: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      id: notification.id,
      kind: notification.kind,
      link: this.absolute(notification.link),
      recipient: notification.recipient,
      createdAt: notification.createdAt.toISOString(),
    });
    const timestamp = Math.floor(this.options.clock.now().getTime() / 1000);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'samplan-signature': signWebhook(this.options.secret, timestamp, body),
          'samplan-notification-id': notification.id,
        },
        body,
        // A redirect could carry the signed body somewhere nobody configured.
        redirect: 'error',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted) throw new DeliveryError(`webhook timed out after ${this.options.timeoutMs} ms`);
      throw new DeliveryError(`webhook unreachable: ${describe(error)}`);
    }
    // The answer's body is not read (it may say anything); release the connection.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new DeliveryError(`webhook answered HTTP ${response.status}`);
  }

  private absolute(link: string): string {
    return this.options.publicUrl ? `${this.options.publicUrl.replace(/\/+$/, '')}${link}` : link;
  }
}

/** fetch hides the reason (ECONNREFUSED, ...) in `cause`; its code is safe to store, unlike a free text. */
function describe(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}

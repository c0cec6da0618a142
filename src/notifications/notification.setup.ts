import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../shared/clock.js';
import { WebhookDelivery } from './notification.webhook.js';
import { NotificationWorker, type DeliveryOutcome } from './notification.worker.js';

/**
 * The delivery worker the configuration asks for, or null when nothing pushes notifications
 * (no NOTIFY_WEBHOOK_URL): they then wait in the in-app inbox, still PENDING.
 */
export function createNotificationWorker(
  config: Pick<Config, 'notifications' | 'publicUrl'>,
  deps: { orm: MikroORM; clock: Clock; logger: Logger; onOutcome?: (outcome: DeliveryOutcome) => void },
): NotificationWorker | null {
  const { webhook, ...schedule } = config.notifications;
  if (!webhook) return null;
  const delivery = new WebhookDelivery({ ...webhook, publicUrl: config.publicUrl, clock: deps.clock });
  return new NotificationWorker({ ...deps, ...schedule, delivery });
}

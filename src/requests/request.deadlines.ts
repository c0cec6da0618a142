import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import type { Logger } from '../logging/logger.js';
import { ServiceRequest } from './request.entity.js';
import { notifyUnitStaff, recordRequestEvent } from './request.notices.js';

/**
 * The one-month decision deadline of a request (`decision:<requestId>`, set on receipt, resolved
 * by a decision or a withdrawal). When it passes undecided, the unit owes the person a written
 * interim notice: the unit's case feed hears INTERIM_NOTICE_DUE and each staff member is notified.
 * Recording the notice moves the deadline to the date it promised; past that, another is owed.
 */
export function registerRequestDeadlines(scheduler: DeadlineScheduler, logger: Logger): void {
  scheduler.handle('DECISION', {
    onWarn: async (_em, deadline) => {
      logger.info({ event: 'request.decision_due_soon', key: deadline.key, dueAt: deadline.dueAt.toISOString() });
    },
    onDue: async (em, deadline, { now }) => {
      if (!deadline.requestId) return;
      const request = await em.findOne(ServiceRequest, deadline.requestId);
      // Decided or withdrawn: nothing is owed. A notice sent ahead of time covers the month, until
      // the date it promised (recording it moved this deadline there) passes undecided too.
      if (!request || request.status !== 'RECEIVED') return;
      if (request.interimNoticeSentAt && deadline.dueAt.getTime() <= request.decisionDueAt.getTime()) return;
      await recordRequestEvent(em, request, 'INTERIM_NOTICE_DUE', now, null, { dueAt: deadline.dueAt.toISOString() });
      await notifyUnitStaff(em, request, 'INTERIM_NOTICE', `interim-notice-due:${request.id}:${deadline.dueAt.toISOString()}`, now);
    },
  });
}

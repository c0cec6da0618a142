import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import type { Logger } from '../logging/logger.js';
import { ServiceRequest } from './request.entity.js';
import { notifyUnitStaff, recordRequestEvent } from './request.notices.js';

/**
 * The one-month decision deadline of a request (`decision:<requestId>`, set on receipt, resolved
 * by a decision or a withdrawal). When it passes undecided, the unit owes the person a written
 * interim notice: the unit's case feed hears INTERIM_NOTICE_DUE and each staff member is notified.
 * Recording the notice moves the deadline to the end of the date it promised (whether that date
 * falls before or after the month is up): the person was told to expect a decision by then, so
 * when it passes undecided another notice is owed, raised the same way.
 */
export function registerRequestDeadlines(scheduler: DeadlineScheduler, logger: Logger): void {
  scheduler.handle('DECISION', {
    onWarn: async (_em, deadline) => {
      logger.info({ event: 'request.decision_due_soon', key: deadline.key, dueAt: deadline.dueAt.toISOString() });
    },
    onDue: async (em, deadline, { now }) => {
      if (!deadline.requestId) return;
      const request = await em.findOne(ServiceRequest, deadline.requestId);
      // Decided or withdrawn: nothing is owed.
      if (!request || request.status !== 'RECEIVED') return;
      const promised = request.interimNoticeSentAt ? (request.interimNoticeExpectedDate ?? null) : null;
      await recordRequestEvent(em, request, 'INTERIM_NOTICE_DUE', now, null, {
        dueAt: deadline.dueAt.toISOString(),
        // Set when the date a previous notice promised is what has passed.
        expectedDecisionDate: promised,
      });
      await notifyUnitStaff(em, request, 'INTERIM_NOTICE', `interim-notice-due:${request.id}:${deadline.dueAt.toISOString()}`, now);
    },
  });
}

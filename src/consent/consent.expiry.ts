import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import type { EventBus } from '../events/event-bus.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import type { Plan } from '../plans/plan.entity.js';
import { markAccessChanged, ownerParticipantId, participantsInRole, planById } from '../plans/plan.records.js';
import { unitOfWorkIn, type UnitOfWork } from '../db/unit-of-work.js';
import { Consent, isCurrent } from './consent.entity.js';
import { expireConsentRow, tellUnit } from './consent.records.js';

const consentIdOf = (key: string) => (key.startsWith('consent:') ? key.slice('consent:'.length) : null);

/**
 * Registers what happens as a consent's end comes near (the unit is told, the person and their
 * guardians are notified) and when it comes (the consent is recorded as expired and open
 * connections are re-checked). Access itself already ends by the clock; this makes it visible.
 */
export function registerConsentExpiry(scheduler: DeadlineScheduler, events: EventBus): void {
  scheduler.handle('CONSENT_EXPIRY', {
    async onWarn(em, deadline, { now }) {
      const consentId = consentIdOf(deadline.key);
      const consent = consentId ? await em.findOne(Consent, consentId) : null;
      if (!consent || !isCurrent(consent, now)) return;
      const uow = unitOfWorkIn(em);
      const plan = await planById(uow, consent.plan.id);
      if (!plan) return;
      await tellUnit(uow, plan, consent, 'CONSENT_EXPIRING', null, now);
      for (const recipientId of await consentersOf(uow, plan)) {
        await enqueueNotification(em, { recipientId, kind: 'CONSENT_EXPIRING', link: `/plans/${plan.id}`, dedupeKey: expiringKey(consent, recipientId) }, now);
      }
    },
    async onDue(em, deadline, { now, afterCommit }) {
      const consentId = consentIdOf(deadline.key);
      const uow = unitOfWorkIn(em);
      const consent = consentId ? await expireConsentRow(uow, consentId, now) : null;
      if (!consent) return;
      const plan = await planById(uow, consent.plan.id);
      if (!plan) return;
      markAccessChanged(uow, plan, now);
      await em.flush();
      const event = {
        planId: plan.id,
        change: 'CONSENT_EXPIRED' as const,
        participantId: consent.participant?.id ?? (await ownerParticipantId(uow, plan.id)),
        planVersion: plan.version,
      };
      afterCommit(() => events.publish('participantsChanged', event));
    },
  });
}

/** One notice per participant (or the plan) and end date: their consents usually end together. */
const expiringKey = (consent: Consent, recipientId: string) =>
  `consent-expiring:${consent.participant?.id ?? consent.plan.id}:${consent.validUntil?.toISOString() ?? ''}:${recipientId}`;

/** The person and their guardians in the plan: those who consent, and so renew. */
async function consentersOf(uow: UnitOfWork, plan: Plan): Promise<string[]> {
  const guardians = await participantsInRole(uow, plan.id, 'GUARDIAN');
  return [plan.owner.id, ...guardians.map((guardian) => guardian.person.id)];
}

import { recordCaseEvent, type CaseEventKind } from '../casework/case-event.js';
import { resolveDeadline, setDeadline } from '../casework/deadline.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import type { Plan } from '../plans/plan.entity.js';
import { awaitConsentAgain as planAwaitsConsent, planById } from '../plans/plan.records.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { daysBefore } from '../shared/dates.js';
import { Consent, isCurrent, type ConsentScope } from './consent.entity.js';

/** How long before a consent runs out its owner (and guardians) are told. */
export const CONSENT_WARNING_DAYS = 14;

/** The deadline that ends a consent at its `validUntil`. */
export const consentDeadlineKey = (consentId: string) => `consent:${consentId}`;

export interface NewConsent {
  plan: Plan;
  /** Null for the plan's own consent (scope PLAN). */
  participant: { id: string; personId: string } | null;
  scope: ConsentScope;
  givenById: string;
  validUntil: Date | null;
}

/**
 * Records a consent in the caller's transaction: replaces a current one of the same scope for the
 * same participant (a renewal), arms its expiry, and tells the plan's unit. Returns the new row.
 */
export async function recordConsent(uow: UnitOfWork, input: NewConsent, now: Date): Promise<Consent> {
  const { em } = uow;
  const participantId = input.participant?.id ?? null;
  const replaced = await em.find(Consent, { plan: input.plan.id, participant: participantId, scope: input.scope, withdrawnAt: null, expiredAt: null });
  for (const old of replaced) {
    em.assign(old, { withdrawnAt: now, withdrawnBy: input.givenById });
    await resolveDeadline(em, consentDeadlineKey(old.id), now);
  }
  const consent = em.create(Consent, {
    plan: input.plan.id,
    participant: participantId,
    person: input.participant?.personId ?? input.plan.owner.id,
    scope: input.scope,
    givenBy: input.givenById,
    givenAt: now,
    validUntil: input.validUntil,
  });
  // The consent and anything persisted with it exist before the raw inserts below refer to the plan.
  await em.flush();
  if (input.validUntil) {
    const warnAt = daysBefore(input.validUntil, CONSENT_WARNING_DAYS);
    await setDeadline(
      em,
      {
        key: consentDeadlineKey(consent.id),
        kind: 'CONSENT_EXPIRY',
        unitId: input.plan.unit?.id ?? null,
        planId: input.plan.id,
        personId: input.plan.owner.id,
        dueAt: input.validUntil,
        warnAt: warnAt > now ? warnAt : null,
      },
      now,
    );
  }
  if (input.scope === 'PARTICIPATE' && input.participant) {
    // Someone takes part from their consent on, not from being named: only now are they invited.
    // The key makes a renewed consent no second invitation.
    const invitation = { recipientId: input.participant.personId, kind: 'PLAN_INVITATION', link: `/plans/${input.plan.id}`, dedupeKey: `invite:${input.participant.id}` } as const;
    await enqueueNotification(em, invitation, now);
  }
  await tellUnit(uow, input.plan, consent, 'CONSENT_GIVEN', input.givenById, now);
  return consent;
}

/** Withdraws a consent (and, with participation, the participant's access to content) in the caller's transaction. */
export async function withdrawConsentRow(uow: UnitOfWork, consent: Consent, byId: string, now: Date): Promise<void> {
  const { em } = uow;
  const withdrawn = [consent];
  if (consent.scope === 'PARTICIPATE' && consent.participant) {
    // Who no longer takes part sees no content either, and regains it only by a new consent.
    withdrawn.push(...(await em.find(Consent, { participant: consent.participant.id, scope: 'CONFIDENTIAL_INFORMATION', withdrawnAt: null, expiredAt: null })));
  }
  for (const row of withdrawn) {
    em.assign(row, { withdrawnAt: now, withdrawnBy: byId });
    await resolveDeadline(em, consentDeadlineKey(row.id), now);
  }
  const plan = await planOf(uow, consent);
  await em.flush();
  if (consent.scope === 'PLAN') await awaitConsentAgain(uow, plan, now);
  await tellUnit(uow, plan, consent, 'CONSENT_WITHDRAWN', byId, now);
}

/** Records that a consent ran out, if it still stands; returns whether it did. */
export async function expireConsentRow(uow: UnitOfWork, consentId: string, now: Date): Promise<Consent | null> {
  const { em } = uow;
  const consent = await em.findOne(Consent, consentId);
  if (!consent || consent.withdrawnAt || consent.expiredAt || !consent.validUntil || consent.validUntil > now) return null;
  consent.expiredAt = now;
  const plan = await planOf(uow, consent);
  await em.flush();
  if (consent.scope === 'PLAN') await awaitConsentAgain(uow, plan, now);
  await tellUnit(uow, plan, consent, 'CONSENT_EXPIRED', null, now);
  return consent;
}

/** Tells the plan's coordinating unit (if it has one) about a consent, without content. */
export async function tellUnit(uow: UnitOfWork, plan: Plan, consent: Consent, kind: CaseEventKind, actorId: string | null, at: Date): Promise<void> {
  if (!plan.unit) return;
  await recordCaseEvent(uow.em, {
    unitId: plan.unit.id,
    kind,
    at,
    planId: plan.id,
    personId: plan.owner.id,
    actorId,
    detail: { consentId: consent.id, scope: consent.scope, participantId: consent.participant?.id ?? null, validUntil: consent.validUntil?.toISOString() ?? null },
  });
}

/** Without a standing consent to the plan, it waits for the person's consent again. */
async function awaitConsentAgain(uow: UnitOfWork, plan: Plan, now: Date): Promise<void> {
  const standing = await uow.em.find(Consent, { plan: plan.id, scope: 'PLAN', withdrawnAt: null, expiredAt: null });
  if (standing.some((consent) => isCurrent(consent, now))) return;
  planAwaitsConsent(uow, plan, now);
  await uow.em.flush();
}

/** The consent's plan, through the plans module, in the caller's transaction. */
async function planOf(uow: UnitOfWork, consent: Consent): Promise<Plan> {
  const plan = await planById(uow, consent.plan.id);
  if (!plan) throw new Error(`consent ${consent.id}: its plan ${consent.plan.id} is gone`);
  return plan;
}


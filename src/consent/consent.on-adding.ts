import type { UnitOfWork } from '../db/unit-of-work.js';
import { badInput } from '../errors/error-codes.js';
import type { Plan } from '../plans/plan.entity.js';
import { recordConsent } from './consent.records.js';

/** What the person (or guardian) consents to as they add a participant. */
export interface ConsentOnAddingInput {
  /** Let the participant see confidential information (the content). @default true */
  confidentialInformation?: boolean | null;
  /** When the consent ends. @default the participant's `activeTo` */
  validUntil?: Date | null;
}

/** Refuses consent terms that cannot stand, before anything is written. */
export function checkConsentOnAdding(input: ConsentOnAddingInput | null | undefined, byConsenter: boolean, now: Date): void {
  if (!input) return;
  if (!byConsenter) throw badInput('Only the person or their guardian consents; leave out consent, and the participant waits for theirs');
  if (input.validUntil && input.validUntil <= now) throw badInput('consent.validUntil must be in the future');
}

/**
 * When the person or their guardian adds a participant, adding them is the consent: to take part
 * and (unless they say otherwise) to see the content, until the participant's end date. Anyone
 * else's invitation waits for the person's consent (`giveConsent`).
 */
export async function recordConsentOnAdding(
  uow: UnitOfWork,
  input: {
    plan: Plan;
    participant: { id: string; personId: string };
    byConsenter: boolean;
    givenById: string;
    consent?: ConsentOnAddingInput | null;
    activeTo: Date | null;
  },
  now: Date,
): Promise<void> {
  if (!input.byConsenter) return;
  const given = { plan: input.plan, participant: input.participant, givenById: input.givenById, validUntil: input.consent?.validUntil ?? input.activeTo };
  await recordConsent(uow, { ...given, scope: 'PARTICIPATE' }, now);
  if (input.consent?.confidentialInformation !== false) await recordConsent(uow, { ...given, scope: 'CONFIDENTIAL_INFORMATION' }, now);
}

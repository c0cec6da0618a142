import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
import { Person } from '../people/person.entity.js';
import { Participant, Plan } from '../plans/plan.entity.js';

/**
 * What a consent covers (docs/domain.md rules 2 and h).
 * - PLAN: the person's consent to making the plan, and to a coordinator.
 * - PARTICIPATE: this participant takes part (sees the plan's metadata and participants, is notified).
 * - CONFIDENTIAL_INFORMATION: this participant may see the plan's content.
 */
export const CONSENT_SCOPES = ['PLAN', 'PARTICIPATE', 'CONFIDENTIAL_INFORMATION'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** One consent, as given; never deleted: withdrawal and expiry are dated. */
export const Consent = defineEntity({
  name: 'Consent',
  tableName: 'consent',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    /** Whose access this is; null for the plan's own consent (scope PLAN). */
    participant: startsNull(p.manyToOne(Participant).ref().nullable().deleteRule('cascade')),
    /** The person whose access it is (for PLAN, the owner). */
    person: p.manyToOne(Person).ref(),
    scope: p.text().$type<ConsentScope>(),
    givenBy: p.manyToOne(Person).ref(),
    givenAt: p.type('datetime'),
    validUntil: startsNull(p.type('datetime').nullable()),
    withdrawnAt: startsNull(p.type('datetime').nullable()),
    withdrawnBy: startsNull(p.manyToOne(Person).ref().nullable()),
    expiredAt: startsNull(p.type('datetime').nullable()),
  },
});
export type Consent = InferEntity<typeof Consent>;

/** Given, not withdrawn or expired, and not past its end at `now`. */
export function isCurrent(consent: Consent, now: Date): boolean {
  return (
    !consent.withdrawnAt && !consent.expiredAt && consent.givenAt <= now && (!consent.validUntil || consent.validUntil > now)
  );
}

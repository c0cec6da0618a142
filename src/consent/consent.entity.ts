import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from '../people/person.entity.js';
import { Participant, Plan } from '../plans/plan.entity.js';

/**
 * What a consent covers (DOMAIN.md rules 2 and h).
 * - PLAN: the person's consent to making the plan, and to a coordinator.
 * - PARTICIPATE: this participant takes part (sees the plan's metadata and participants, is notified).
 * - CONFIDENTIAL_INFORMATION: this participant may see the plan's content.
 */
export const CONSENT_SCOPES = ['PLAN', 'PARTICIPATE', 'CONFIDENTIAL_INFORMATION'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** One consent, as given; never deleted: withdrawal and expiry are dated. */
export class Consent {
  id: string = randomUUID();
  plan: Ref<Plan>;
  /** Whose access this is; null for the plan's own consent (scope PLAN). */
  participant: Ref<Participant> | null;
  /** The person whose access it is (for PLAN, the owner). */
  person: Ref<Person>;
  scope: ConsentScope;
  givenBy: Ref<Person>;
  givenAt: Date;
  validUntil: Date | null;
  withdrawnAt: Date | null = null;
  withdrawnBy: Ref<Person> | null = null;
  expiredAt: Date | null = null;

  constructor(init: {
    plan: Ref<Plan>;
    participant: Ref<Participant> | null;
    person: Ref<Person>;
    scope: ConsentScope;
    givenBy: Ref<Person>;
    givenAt: Date;
    validUntil?: Date | null;
  }) {
    this.plan = init.plan;
    this.participant = init.participant;
    this.person = init.person;
    this.scope = init.scope;
    this.givenBy = init.givenBy;
    this.givenAt = init.givenAt;
    this.validUntil = init.validUntil ?? null;
  }
}

/** Given, not withdrawn or expired, and not past its end at `now`. */
export function isCurrent(consent: Consent, now: Date): boolean {
  return (
    !consent.withdrawnAt && !consent.expiredAt && consent.givenAt <= now && (consent.validUntil === null || consent.validUntil > now)
  );
}

export const ConsentSchema = new EntitySchema<Consent>({
  class: Consent,
  tableName: 'consent',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    participant: { kind: 'm:1', entity: () => Participant, ref: true, nullable: true, deleteRule: 'cascade' },
    person: { kind: 'm:1', entity: () => Person, ref: true },
    scope: { type: 'text' },
    givenBy: { kind: 'm:1', entity: () => Person, ref: true },
    givenAt: { type: 'datetime' },
    validUntil: { type: 'datetime', nullable: true },
    withdrawnAt: { type: 'datetime', nullable: true },
    withdrawnBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    expiredAt: { type: 'datetime', nullable: true },
  },
});

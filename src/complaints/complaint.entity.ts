import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Organization } from '../organizations/organization.entity.js';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { ServiceRequest } from '../requests/request.entity.js';

export const COMPLAINT_ABOUT = ['REFUSAL', 'MISSING_CONTENT', 'INACTIVE_PLAN', 'LACK_OF_PARTICIPATION'] as const;
export type ComplaintAbout = (typeof COMPLAINT_ABOUT)[number];
export const COMPLAINT_STATUSES = ['RECEIVED', 'FORWARDED', 'UPHELD', 'NOT_UPHELD', 'WITHDRAWN'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
/** A complaint is open until the county governor has decided it or the complainant withdraws it. */
export const OPEN_COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['RECEIVED', 'FORWARDED'];

/**
 * A complaint (klage) about a refused request, or that a plan lacks content, activity or
 * participation. The unit that decided forwards it to the county governor, who decides it.
 */
export class Complaint {
  id: string = randomUUID();
  unit: Ref<Organization>;
  plan: Ref<Plan> | null;
  request: Ref<ServiceRequest> | null;
  /** On whose behalf. */
  person: Ref<Person>;
  filedBy: Ref<Person>;
  powerOfAttorney: string | null;
  about: ComplaintAbout;
  text: string;
  status: ComplaintStatus = 'RECEIVED';
  filedAt: Date;
  /** Sent to the county governor via the deciding unit. */
  forwardedAt: Date | null = null;
  decidedAt: Date | null = null;
  updatedAt: Date;

  constructor(init: {
    unit: Ref<Organization>;
    plan: Ref<Plan> | null;
    request: Ref<ServiceRequest> | null;
    person: Ref<Person>;
    filedBy: Ref<Person>;
    powerOfAttorney: string | null;
    about: ComplaintAbout;
    text: string;
    filedAt: Date;
  }) {
    this.unit = init.unit;
    this.plan = init.plan;
    this.request = init.request;
    this.person = init.person;
    this.filedBy = init.filedBy;
    this.powerOfAttorney = init.powerOfAttorney;
    this.about = init.about;
    this.text = init.text;
    this.filedAt = init.filedAt;
    this.updatedAt = init.filedAt;
  }
}

export const ComplaintSchema = new EntitySchema<Complaint>({
  class: Complaint,
  tableName: 'complaint',
  properties: {
    id: { type: 'uuid', primary: true },
    unit: { kind: 'm:1', entity: () => Organization, ref: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, nullable: true },
    request: { kind: 'm:1', entity: () => ServiceRequest, ref: true, nullable: true },
    person: { kind: 'm:1', entity: () => Person, ref: true },
    filedBy: { kind: 'm:1', entity: () => Person, ref: true },
    powerOfAttorney: { type: 'text', nullable: true },
    about: { type: 'text' },
    text: { type: 'text' },
    status: { type: 'text' },
    filedAt: { type: 'datetime' },
    forwardedAt: { type: 'datetime', nullable: true },
    decidedAt: { type: 'datetime', nullable: true },
    updatedAt: { type: 'datetime' },
  },
});

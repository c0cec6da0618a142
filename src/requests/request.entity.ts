import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Organization } from '../organizations/organization.entity.js';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import type { RequestSource } from '../policy/policy.js';

export const REQUEST_SOURCES = ['PERSON', 'RELATIVE', 'GUARDIAN', 'HEALTH_PERSONNEL'] as const satisfies readonly RequestSource[];
export const REQUEST_WANTS = ['PLAN_AND_COORDINATOR', 'COORDINATOR_ONLY', 'CHILD_COORDINATOR'] as const;
export type RequestWants = (typeof REQUEST_WANTS)[number];
export const REQUEST_STATUSES = ['RECEIVED', 'GRANTED', 'REFUSED', 'WITHDRAWN'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * A request for a plan and/or a coordinator (henvendelse, søknad, or health personnel's notice of
 * need), received by the coordinating unit of the person's municipality and decided there.
 */
export class ServiceRequest {
  id: string = randomUUID();
  unit: Ref<Organization>;
  /** Whom the request is for. */
  person: Ref<Person>;
  submittedBy: Ref<Person>;
  source: RequestSource;
  /** How a relative who is not the legal representative may act for the person. */
  powerOfAttorney: string | null;
  wants: RequestWants;
  /** `YYYY-MM-DD`; only for a child coordinator. */
  childBirthDate: string | null;
  /** Title for the plan a grant opens; null for the default. */
  title: string | null;
  status: RequestStatus = 'RECEIVED';
  receivedAt: Date;
  /** One calendar month after receipt. */
  decisionDueAt: Date;
  decidedAt: Date | null = null;
  decidedBy: Ref<Person> | null = null;
  decisionReason: string | null = null;
  interimNoticeSentAt: Date | null = null;
  interimNoticeReason: string | null = null;
  /** `YYYY-MM-DD`. */
  interimNoticeExpectedDate: string | null = null;
  interimNoticeRecordedBy: Ref<Person> | null = null;
  /** The plan the grant opened. */
  plan: Ref<Plan> | null = null;
  createdAt: Date;
  updatedAt: Date;

  constructor(init: {
    unit: Ref<Organization>;
    person: Ref<Person>;
    submittedBy: Ref<Person>;
    source: RequestSource;
    powerOfAttorney: string | null;
    wants: RequestWants;
    childBirthDate: string | null;
    title: string | null;
    receivedAt: Date;
    decisionDueAt: Date;
  }) {
    this.unit = init.unit;
    this.person = init.person;
    this.submittedBy = init.submittedBy;
    this.source = init.source;
    this.powerOfAttorney = init.powerOfAttorney;
    this.wants = init.wants;
    this.childBirthDate = init.childBirthDate;
    this.title = init.title;
    this.receivedAt = init.receivedAt;
    this.decisionDueAt = init.decisionDueAt;
    this.createdAt = init.receivedAt;
    this.updatedAt = init.receivedAt;
  }
}

export const ServiceRequestSchema = new EntitySchema<ServiceRequest>({
  class: ServiceRequest,
  tableName: 'service_request',
  properties: {
    id: { type: 'uuid', primary: true },
    unit: { kind: 'm:1', entity: () => Organization, ref: true },
    person: { kind: 'm:1', entity: () => Person, ref: true },
    submittedBy: { kind: 'm:1', entity: () => Person, ref: true },
    source: { type: 'text' },
    powerOfAttorney: { type: 'text', nullable: true },
    wants: { type: 'text' },
    childBirthDate: { type: 'date', nullable: true },
    title: { type: 'text', nullable: true },
    status: { type: 'text' },
    receivedAt: { type: 'datetime' },
    decisionDueAt: { type: 'datetime' },
    decidedAt: { type: 'datetime', nullable: true },
    decidedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    decisionReason: { type: 'text', nullable: true },
    interimNoticeSentAt: { type: 'datetime', nullable: true },
    interimNoticeReason: { type: 'text', nullable: true },
    interimNoticeExpectedDate: { type: 'date', nullable: true },
    interimNoticeRecordedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});

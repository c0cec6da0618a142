import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
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
 * `createdAt` and `updatedAt` start as `receivedAt`.
 */
export const ServiceRequest = defineEntity({
  name: 'ServiceRequest',
  tableName: 'service_request',
  properties: {
    id: uuidPrimaryKey(),
    unit: p.manyToOne(Organization).ref(),
    /** Whom the request is for. */
    person: p.manyToOne(Person).ref(),
    submittedBy: p.manyToOne(Person).ref(),
    source: p.text().$type<RequestSource>(),
    /** How a relative who is not the legal representative may act for the person. */
    powerOfAttorney: startsNull(p.text().nullable()),
    wants: p.text().$type<RequestWants>(),
    /** `YYYY-MM-DD`; only for a child coordinator. */
    childBirthDate: startsNull(p.date().nullable()),
    /** Title for the plan a grant opens; null for the default. */
    title: startsNull(p.text().nullable()),
    status: p.text().$type<RequestStatus>().onCreate(() => 'RECEIVED'),
    receivedAt: p.type('datetime'),
    /** One calendar month after receipt. */
    decisionDueAt: p.type('datetime'),
    decidedAt: startsNull(p.type('datetime').nullable()),
    decidedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    decisionReason: startsNull(p.text().nullable()),
    interimNoticeSentAt: startsNull(p.type('datetime').nullable()),
    interimNoticeReason: startsNull(p.text().nullable()),
    /** `YYYY-MM-DD`. */
    interimNoticeExpectedDate: startsNull(p.date().nullable()),
    interimNoticeRecordedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    /** The plan the grant opened. */
    plan: startsNull(p.manyToOne(Plan).ref().nullable()),
    createdAt: p.type('datetime'),
    updatedAt: p.type('datetime'),
  },
});
export type ServiceRequest = InferEntity<typeof ServiceRequest>;

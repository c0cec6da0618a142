import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
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
 * `updatedAt` starts as `filedAt`.
 */
export const Complaint = defineEntity({
  name: 'Complaint',
  tableName: 'complaint',
  properties: {
    id: uuidPrimaryKey(),
    unit: p.manyToOne(Organization).ref(),
    plan: startsNull(p.manyToOne(Plan).ref().nullable()),
    request: startsNull(p.manyToOne(ServiceRequest).ref().nullable()),
    /** On whose behalf. */
    person: p.manyToOne(Person).ref(),
    filedBy: p.manyToOne(Person).ref(),
    powerOfAttorney: startsNull(p.text().nullable()),
    about: p.text().$type<ComplaintAbout>(),
    text: p.text(),
    status: p.text().$type<ComplaintStatus>().onCreate(() => 'RECEIVED'),
    filedAt: p.type('datetime'),
    /** Sent to the county governor via the deciding unit. */
    forwardedAt: startsNull(p.type('datetime').nullable()),
    decidedAt: startsNull(p.type('datetime').nullable()),
    updatedAt: p.type('datetime'),
  },
});
export type Complaint = InferEntity<typeof Complaint>;

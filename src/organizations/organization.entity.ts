import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdNow, startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
import { Person } from '../people/person.entity.js';

export const ORGANIZATION_KINDS = [
  'COORDINATING_UNIT',
  'HOME_CARE',
  'PHYSIOTHERAPY',
  'SCHOOL',
  'NAV',
  'HOSPITAL_WARD',
  'GENERAL_PRACTITIONER',
  'OTHER',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const MEMBERSHIP_ROLES = ['STAFF', 'UNIT_LEAD'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** A service unit: home care, a school, NAV, a hospital ward, or the municipality's coordinating unit. */
export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organization',
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    kind: p.text().$type<OrganizationKind>(),
    /** Municipality number (kommunenummer) the unit belongs to, when it belongs to one. */
    municipality: startsNull(p.text().nullable()),
    createdAt: createdNow(),
  },
});
export type Organization = InferEntity<typeof Organization>;

/** Staff belong to organizations; unit leads may manage their unit's staff. */
export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'membership',
  uniques: [{ name: 'membership_organization_person_unique', properties: ['organization', 'person'] }],
  properties: {
    id: uuidPrimaryKey(),
    organization: p.manyToOne(Organization).ref().deleteRule('cascade'),
    person: p.manyToOne(Person).ref().deleteRule('cascade'),
    role: p.text().$type<MembershipRole>(),
    createdAt: createdNow(),
  },
});
export type Membership = InferEntity<typeof Membership>;

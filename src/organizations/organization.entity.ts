import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
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
export class Organization {
  id: string = randomUUID();
  name: string;
  kind: OrganizationKind;
  /** Municipality number (kommunenummer) the unit belongs to, when it belongs to one. */
  municipality: string | null;
  createdAt: Date = new Date();

  constructor(init: { name: string; kind: OrganizationKind; municipality?: string | null }) {
    this.name = init.name;
    this.kind = init.kind;
    this.municipality = init.municipality ?? null;
  }
}

/** Staff belong to organizations; unit leads may manage their unit's staff. */
export class Membership {
  id: string = randomUUID();
  organization: Ref<Organization>;
  person: Ref<Person>;
  role: MembershipRole;
  createdAt: Date = new Date();

  constructor(init: { organization: Ref<Organization>; person: Ref<Person>; role: MembershipRole }) {
    this.organization = init.organization;
    this.person = init.person;
    this.role = init.role;
  }
}

export const OrganizationSchema = new EntitySchema<Organization>({
  class: Organization,
  tableName: 'organization',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    kind: { type: 'text' },
    municipality: { type: 'text', nullable: true },
    createdAt: { type: 'datetime' },
  },
});

export const MembershipSchema = new EntitySchema<Membership>({
  class: Membership,
  tableName: 'membership',
  uniques: [{ name: 'membership_organization_person_unique', properties: ['organization', 'person'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    organization: { kind: 'm:1', entity: () => Organization, ref: true, deleteRule: 'cascade' },
    person: { kind: 'm:1', entity: () => Person, ref: true, deleteRule: 'cascade' },
    role: { type: 'text' },
    createdAt: { type: 'datetime' },
  },
});

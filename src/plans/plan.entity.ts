import { randomUUID } from 'node:crypto';
import { Collection, EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from '../people/person.entity.js';
import { Organization } from '../organizations/organization.entity.js';

export const PLAN_STATUSES = ['REQUESTED', 'ACTIVE', 'ENDED'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A full plan, a coordinator without a plan (the person declined one: no document edits), or a child coordinator. */
export const PLAN_KINDS = ['PLAN', 'COORDINATOR_ONLY', 'CHILD_COORDINATOR'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const PARTICIPANT_ROLES = ['OWNER', 'GUARDIAN', 'RELATIVE', 'PROVIDER', 'COORDINATOR'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** The person's one individual plan. */
export class Plan {
  id: string = randomUUID();
  /** The person the plan is for. */
  owner: Ref<Person>;
  title: string;
  status: PlanStatus = 'ACTIVE';
  kind: PlanKind = 'PLAN';
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  endedAt: Date | null = null;
  endedBy: Ref<Person> | null = null;
  endReason: string | null = null;
  /** The coordinating unit that oversees the plan; null for a plan a person made on their own. */
  unit: Ref<Organization> | null = null;
  /** When the final archive record was made. */
  archivedAt: Date | null = null;
  /** Optimistic lock: bumped on every change of the plan or its participants. */
  version = 1;
  participants: Collection<Participant> = new Collection<Participant>(this);

  constructor(init: { owner: Ref<Person>; title: string }) {
    this.owner = init.owner;
    this.title = init.title;
  }
}

/** Someone taking part in a plan, in one role, for a period. Rows are never deleted: removal is dated. */
export class Participant {
  id: string = randomUUID();
  plan: Ref<Plan>;
  person: Ref<Person>;
  role: ParticipantRole;
  /** The unit a provider or coordinator acts for. */
  organization: Ref<Organization> | null;
  activeFrom: Date;
  /** When access ends by itself (e.g. the consent's end date); null means open-ended. */
  activeTo: Date | null;
  removedAt: Date | null = null;
  addedBy: Ref<Person> | null;
  createdAt: Date = new Date();

  constructor(init: {
    plan: Ref<Plan>;
    person: Ref<Person>;
    role: ParticipantRole;
    organization?: Ref<Organization> | null;
    activeFrom?: Date;
    activeTo?: Date | null;
    addedBy?: Ref<Person> | null;
  }) {
    this.plan = init.plan;
    this.person = init.person;
    this.role = init.role;
    this.organization = init.organization ?? null;
    this.activeFrom = init.activeFrom ?? new Date();
    this.activeTo = init.activeTo ?? null;
    this.addedBy = init.addedBy ?? null;
  }
}

export const PlanSchema = new EntitySchema<Plan>({
  class: Plan,
  tableName: 'plan',
  properties: {
    id: { type: 'uuid', primary: true },
    owner: { kind: 'm:1', entity: () => Person, ref: true },
    title: { type: 'text' },
    status: { type: 'text' },
    kind: { type: 'text', default: 'PLAN' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    endedAt: { type: 'datetime', nullable: true },
    endedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    endReason: { type: 'text', nullable: true },
    unit: { kind: 'm:1', entity: () => Organization, ref: true, nullable: true },
    archivedAt: { type: 'datetime', nullable: true },
    version: { type: 'integer', version: true },
    participants: { kind: '1:m', entity: () => Participant, mappedBy: 'plan' },
  },
});

export const ParticipantSchema = new EntitySchema<Participant>({
  class: Participant,
  tableName: 'participant',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    person: { kind: 'm:1', entity: () => Person, ref: true },
    role: { type: 'text' },
    organization: { kind: 'm:1', entity: () => Organization, ref: true, nullable: true },
    activeFrom: { type: 'datetime' },
    activeTo: { type: 'datetime', nullable: true },
    removedAt: { type: 'datetime', nullable: true },
    addedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    createdAt: { type: 'datetime' },
  },
});

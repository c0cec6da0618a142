import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdNow, startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
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
export const Plan = defineEntity({
  name: 'Plan',
  tableName: 'plan',
  properties: {
    id: uuidPrimaryKey(),
    /** The person the plan is for. */
    owner: p.manyToOne(Person).ref(),
    title: p.text(),
    status: p.text().$type<PlanStatus>().onCreate(() => 'ACTIVE'),
    kind: p.text().$type<PlanKind>().default('PLAN').onCreate(() => 'PLAN'),
    createdAt: createdNow(),
    updatedAt: p.type('datetime').onCreate(() => new Date()).onUpdate(() => new Date()),
    endedAt: startsNull(p.type('datetime').nullable()),
    endedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    endReason: startsNull(p.text().nullable()),
    /** The coordinating unit that oversees the plan; null for a plan a person made on their own. */
    unit: startsNull(p.manyToOne(Organization).ref().nullable()),
    /** When the final archive record was made. */
    archivedAt: startsNull(p.type('datetime').nullable()),
    /** Optimistic lock: bumped on every change of the plan or its participants. */
    version: p.integer().version().onCreate(() => 1),
    participants: () => p.oneToMany(Participant).mappedBy('plan'),
  },
});
export type Plan = InferEntity<typeof Plan>;

/** Someone taking part in a plan, in one role, for a period. Rows are never deleted: removal is dated. */
export const Participant = defineEntity({
  name: 'Participant',
  tableName: 'participant',
  properties: {
    id: uuidPrimaryKey(),
    plan: () => p.manyToOne(Plan).ref().deleteRule('cascade'),
    person: p.manyToOne(Person).ref(),
    role: p.text().$type<ParticipantRole>(),
    /** The unit a provider or coordinator acts for. */
    organization: startsNull(p.manyToOne(Organization).ref().nullable()),
    /** From when the participant has access: the moment of `em.create`, unless given. */
    activeFrom: p.type('datetime').onCreate(() => new Date()),
    /** When access ends by itself (e.g. the consent's end date); null means open-ended. */
    activeTo: startsNull(p.type('datetime').nullable()),
    removedAt: startsNull(p.type('datetime').nullable()),
    addedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    createdAt: createdNow(),
  },
});
export type Participant = InferEntity<typeof Participant>;

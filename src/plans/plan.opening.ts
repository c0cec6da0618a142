import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent } from '../casework/case-event.js';
import { Organization } from '../organizations/organization.entity.js';
import { Person } from '../people/person.entity.js';
import { Participant, Plan, type ParticipantRole, type PlanKind } from './plan.entity.js';

/** Tells the plan's coordinating unit, in the same transaction, that someone became its coordinator. */
export async function recordCoordinatorAppointed(em: EntityManager, plan: Plan, role: ParticipantRole, personId: string, actorId: string, at: Date) {
  if (role !== 'COORDINATOR' || !plan.unit) return;
  await recordCaseEvent(em, { unitId: plan.unit.id, kind: 'COORDINATOR_APPOINTED', at, planId: plan.id, personId: plan.owner.id, actorId, detail: { coordinatorId: personId } });
}

/**
 * Opens the plan a granted request asks for, in the caller's transaction: the person owns it, the
 * unit oversees it, and it waits in REQUESTED for the person's consent. The decider does not take
 * part. Returns null when the person already has a plan that has not ended (one plan per person).
 */
export async function openRequestedPlan(
  em: EntityManager,
  input: { ownerId: string; unitId: string; title: string; kind: PlanKind; addedById: string; now: Date },
): Promise<Plan | null> {
  if (await em.count(Plan, { owner: input.ownerId, status: { $ne: 'ENDED' } })) return null;
  const plan = new Plan({ owner: em.getReference(Person, input.ownerId, { wrapped: true }), title: input.title });
  Object.assign(plan, { status: 'REQUESTED', kind: input.kind, unit: em.getReference(Organization, input.unitId, { wrapped: true }), createdAt: input.now, updatedAt: input.now });
  em.persist(plan);
  em.persist(
    new Participant({
      plan: em.getReference(Plan, plan.id, { wrapped: true }),
      person: em.getReference(Person, input.ownerId, { wrapped: true }),
      role: 'OWNER',
      activeFrom: input.now,
      addedBy: em.getReference(Person, input.addedById, { wrapped: true }),
    }),
  );
  await em.flush();
  return plan;
}

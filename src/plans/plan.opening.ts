import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent } from '../casework/case-event.js';
import { moveOpenDeadlinesToUnit } from '../casework/deadline.js';
import { withoutTransaction, unitOfWorkIn, type UnitOfWork } from '../db/unit-of-work.js';
import { coordinatingUnitIdOf, unitById } from '../organizations/organization.directory.js';
import { Participant, Plan, type ParticipantRole, type PlanKind } from './plan.entity.js';
import type { ParticipantsChangedEvent } from './plan.events.js';

/*
 * How a plan comes to be overseen and who takes part from the start: the case a granted request
 * opens, the guardians who consent for the person, and the coordinating unit a plan answers to
 * (docs/requests-and-complaints.md).
 */

/** Tells the plan's coordinating unit, in the same transaction, that someone became its coordinator. */
export async function recordCoordinatorAppointed(em: EntityManager, plan: Plan, role: ParticipantRole, personId: string, actorId: string, at: Date) {
  if (role !== 'COORDINATOR' || !plan.unit) return;
  await recordCaseEvent(em, { unitId: plan.unit.id, kind: 'COORDINATOR_APPOINTED', at, planId: plan.id, personId: plan.owner.id, actorId, detail: { coordinatorId: personId } });
}

/** Why a plan came under a unit, in the `PLAN_UNIT_ASSIGNED` event's detail. */
export type UnitAssignedBy = 'MUNICIPALITY' | 'COORDINATOR';

async function assignUnit(em: EntityManager, plan: Plan, unitId: string, by: UnitAssignedBy, actorId: string, at: Date): Promise<void> {
  em.assign(plan, { unit: unitId });
  await moveOpenDeadlinesToUnit(unitOfWorkIn(em), plan.id, unitId);
  await recordCaseEvent(em, { unitId, kind: 'PLAN_UNIT_ASSIGNED', at, planId: plan.id, personId: plan.owner.id, actorId, detail: { by } });
}

/**
 * The coordinating unit of the person's municipality, when Samplan knows it without doubt (the
 * same rule as for recording a guardianship): every unit that has a case of theirs is in one
 * municipality (`PersonService.municipalitiesOf`), and that municipality has a coordinating unit.
 */
export async function unitOfMunicipality(em: EntityManager, municipalities: ReadonlyArray<string | null>): Promise<string | null> {
  const known = [...new Set(municipalities)];
  const [municipality] = known;
  if (known.length !== 1 || !municipality) return null;
  return coordinatingUnitIdOf(withoutTransaction(em), municipality);
}

/**
 * A plan made by the person or their guardian comes under the coordinating unit of the person's
 * municipality when that is known: its dashboard shows the plan, and complaints about it go there.
 */
export async function assignUnitOfMunicipality(em: EntityManager, plan: Plan, municipalities: ReadonlyArray<string | null>, actorId: string, at: Date): Promise<void> {
  if (plan.unit) return;
  const unitId = await unitOfMunicipality(em, municipalities);
  if (unitId) await assignUnit(em, plan, unitId, 'MUNICIPALITY', actorId, at);
}

/**
 * A plan with no unit yet comes under the coordinating unit its new coordinator acts for, in the
 * caller's transaction (before `recordCoordinatorAppointed`, which then tells that unit). A plan
 * that has a unit keeps it: a coordinator from elsewhere does not move the case.
 */
export async function assignUnitOfCoordinator(
  em: EntityManager,
  plan: Plan,
  appointment: { role: ParticipantRole; organizationId: string | null },
  actorId: string,
  at: Date,
): Promise<void> {
  if (plan.unit || appointment.role !== 'COORDINATOR' || !appointment.organizationId) return;
  const organization = await unitById(withoutTransaction(em), appointment.organizationId);
  if (organization?.kind === 'COORDINATING_UNIT') await assignUnit(em, plan, organization.id, 'COORDINATOR', actorId, at);
}

/** A new participant, persisted (written at the caller's next flush). */
function participantRow(em: EntityManager, input: { planId: string; personId: string; role: ParticipantRole; addedById: string | null; from: Date }) {
  return em.create(Participant, { plan: input.planId, person: input.personId, role: input.role, activeFrom: input.from, addedBy: input.addedById });
}

/**
 * Opens the plan a granted request asks for, in the caller's transaction: the person owns it, the
 * unit oversees it, and it waits in REQUESTED for consent. The person's recorded guardians
 * (`guardianIds`, from `PersonService.guardianIdsOf`) take part as GUARDIAN, since they may give
 * that consent. The decider does not take part. Returns null when the person already has a plan
 * that has not ended (one plan per person).
 */
export async function openRequestedPlan(
  uow: UnitOfWork,
  input: { ownerId: string; unitId: string; title: string; kind: PlanKind; addedById: string; guardianIds: readonly string[]; now: Date },
): Promise<Plan | null> {
  const { em } = uow;
  if (await em.count(Plan, { owner: input.ownerId, status: { $ne: 'ENDED' } })) return null;
  const plan = em.create(Plan, {
    owner: input.ownerId,
    title: input.title,
    status: 'REQUESTED',
    kind: input.kind,
    unit: input.unitId,
    createdAt: input.now,
    updatedAt: input.now,
  });
  const row = { planId: plan.id, addedById: input.addedById, from: input.now };
  participantRow(em, { ...row, personId: input.ownerId, role: 'OWNER' });
  for (const guardianId of new Set(input.guardianIds)) {
    if (guardianId !== input.ownerId) participantRow(em, { ...row, personId: guardianId, role: 'GUARDIAN' });
  }
  await em.flush();
  return plan;
}

/**
 * Brings a newly recorded guardian into the ward's plan, in the caller's transaction (called by
 * `GuardianshipService.record`). Only a plan someone other than the person opened (a granted
 * request, a plan a guardian or the unit made) and that has not ended: a plan the person made
 * themselves is theirs to invite to. The guardian joins as GUARDIAN (for as long as the
 * guardianship holds: its period is the guardianship's, checked where guardians are); one taking
 * part as RELATIVE becomes GUARDIAN; one taking part as staff (PROVIDER, COORDINATOR) keeps that
 * role, since nobody holds both sides of a case.
 *
 * Returns the `participantsChanged` events to publish once the transaction has committed.
 */
export async function addGuardianToOpenCases(
  uow: UnitOfWork,
  wardId: string,
  guardianId: string,
  now: Date,
  options: { addedById?: string | null } = {},
): Promise<ParticipantsChangedEvent[]> {
  const { em } = uow;
  if (guardianId === wardId) return [];
  const changes: ParticipantsChangedEvent[] = [];
  for (const plan of await em.find(Plan, { owner: wardId, status: { $ne: 'ENDED' } })) {
    const owner = await em.findOne(Participant, { plan: plan.id, role: 'OWNER', removedAt: null });
    if (!owner?.addedBy || owner.addedBy.id === wardId) continue;
    const current = await em.findOne(Participant, { plan: plan.id, person: guardianId, removedAt: null });
    if (current && current.role !== 'RELATIVE') continue;
    let participant: Participant;
    if (current) {
      // A guardian's access does not end with the end date a relative was invited for.
      Object.assign(current, { role: 'GUARDIAN', activeTo: null });
      participant = current;
    } else {
      participant = participantRow(em, { planId: plan.id, personId: guardianId, role: 'GUARDIAN', addedById: options.addedById ?? null, from: now });
    }
    plan.updatedAt = now;
    await em.flush();
    changes.push({ planId: plan.id, change: current ? 'ROLE_CHANGED' : 'ADDED', participantId: participant.id, planVersion: plan.version });
  }
  return changes;
}

import { LockMode } from '@mikro-orm/postgresql';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { Participant, Plan, type ParticipantRole } from './plan.entity.js';

/*
 * What other modules read and change of plans inside their own transactions (consent, complaints),
 * through the plans module: they never load or write the `plan` and `participant` rows themselves.
 * Permission is the caller's to check (with the policy); these only keep the rows right.
 */

/**
 * A plan by id for a module that decides for itself what the actor may learn of it (a complaint
 * may come from someone with a power of attorney who does not take part in the plan).
 */
export async function planById(uow: UnitOfWork, id: string): Promise<Plan | null> {
  return uow.em.findOne(Plan, id);
}

/** The plan, locked for the rest of the transaction (consent given or withdrawn waits its turn with every other change of the plan). */
export async function lockPlan(uow: UnitOfWork, id: string): Promise<Plan> {
  return uow.em.findOneOrFail(Plan, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** The plan's FINAL archive record was made at `at` (once: a later call changes nothing). */
export async function markArchived(uow: UnitOfWork, planId: string, at: Date): Promise<void> {
  await uow.em.execute('update "plan" set "archived_at" = ? where "id" = ? and "archived_at" is null', [at, planId]);
}

/** Who takes part in the plan in `role` now (not removed). */
export async function participantsInRole(uow: UnitOfWork, planId: string, role: ParticipantRole): Promise<Participant[]> {
  return uow.em.find(Participant, { plan: planId, role, removedAt: null });
}

/** The id of the plan's owner as a participant, which events about the plan's own consent name. */
export async function ownerParticipantId(uow: UnitOfWork, planId: string): Promise<string> {
  const owner = await uow.em.findOneOrFail(Participant, { plan: planId, role: 'OWNER', removedAt: null });
  return owner.id;
}

/**
 * Something about who may do what in the plan changed (a consent given, withdrawn or run out): the
 * plan's `updatedAt` moves and, at flush, its version, which subscribers compare.
 */
export function markAccessChanged(uow: UnitOfWork, plan: Plan, at: Date): void {
  uow.em.assign(plan, { updatedAt: at });
}

/** The person consented to the plan: a plan waiting for that consent becomes ACTIVE. */
export function activateOnConsent(uow: UnitOfWork, plan: Plan): void {
  if (plan.status === 'REQUESTED') uow.em.assign(plan, { status: 'ACTIVE' });
}

/** No consent to the plan stands any more: an ACTIVE plan waits for the person's consent again. */
export function awaitConsentAgain(uow: UnitOfWork, plan: Plan, at: Date): void {
  if (plan.status !== 'ACTIVE') return;
  uow.em.assign(plan, { status: 'REQUESTED' });
  markAccessChanged(uow, plan, at);
}

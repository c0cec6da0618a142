import { forbidden } from '../errors/error-codes.js';
import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';
import type { Actor } from './actor.js';

/**
 * The one permission policy. Every door (GraphQL resolvers, subscription events, the live
 * document) asks `can`/`assertCan`; no door keeps rules of its own. It is pure: callers load the
 * facts (the plan's current participants, the owner's guardians) and pass them in.
 */

/** A plan as the policy sees it: its state and its *currently active* participants. */
export interface PlanFacts {
  planId: string;
  ownerId: string;
  status: PlanStatus;
  participants: ReadonlyArray<{ personId: string; role: ParticipantRole }>;
}

export interface ParticipantFacts {
  personId: string;
  role: ParticipantRole;
}

/** Each action and the resource it is asked about. */
export interface ResourceByAction {
  /** Create a plan for `ownerId`: the person, their guardian, or coordinating-unit staff. */
  'plan.create': { ownerId: string; guardianIdsOfOwner: readonly string[] };
  /** See the plan and its participants. */
  'plan.read': PlanFacts;
  /** Invite participants and change roles (owner and coordinator decide who takes part). */
  'plan.manageParticipants': PlanFacts;
  'participant.remove': { plan: PlanFacts; target: ParticipantFacts };
  'participant.changeRole': { plan: PlanFacts; target: ParticipantFacts; newRole: ParticipantRole };
  'organization.create': null;
  'organization.manageMembers': { organizationId: string };
  /** Record that someone is a person's legal representative. */
  'guardianship.record': null;
  'person.grantAdmin': null;
}

export type Action = keyof ResourceByAction;

/** Roles that decide who takes part in a plan (rule 3 of the domain: owner with coordinator). */
const PARTICIPANT_MANAGERS: readonly ParticipantRole[] = ['OWNER', 'GUARDIAN', 'COORDINATOR'];

export function roleIn(actor: Actor, plan: PlanFacts): ParticipantRole | null {
  return plan.participants.find((participant) => participant.personId === actor.personId)?.role ?? null;
}

const isCoordinatingUnitStaff = (actor: Actor) =>
  actor.memberships.some((membership) => membership.organizationKind === 'COORDINATING_UNIT');

const canManageParticipants = (actor: Actor, plan: PlanFacts) => {
  const role = roleIn(actor, plan);
  return plan.status !== 'ENDED' && role !== null && PARTICIPANT_MANAGERS.includes(role);
};

type Rule<A extends Action> = (actor: Actor, resource: ResourceByAction[A]) => boolean;

const rules: { [A in Action]: Rule<A> } = {
  'plan.create': (actor, { ownerId, guardianIdsOfOwner }) =>
    actor.personId === ownerId || guardianIdsOfOwner.includes(actor.personId) || isCoordinatingUnitStaff(actor),
  'plan.read': (actor, plan) => roleIn(actor, plan) !== null,
  'plan.manageParticipants': canManageParticipants,
  'participant.remove': (actor, { plan, target }) =>
    target.role !== 'OWNER' &&
    plan.status !== 'ENDED' &&
    // Anyone may leave a plan; managers may remove others.
    ((target.personId === actor.personId && roleIn(actor, plan) !== null) || canManageParticipants(actor, plan)),
  'participant.changeRole': (actor, { plan, target, newRole }) =>
    target.role !== 'OWNER' && newRole !== 'OWNER' && canManageParticipants(actor, plan),
  'organization.create': (actor) => actor.isAdmin,
  'organization.manageMembers': (actor, { organizationId }) =>
    actor.isAdmin ||
    actor.memberships.some((membership) => membership.organizationId === organizationId && membership.role === 'UNIT_LEAD'),
  'guardianship.record': (actor) => actor.isAdmin || isCoordinatingUnitStaff(actor),
  'person.grantAdmin': (actor) => actor.isAdmin,
};

export function can<A extends Action>(actor: Actor, action: A, resource: ResourceByAction[A]): boolean {
  return rules[action](actor, resource);
}

/** Throws `FORBIDDEN` unless the policy allows the action. */
export function assertCan<A extends Action>(actor: Actor, action: A, resource: ResourceByAction[A]): void {
  if (!can(actor, action, resource)) throw forbidden(`Not allowed: ${action}`);
}

import { forbidden } from '../errors/error-codes.js';
import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';
import type { SectionKey } from '../documents/document.template.js';
import { effectiveAccess, type SectionGrantAccess } from '../documents/section-rights.js';
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
  participants: ReadonlyArray<{ personId: string; role: ParticipantRole; organizationId?: string | null }>;
}

/** What a change touches inside a list section's entry, for entry-level rights. */
export interface EntryFacts {
  /** The person the entry belongs to (a contribution's or log entry's author), as stored or as set by the change. */
  ownerPersonId: string | null;
  /** The unit responsible (a measure's organization). */
  organizationId: string | null;
  /** The change rewrites who owns an entry that already existed. */
  changesOwner: boolean;
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
  /**
   * Change a section of the plan document. `entry` is null for a change to the section as a
   * whole (a record section's fields); `grants` are the actor's per-section overrides.
   */
  'plan.editSection': {
    plan: PlanFacts;
    section: SectionKey;
    grants: Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>;
    entry: EntryFacts | null;
  };
  /** End the plan (the need has ended, or the person wishes it): the person, their guardian or the coordinator. */
  'plan.end': PlanFacts;
  /** Save the document as a named version. */
  'plan.createVersion': PlanFacts;
  /** Grant or revoke a participant's edit right on a section. */
  'plan.manageSectionRights': { plan: PlanFacts; target: ParticipantFacts };
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
  'plan.editSection': (actor, { plan, section, grants, entry }) => {
    const participant = plan.participants.find((candidate) => candidate.personId === actor.personId);
    if (!participant || plan.status === 'ENDED') return false;
    const access = effectiveAccess(participant.role, section, grants);
    if (access === 'ALL') return true;
    // Entry-level rights never let someone hand an entry to themselves.
    if (access === 'NONE' || !entry || entry.changesOwner) return false;
    if (access === 'OWN') return entry.ownerPersonId === actor.personId;
    return Boolean(participant.organizationId) && entry.organizationId === participant.organizationId;
  },
  'plan.end': canManageParticipants,
  'plan.createVersion': (actor, plan) => plan.status !== 'ENDED' && roleIn(actor, plan) !== null,
  'plan.manageSectionRights': (actor, { plan, target }) => {
    const role = roleIn(actor, plan);
    // The person leads: only they (or their guardian) change their own rights.
    if (target.role === 'OWNER' && role !== 'OWNER' && role !== 'GUARDIAN') return false;
    return canManageParticipants(actor, plan);
  },
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

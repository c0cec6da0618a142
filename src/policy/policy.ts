import { forbidden } from '../errors/error-codes.js';
import type { ParticipantRole, PlanKind, PlanStatus } from '../plans/plan.entity.js';
import { SECTIONS, type SectionKey } from '../documents/document.template.js';
import type { Actor } from './actor.js';
import { speaksForPerson } from './consent-rules.js';
import { sectionAccessIn, type SectionAccess, type SectionGrants } from './section-rules.js';

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
  /** A COORDINATOR_ONLY case has no document to edit. @default 'PLAN' */
  kind?: PlanKind;
  /**
   * Who takes part *now*: active by date and, unless owner or guardian, by consent (src/consent/).
   * `readsContent`: consent lets them see confidential information (the content); absent means no.
   */
  participants: ReadonlyArray<{ personId: string; role: ParticipantRole; organizationId?: string | null; readsContent?: boolean }>;
  /**
   * When these facts stop holding by the clock alone (a consent's `validUntil`, a participation's
   * end); null when nothing ends by date. Doors that keep facts (the live document, subscriptions)
   * re-check at this instant, so access ends when it says (docs/consent.md).
   */
  accessChangesAt?: Date | null;
  /**
   * The coordinating unit that oversees the plan (`plan.unit`). While the plan waits for the
   * person's consent, its staff handle the case: they see its metadata and appoint its coordinator,
   * never its content (docs/requests-and-complaints.md). @default null
   */
  unitId?: string | null;
}

/** A request for a plan or a coordinator, or a complaint, as the policy sees it (src/requests, src/complaints). */
export interface IntakeCaseFacts {
  /** The coordinating unit that receives and decides it. */
  unitId: string;
  /** Whom it is for. */
  personId: string;
  /** Who submitted the request or filed the complaint. */
  submittedById: string;
  guardianIdsOfPerson: readonly string[];
}

/** A guardianship about to be recorded or revoked, as the policy sees it (src/people/). */
export interface GuardianshipFacts {
  guardianId: string;
  wardId: string;
  /**
   * The ward's municipality as Samplan knows it: the municipality of every coordinating unit that
   * has received a request for the ward or oversees a plan of theirs, one entry per unit; null for
   * such a unit with no municipality. A person has no municipality field of their own.
   */
  wardMunicipalities: ReadonlyArray<string | null>;
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

/** A plan's facts with the participants the person chose to read its restricted part (src/documents/restricted-readers.ts). */
export interface RestrictedFacts {
  plan: PlanFacts;
  /** Person ids of participants granted the restricted part and not revoked. */
  restrictedReaderIds: ReadonlySet<string>;
}

/** Each action and the resource it is asked about. */
export interface ResourceByAction {
  /**
   * Create a plan for `ownerId`: the person, their guardian, or staff of a coordinating unit of the
   * owner's municipality (`ownerMunicipalities`, as for a guardianship; with none on record, any
   * municipality's unit may open the first case).
   */
  'plan.create': { ownerId: string; guardianIdsOfOwner: readonly string[]; ownerMunicipalities: ReadonlyArray<string | null> };
  /** See the plan and its participants. */
  'plan.read': PlanFacts;
  /** See the plan's content: the document, sections, history and versions. */
  'plan.readContent': PlanFacts;
  /** Give consent (to the plan, or for a participant): the person or their guardian. */
  'consent.give': PlanFacts;
  /** Withdraw a consent: the person or their guardian, or a participant their own access; also after the plan has ended. */
  'consent.withdraw': { plan: PlanFacts; consent: { scope: 'PLAN' | 'PARTICIPATE' | 'CONFIDENTIAL_INFORMATION'; personId: string } };
  /** Invite participants and change roles (owner and coordinator decide who takes part). */
  'plan.manageParticipants': PlanFacts;
  /** Add the plan's coordinator: whoever manages participants, or staff of the unit handling a plan that waits for consent. */
  'plan.appointCoordinator': PlanFacts;
  'participant.remove': { plan: PlanFacts; target: ParticipantFacts };
  'participant.changeRole': { plan: PlanFacts; target: ParticipantFacts; newRole: ParticipantRole };
  /**
   * Change a section of the plan document. `entry` is null for a change to the section as a
   * whole (a record section's fields); `grants` are the actor's per-section overrides.
   */
  'plan.editSection': {
    plan: PlanFacts;
    section: SectionKey;
    grants: SectionGrants;
    entry: EntryFacts | null;
    /** Who the person chose to read the restricted part; a restricted section also needs `plan.readRestricted`. @default none */
    restrictedReaderIds?: ReadonlySet<string>;
  };
  /**
   * Read the plan's restricted part (the person's situation, docs/document-model.md): the person and
   * their guardians, and the participants they chose (`restrictedReaderIds`); always on top of
   * `plan.readContent`.
   */
  'plan.readRestricted': RestrictedFacts;
  /** Choose who reads the restricted part: the person or their guardian, for anyone else taking part (`grant` false: take it back). */
  'plan.manageRestrictedAccess': { plan: PlanFacts; target: ParticipantFacts; grant: boolean };
  /** End the plan (the need has ended, or the person wishes it): the person, their guardian or the coordinator. */
  'plan.end': PlanFacts;
  /** Save the document as a named version. */
  'plan.createVersion': PlanFacts;
  /** Make an interim archive record of the plan while it runs: the person, their guardian or the coordinator. */
  'plan.archive': PlanFacts;
  /**
   * Download the plan's archive records: those who may read its content. After the plan has ended
   * that is the person and their guardians, and others with current consent only during the
   * follow-up window (`consentStanding` in src/policy/consent-rules.ts builds the facts so).
   */
  'plan.downloadArchive': PlanFacts;
  /** See who read or wrote the plan's content (Normen factsheets 14-15): the person and their guardian. */
  'plan.readAccessLog': PlanFacts;
  /** Grant or revoke a participant's edit right on a section. */
  'plan.manageSectionRights': { plan: PlanFacts; target: ParticipantFacts };
  /** See a coordinating unit's caseload, deadlines and case events: its staff (never plan content). */
  'unit.viewCases': { organizationId: string; organizationKind: string };
  'organization.create': null;
  'organization.manageMembers': { organizationId: string };
  /**
   * Record that someone is a person's legal representative (docs/guardianship.md): an administrator,
   * or staff of the coordinating unit of the ward's municipality; never someone it concerns.
   */
  'guardianship.record': GuardianshipFacts;
  /**
   * Record that a guardianship no longer holds: whoever may record it. Not the guardian giving it
   * up: a guardian is released outside Samplan (by the county governor, or as parental
   * responsibility ends), and the unit records that; they may leave a plan meanwhile.
   */
  'guardianship.revoke': GuardianshipFacts;
  'person.grantAdmin': null;
  /** See or mark read a notification: only the person it is for. */
  'notification.read': { recipientId: string };
  /**
   * Ask for a plan or a coordinator for `personId`: the person, their recorded guardian, a relative
   * holding a power of attorney, or health personnel (duty to notify).
   */
  'request.submit': { personId: string; source: RequestSource; guardianIdsOfPerson: readonly string[]; hasPowerOfAttorney: boolean };
  /** See a request: the person, their guardians, the submitter, staff of the unit. */
  'request.read': IntakeCaseFacts;
  /** Decide a request or record its interim notice: staff of the receiving unit, unless it concerns them. */
  'request.decide': IntakeCaseFacts;
  /** Withdraw a request: the submitter or the person. */
  'request.withdraw': IntakeCaseFacts;
  /** Complain on someone's behalf: the person, their guardian, or someone holding a power of attorney. */
  'complaint.file': { personId: string; guardianIdsOfPerson: readonly string[]; hasPowerOfAttorney: boolean };
  'complaint.read': IntakeCaseFacts;
  /** Forward and decide a complaint (unit staff, unless it concerns them); withdraw it (the complainant). */
  'complaint.updateStatus': { complaint: IntakeCaseFacts; newStatus: 'FORWARDED' | 'UPHELD' | 'NOT_UPHELD' | 'WITHDRAWN' };
}

/** Who a request comes from (domain rule 6). */
export type RequestSource = 'PERSON' | 'RELATIVE' | 'GUARDIAN' | 'HEALTH_PERSONNEL';

export type Action = keyof ResourceByAction;

/** Roles that decide who takes part in a plan (rule 3 of the domain: owner with coordinator). */
const PARTICIPANT_MANAGERS: readonly ParticipantRole[] = ['OWNER', 'GUARDIAN', 'COORDINATOR'];

export function roleIn(actor: Actor, plan: PlanFacts): ParticipantRole | null {
  return plan.participants.find((participant) => participant.personId === actor.personId)?.role ?? null;
}

/** Content needs consent to confidential information and, but for those who consent, a plan the person consented to. */
const canReadContent = (actor: Actor, plan: PlanFacts) => {
  const participant = plan.participants.find((candidate) => candidate.personId === actor.personId);
  if (!participant?.readsContent) return false;
  return plan.status !== 'REQUESTED' || speaksForPerson(participant.role);
};

/** The person and their guardians always read the restricted part; anyone else only when the person chose them. */
const canReadRestricted = (actor: Actor, { plan, restrictedReaderIds }: RestrictedFacts) => {
  const role = roleIn(actor, plan);
  if (role === null || !canReadContent(actor, plan)) return false;
  return speaksForPerson(role) || restrictedReaderIds.has(actor.personId);
};
const NO_READERS: ReadonlySet<string> = new Set();

const canManageParticipants = (actor: Actor, plan: PlanFacts) => {
  const role = roleIn(actor, plan);
  return plan.status !== 'ENDED' && role !== null && PARTICIPANT_MANAGERS.includes(role);
};

const isStaffOf = (actor: Actor, organizationId: string) =>
  actor.memberships.some((membership) => membership.organizationId === organizationId);

/**
 * Staff of the coordinating unit overseeing a plan that waits for the person's consent (REQUESTED,
 * also again after that consent lapsed): the unit handles the case it granted or opened, so it sees
 * the plan's metadata and appoints its coordinator, though nobody of the unit takes part yet.
 * Never content: `canReadContent` asks for a participant.
 */
const handlesPendingCase = (actor: Actor, plan: PlanFacts) =>
  plan.status === 'REQUESTED' && plan.unitId != null && isStaffOf(actor, plan.unitId);

const canSeeIntakeCase = (actor: Actor, facts: IntakeCaseFacts) =>
  actor.personId === facts.personId ||
  actor.personId === facts.submittedById ||
  facts.guardianIdsOfPerson.includes(actor.personId) ||
  isStaffOf(actor, facts.unitId);

/** The case is the actor's own, they submitted it, or they are the person's guardian. */
const concerns = (actor: Actor, facts: IntakeCaseFacts) =>
  actor.personId === facts.personId || actor.personId === facts.submittedById || facts.guardianIdsOfPerson.includes(actor.personId);

type Rule<A extends Action> = (actor: Actor, resource: ResourceByAction[A]) => boolean;

const mayRecordOrRevokeGuardianship = (actor: Actor, { guardianId, wardId, wardMunicipalities }: GuardianshipFacts) => {
  // Nobody records or revokes a guardianship that concerns themselves, not even an administrator.
  if (actor.personId === guardianId || actor.personId === wardId) return false;
  if (actor.isAdmin) return true;
  // Unit staff act for the ward's one known municipality; with none on record, several, or a
  // unit outside any municipality, only an administrator can tell, so only one may record.
  const municipalities = [...new Set(wardMunicipalities)];
  const [municipality] = municipalities;
  if (municipalities.length !== 1 || !municipality) return false;
  return actor.memberships.some(
    (membership) => membership.organizationKind === 'COORDINATING_UNIT' && membership.municipality === municipality,
  );
};

const rules: { [A in Action]: Rule<A> } = {
  'plan.create': (actor, { ownerId, guardianIdsOfOwner, ownerMunicipalities }) =>
    actor.personId === ownerId ||
    guardianIdsOfOwner.includes(actor.personId) ||
    // A unit reaches no further than its municipality: a person whose case is elsewhere is theirs.
    actor.memberships.some(
      (membership) =>
        membership.organizationKind === 'COORDINATING_UNIT' &&
        membership.municipality !== null &&
        ownerMunicipalities.every((municipality) => municipality === membership.municipality),
    ),
  'plan.read': (actor, plan) => roleIn(actor, plan) !== null || handlesPendingCase(actor, plan),
  'plan.readContent': canReadContent,
  'consent.give': (actor, plan) => {
    const role = roleIn(actor, plan);
    return plan.status !== 'ENDED' && role !== null && speaksForPerson(role);
  },
  'consent.withdraw': (actor, { plan, consent }) => {
    const role = roleIn(actor, plan);
    // Also after the end: consent can be withdrawn at any time (docs/domain.md rule 2), and a former
    // participant's access to the ended plan ends with it.
    if (role === null) return false;
    // Anyone may withdraw their own access; the person's consent to the plan is theirs (or their guardian's) alone.
    return speaksForPerson(role) || (consent.scope !== 'PLAN' && consent.personId === actor.personId);
  },
  'plan.manageParticipants': canManageParticipants,
  'plan.appointCoordinator': (actor, plan) => canManageParticipants(actor, plan) || handlesPendingCase(actor, plan),
  'participant.remove': (actor, { plan, target }) => {
    const role = roleIn(actor, plan);
    if (target.role === 'OWNER') return false;
    // Anyone may leave a plan, also one that has ended.
    if (target.personId === actor.personId) return role !== null;
    // Once it has ended nobody manages the work any more: who keeps seeing it is the person's (or guardian's) call alone.
    if (plan.status === 'ENDED') return role !== null && speaksForPerson(role);
    // Managers may remove others; the unit handling a pending case replaces its coordinator.
    return canManageParticipants(actor, plan) || (target.role === 'COORDINATOR' && handlesPendingCase(actor, plan));
  },
  'participant.changeRole': (actor, { plan, target, newRole }) =>
    // Nobody gives themselves a role: the other managers of the plan do.
    target.personId !== actor.personId && target.role !== 'OWNER' && newRole !== 'OWNER' && canManageParticipants(actor, plan),
  'plan.editSection': (actor, { plan, section, grants, entry, restrictedReaderIds }) => {
    const participant = plan.participants.find((candidate) => candidate.personId === actor.personId);
    // A coordinator-only case has no plan document: the person declined a plan.
    if (!participant || plan.kind === 'COORDINATOR_ONLY' || !canReadContent(actor, plan)) return false;
    // Nobody edits what they may not read: section rights apply within the person's choice.
    if (SECTIONS[section].restricted && !canReadRestricted(actor, { plan, restrictedReaderIds: restrictedReaderIds ?? NO_READERS })) return false;
    // Nothing once the plan has ended (`sectionAccessIn`).
    const access = sectionAccessIn(plan.status, participant.role, section, grants);
    if (access === 'ALL') return true;
    // Entry-level rights never let someone hand an entry to themselves.
    if (access === 'NONE' || !entry || entry.changesOwner) return false;
    if (access === 'OWN') return entry.ownerPersonId === actor.personId;
    return Boolean(participant.organizationId) && entry.organizationId === participant.organizationId;
  },
  'plan.readRestricted': canReadRestricted,
  'plan.manageRestrictedAccess': (actor, { plan, target, grant }) => {
    const role = roleIn(actor, plan);
    // The person and their guardians read it always: nobody grants or takes it from them, themselves included.
    if (role === null || !speaksForPerson(role) || speaksForPerson(target.role)) return false;
    // Taking access back works on an ended plan too; widening it does not.
    return !grant || plan.status !== 'ENDED';
  },
  'plan.end': canManageParticipants,
  'plan.createVersion': (actor, plan) => plan.status !== 'ENDED' && roleIn(actor, plan) !== null,
  'plan.archive': (actor, plan) => plan.status !== 'ENDED' && canManageParticipants(actor, plan) && canReadContent(actor, plan),
  'plan.downloadArchive': canReadContent,
  // Also after the plan has ended: the person may always see who has been in their plan.
  'plan.readAccessLog': (actor, plan) => {
    const role = roleIn(actor, plan);
    return role !== null && speaksForPerson(role);
  },
  'plan.manageSectionRights': (actor, { plan, target }) => {
    const role = roleIn(actor, plan);
    // The person leads: only they (or their guardian) change their own rights.
    if (target.role === 'OWNER' && role !== 'OWNER' && role !== 'GUARDIAN') return false;
    // Nobody but the person widens their own rights: a coordinator or guardian granting themselves
    // EDIT on contributions would reach everyone's entries.
    if (target.personId === actor.personId && role !== 'OWNER') return false;
    return canManageParticipants(actor, plan);
  },
  'unit.viewCases': (actor, { organizationId, organizationKind }) =>
    organizationKind === 'COORDINATING_UNIT' && actor.memberships.some((membership) => membership.organizationId === organizationId),
  'organization.create': (actor) => actor.isAdmin,
  'organization.manageMembers': (actor, { organizationId }) =>
    actor.isAdmin ||
    actor.memberships.some((membership) => membership.organizationId === organizationId && membership.role === 'UNIT_LEAD'),
  'guardianship.record': mayRecordOrRevokeGuardianship,
  'guardianship.revoke': mayRecordOrRevokeGuardianship,
  'person.grantAdmin': (actor) => actor.isAdmin,
  'notification.read': (actor, { recipientId }) => actor.personId === recipientId,
  'request.submit': (actor, { personId, source, guardianIdsOfPerson, hasPowerOfAttorney }) => {
    const forSelf = actor.personId === personId;
    if (source === 'PERSON') return forSelf;
    if (source === 'GUARDIAN') return guardianIdsOfPerson.includes(actor.personId);
    if (source === 'RELATIVE') return !forSelf && actor.kind === 'CITIZEN' && hasPowerOfAttorney;
    return !forSelf && actor.kind === 'PERSONNEL';
  },
  'request.read': canSeeIntakeCase,
  // Nobody decides a case that concerns them (fvl. § 6): their own, one they submitted, their ward's.
  'request.decide': (actor, request) => isStaffOf(actor, request.unitId) && !concerns(actor, request),
  'request.withdraw': (actor, { personId, submittedById }) => actor.personId === personId || actor.personId === submittedById,
  'complaint.file': (actor, { personId, guardianIdsOfPerson, hasPowerOfAttorney }) =>
    actor.personId === personId || guardianIdsOfPerson.includes(actor.personId) || hasPowerOfAttorney,
  'complaint.read': canSeeIntakeCase,
  'complaint.updateStatus': (actor, { complaint, newStatus }) =>
    newStatus === 'WITHDRAWN' ? actor.personId === complaint.submittedById : isStaffOf(actor, complaint.unitId) && !concerns(actor, complaint),
};

/** Whether the actor may record (or revoke) some guardianship at all (the `viewerCanRecordGuardianship` hint); each one is still asked. */
export function mayRecordGuardianships(actor: Actor): boolean {
  return (
    actor.isAdmin ||
    actor.memberships.some((membership) => membership.organizationKind === 'COORDINATING_UNIT' && membership.municipality !== null)
  );
}

/**
 * How far the actor may edit `section` now, as a section shows it (`PlanSection.access`): their
 * role's default or their grant, nothing once the plan has ended, nothing for someone not taking part.
 * `can(…, 'plan.editSection', …)` decides each change within it.
 */
export function sectionAccess(actor: Actor, plan: PlanFacts, section: SectionKey, grants: SectionGrants): SectionAccess {
  const role = roleIn(actor, plan);
  return role === null ? 'NONE' : sectionAccessIn(plan.status, role, section, grants);
}

export function can<A extends Action>(actor: Actor, action: A, resource: ResourceByAction[A]): boolean {
  return rules[action](actor, resource);
}

/** Throws `FORBIDDEN` unless the policy allows the action. */
export function assertCan<A extends Action>(actor: Actor, action: A, resource: ResourceByAction[A]): void {
  if (!can(actor, action, resource)) throw forbidden(`Not allowed: ${action}`);
}

import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import { can, type Action, type IntakeCaseFacts, type PlanFacts, type ResourceByAction } from './policy.js';

/*
 * Every action of the policy, tried across a municipality's border, from another plan, and by the
 * actor on themselves (issue 11). The table is typed over every action: a new action does not
 * compile until it has a row here. Each row also names someone the docs allow, which proves the
 * resource is well formed and the refusals come from the rule.
 */

type Membership = Actor['memberships'][number];
const actor = (personId: string, kind: Actor['kind'], memberships: Membership[] = [], isAdmin = false): Actor => ({
  personId,
  kind,
  isAdmin,
  memberships,
  tokenExpiresAt: new Date(Date.now() + 60_000),
});
const member = (organizationId: string, organizationKind: Membership['organizationKind'], municipality: string | null, role: Membership['role'] = 'STAFF'): Membership =>
  ({ organizationId, organizationKind, role, municipality });

// Municipality A (0301): its coordinating unit, home care, and one plan with everyone in it.
const owner = actor('owner', 'CITIZEN');
const guardian = actor('guardian', 'CITIZEN');
const relative = actor('relative', 'CITIZEN');
const nurseA = actor('nurse-a', 'PERSONNEL', [member('home-care-a', 'HOME_CARE', '0301')]);
const coordinatorA = actor('coordinator-a', 'PERSONNEL', [member('unit-a', 'COORDINATING_UNIT', '0301')]);
const leadA = actor('lead-a', 'PERSONNEL', [member('unit-a', 'COORDINATING_UNIT', '0301', 'UNIT_LEAD')]);
const admin = actor('admin', 'PERSONNEL', [], true);

// The attackers. (a) The lead of municipality B's coordinating unit: the most a unit gives.
const leadB = actor('lead-b', 'PERSONNEL', [member('unit-b', 'COORDINATING_UNIT', '4601', 'UNIT_LEAD')]);
// (b) Participants of another plan, in its strongest roles: its owner and its coordinator
// (staff of A's own home care, so only the plan separates them from plan A).
const otherOwner = actor('other-owner', 'CITIZEN');
const otherCoordinator = actor('other-coordinator', 'PERSONNEL', [member('home-care-a', 'HOME_CARE', '0301')]);

const planA: PlanFacts = {
  planId: 'plan-a',
  ownerId: 'owner',
  status: 'ACTIVE',
  unitId: 'unit-a',
  participants: [
    { personId: 'owner', role: 'OWNER', readsContent: true },
    { personId: 'guardian', role: 'GUARDIAN', readsContent: true },
    { personId: 'relative', role: 'RELATIVE', readsContent: true },
    { personId: 'nurse-a', role: 'PROVIDER', organizationId: 'home-care-a', readsContent: true },
    { personId: 'coordinator-a', role: 'COORDINATOR', organizationId: 'unit-a', readsContent: true },
  ],
};
// Plan A's case as unit A granted it: waiting for consent, the person and their guardian in it, no coordinator yet.
const pendingA: PlanFacts = {
  planId: 'plan-a',
  ownerId: 'owner',
  status: 'REQUESTED',
  unitId: 'unit-a',
  participants: [
    { personId: 'owner', role: 'OWNER', readsContent: true },
    { personId: 'guardian', role: 'GUARDIAN', readsContent: true },
  ],
};
// Plan A once it has ended: the person decides alone who keeps seeing it; anyone may leave.
const planAEnded: PlanFacts = { ...planA, status: 'ENDED' };
// The other plan exists only to say who (b) are; plan A's facts never list them.
const planOther: PlanFacts = {
  planId: 'plan-other',
  ownerId: 'other-owner',
  status: 'ACTIVE',
  participants: [
    { personId: 'other-owner', role: 'OWNER', readsContent: true },
    { personId: 'other-coordinator', role: 'COORDINATOR', organizationId: 'home-care-a', readsContent: true },
  ],
};
const caseA: IntakeCaseFacts = { unitId: 'unit-a', personId: 'owner', submittedById: 'relative', guardianIdsOfPerson: ['guardian'] };
const ownCase = (who: Actor, as: 'person' | 'submitter'): IntakeCaseFacts =>
  ({ ...caseA, ...(as === 'person' ? { personId: who.personId } : { submittedById: who.personId }) });
const entry = (ownerPersonId: string | null, changesOwner = false) => ({ ownerPersonId, organizationId: null, changesOwner });

interface SelfCase<A extends Action> {
  what: string;
  actor: Actor;
  resource: ResourceByAction[A];
  /** What the docs say. */
  allowed: boolean;
}
interface Row<A extends Action> {
  /** The action on municipality A's plan, person, unit or case. */
  resource: ResourceByAction[A];
  /** Someone the docs allow to do exactly this. */
  allowedFor: Actor;
  self: ReadonlyArray<SelfCase<A>>;
}

const table: { [A in Action]: Row<A> } = {
  // The owner's municipality is A: the person's case is with A's unit.
  'plan.create': {
    resource: { ownerId: 'owner', guardianIdsOfOwner: ['guardian'], ownerMunicipalities: ['0301'] },
    allowedFor: coordinatorA,
    self: [{ what: 'the person creates their own plan', actor: owner, resource: { ownerId: 'owner', guardianIdsOfOwner: [], ownerMunicipalities: ['0301'] }, allowed: true }],
  },
  'plan.read': { resource: planA, allowedFor: relative, self: [] },
  'plan.readContent': { resource: planA, allowedFor: relative, self: [] },
  'consent.give': { resource: planA, allowedFor: owner, self: [] },
  'consent.withdraw': {
    resource: { plan: planA, consent: { scope: 'PARTICIPATE', personId: 'relative' } },
    allowedFor: owner,
    self: [
      { what: 'a relative withdraws their own access', actor: relative, resource: { plan: planA, consent: { scope: 'PARTICIPATE', personId: 'relative' } }, allowed: true },
      { what: "a relative withdraws the plan's consent in their own name", actor: relative, resource: { plan: planA, consent: { scope: 'PLAN', personId: 'relative' } }, allowed: false },
      { what: 'a relative withdraws their own access to the ended plan', actor: relative, resource: { plan: planAEnded, consent: { scope: 'PARTICIPATE', personId: 'relative' } }, allowed: true },
      { what: "a nurse withdraws the person's consent to the ended plan", actor: nurseA, resource: { plan: planAEnded, consent: { scope: 'PLAN', personId: 'owner' } }, allowed: false },
    ],
  },
  'plan.manageParticipants': { resource: planA, allowedFor: coordinatorA, self: [] },
  // The unit that granted the case appoints its coordinator while it waits for consent.
  'plan.appointCoordinator': {
    resource: pendingA,
    allowedFor: leadA,
    self: [
      { what: 'unit staff appoint a coordinator (themselves, maybe) to a case waiting for consent', actor: coordinatorA, resource: pendingA, allowed: true },
      { what: 'unit staff appoint a coordinator to a running plan they take no part in', actor: leadA, resource: planA, allowed: false },
    ],
  },
  'participant.remove': {
    resource: { plan: planA, target: { personId: 'relative', role: 'RELATIVE' } },
    allowedFor: owner,
    self: [
      { what: 'a relative leaves', actor: relative, resource: { plan: planA, target: { personId: 'relative', role: 'RELATIVE' } }, allowed: true },
      { what: 'the person removes themselves', actor: owner, resource: { plan: planA, target: { personId: 'owner', role: 'OWNER' } }, allowed: false },
      { what: 'a nurse leaves the ended plan', actor: nurseA, resource: { plan: planAEnded, target: { personId: 'nurse-a', role: 'PROVIDER' } }, allowed: true },
    ],
  },
  'participant.changeRole': {
    resource: { plan: planA, target: { personId: 'relative', role: 'RELATIVE' }, newRole: 'PROVIDER' },
    allowedFor: coordinatorA,
    self: [
      { what: 'the coordinator makes themselves guardian', actor: coordinatorA, resource: { plan: planA, target: { personId: 'coordinator-a', role: 'COORDINATOR' }, newRole: 'GUARDIAN' }, allowed: false },
      { what: 'the guardian makes themselves coordinator', actor: guardian, resource: { plan: planA, target: { personId: 'guardian', role: 'GUARDIAN' }, newRole: 'COORDINATOR' }, allowed: false },
      { what: 'the person makes themselves a relative', actor: owner, resource: { plan: planA, target: { personId: 'owner', role: 'OWNER' }, newRole: 'RELATIVE' }, allowed: false },
    ],
  },
  'plan.editSection': {
    resource: { plan: planA, section: 'goals', grants: {}, entry: null },
    allowedFor: owner,
    self: [
      { what: "a relative hands someone's contribution to themselves", actor: relative, resource: { plan: planA, section: 'contributions', grants: {}, entry: entry('relative', true) }, allowed: false },
      { what: 'a relative writes their own contribution', actor: relative, resource: { plan: planA, section: 'contributions', grants: {}, entry: entry('relative') }, allowed: true },
      { what: 'the coordinator edits the situation the person has not shown them', actor: coordinatorA, resource: { plan: planA, section: 'situation', grants: {}, entry: null }, allowed: false },
      { what: 'the coordinator edits the situation the person has shown them', actor: coordinatorA, resource: { plan: planA, section: 'situation', grants: {}, entry: null, restrictedReaderIds: new Set(['coordinator-a']) }, allowed: true },
    ],
  },
  // The person chose the nurse to read the restricted part.
  'plan.readRestricted': {
    resource: { plan: planA, restrictedReaderIds: new Set(['nurse-a']) },
    allowedFor: nurseA,
    self: [
      { what: 'the coordinator reads the situation nobody chose them for', actor: coordinatorA, resource: { plan: planA, restrictedReaderIds: new Set(['nurse-a']) }, allowed: false },
      { what: 'the person reads their own situation', actor: owner, resource: { plan: planA, restrictedReaderIds: new Set() }, allowed: true },
    ],
  },
  'plan.manageRestrictedAccess': {
    resource: { plan: planA, target: { personId: 'nurse-a', role: 'PROVIDER' }, grant: true },
    allowedFor: guardian,
    self: [
      { what: 'the coordinator shows the situation to themselves', actor: coordinatorA, resource: { plan: planA, target: { personId: 'coordinator-a', role: 'COORDINATOR' }, grant: true }, allowed: false },
      { what: 'the guardian takes the restricted part from themselves', actor: guardian, resource: { plan: planA, target: { personId: 'guardian', role: 'GUARDIAN' }, grant: false }, allowed: false },
      { what: 'a relative shows the situation to themselves', actor: relative, resource: { plan: planA, target: { personId: 'relative', role: 'RELATIVE' }, grant: true }, allowed: false },
    ],
  },
  'plan.end': { resource: planA, allowedFor: owner, self: [] },
  'plan.createVersion': { resource: planA, allowedFor: relative, self: [] },
  'plan.archive': { resource: planA, allowedFor: coordinatorA, self: [] },
  'plan.downloadArchive': { resource: planA, allowedFor: relative, self: [] },
  'plan.readAccessLog': { resource: planA, allowedFor: guardian, self: [] },
  'plan.manageSectionRights': {
    resource: { plan: planA, target: { personId: 'relative', role: 'RELATIVE' } },
    allowedFor: coordinatorA,
    self: [
      { what: 'the coordinator widens their own rights', actor: coordinatorA, resource: { plan: planA, target: { personId: 'coordinator-a', role: 'COORDINATOR' } }, allowed: false },
      { what: 'the guardian widens their own rights', actor: guardian, resource: { plan: planA, target: { personId: 'guardian', role: 'GUARDIAN' } }, allowed: false },
      { what: 'the person changes their own rights', actor: owner, resource: { plan: planA, target: { personId: 'owner', role: 'OWNER' } }, allowed: true },
    ],
  },
  'unit.viewCases': { resource: { organizationId: 'unit-a', organizationKind: 'COORDINATING_UNIT' }, allowedFor: coordinatorA, self: [] },
  'organization.create': { resource: null, allowedFor: admin, self: [] },
  'organization.manageMembers': {
    resource: { organizationId: 'unit-a' },
    allowedFor: leadA,
    self: [{ what: 'staff (not lead) manage their own unit', actor: coordinatorA, resource: { organizationId: 'unit-a' }, allowed: false }],
  },
  'guardianship.record': {
    resource: { guardianId: 'relative', wardId: 'owner', wardMunicipalities: ['0301'] },
    allowedFor: coordinatorA,
    self: [
      { what: 'unit staff make themselves guardian', actor: coordinatorA, resource: { guardianId: 'coordinator-a', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: 'an administrator makes themselves guardian', actor: admin, resource: { guardianId: 'admin', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: 'unit staff name their own guardian', actor: coordinatorA, resource: { guardianId: 'relative', wardId: 'coordinator-a', wardMunicipalities: ['0301'] }, allowed: false },
    ],
  },
  'guardianship.revoke': {
    resource: { guardianId: 'guardian', wardId: 'owner', wardMunicipalities: ['0301'] },
    allowedFor: coordinatorA,
    self: [
      { what: 'the guardian gives up their own guardianship', actor: guardian, resource: { guardianId: 'guardian', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: 'the ward revokes their guardian', actor: owner, resource: { guardianId: 'guardian', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: 'unit staff revoke their own guardianship', actor: coordinatorA, resource: { guardianId: 'coordinator-a', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: 'an administrator revokes their own guardianship', actor: admin, resource: { guardianId: 'admin', wardId: 'owner', wardMunicipalities: ['0301'] }, allowed: false },
      { what: "an administrator revokes someone else's", actor: admin, resource: { guardianId: 'guardian', wardId: 'owner', wardMunicipalities: ['0301', '4601'] }, allowed: true },
    ],
  },
  'person.grantAdmin': {
    resource: null,
    allowedFor: admin,
    self: [{ what: 'a unit lead makes themselves administrator', actor: leadA, resource: null, allowed: false }],
  },
  'notification.read': {
    resource: { recipientId: 'owner' },
    allowedFor: owner,
    self: [{ what: 'unit staff read their own notification', actor: coordinatorA, resource: { recipientId: 'coordinator-a' }, allowed: true }],
  },
  // Claiming to be the person's guardian: nobody outside is.
  'request.submit': {
    resource: { personId: 'owner', source: 'GUARDIAN', guardianIdsOfPerson: ['guardian'], hasPowerOfAttorney: false },
    allowedFor: guardian,
    self: [
      { what: 'a relative asks for themselves as relative', actor: relative, resource: { personId: 'relative', source: 'RELATIVE', guardianIdsOfPerson: [], hasPowerOfAttorney: true }, allowed: false },
      { what: 'a nurse notifies a need of their own', actor: nurseA, resource: { personId: 'nurse-a', source: 'HEALTH_PERSONNEL', guardianIdsOfPerson: [], hasPowerOfAttorney: false }, allowed: false },
      { what: 'the person asks for themselves', actor: owner, resource: { personId: 'owner', source: 'PERSON', guardianIdsOfPerson: [], hasPowerOfAttorney: false }, allowed: true },
    ],
  },
  'request.read': {
    resource: caseA,
    allowedFor: coordinatorA,
    self: [{ what: 'unit staff read a request for themselves', actor: coordinatorA, resource: ownCase(coordinatorA, 'person'), allowed: true }],
  },
  'request.decide': {
    resource: caseA,
    allowedFor: coordinatorA,
    self: [
      { what: 'unit staff decide a request for themselves', actor: coordinatorA, resource: ownCase(coordinatorA, 'person'), allowed: false },
      { what: 'unit staff decide a request they submitted', actor: coordinatorA, resource: ownCase(coordinatorA, 'submitter'), allowed: false },
      { what: "unit staff decide their ward's request", actor: coordinatorA, resource: { ...caseA, guardianIdsOfPerson: ['coordinator-a'] }, allowed: false },
    ],
  },
  'request.withdraw': {
    resource: caseA,
    allowedFor: relative,
    self: [{ what: 'the person withdraws their own request', actor: owner, resource: caseA, allowed: true }],
  },
  'complaint.file': {
    resource: { personId: 'owner', guardianIdsOfPerson: ['guardian'], hasPowerOfAttorney: false },
    allowedFor: guardian,
    self: [{ what: 'the person complains for themselves', actor: owner, resource: { personId: 'owner', guardianIdsOfPerson: [], hasPowerOfAttorney: false }, allowed: true }],
  },
  'complaint.read': { resource: caseA, allowedFor: coordinatorA, self: [] },
  'complaint.updateStatus': {
    resource: { complaint: caseA, newStatus: 'UPHELD' },
    allowedFor: coordinatorA,
    self: [
      { what: 'unit staff uphold their own complaint', actor: coordinatorA, resource: { complaint: ownCase(coordinatorA, 'submitter'), newStatus: 'UPHELD' }, allowed: false },
      { what: "unit staff decide their ward's complaint", actor: coordinatorA, resource: { complaint: { ...caseA, guardianIdsOfPerson: ['coordinator-a'] }, newStatus: 'NOT_UPHELD' }, allowed: false },
      { what: 'the complainant withdraws their own complaint', actor: relative, resource: { complaint: caseA, newStatus: 'WITHDRAWN' }, allowed: true },
    ],
  },
};

type AnyRow = Row<Action>;
const rows = Object.entries(table) as Array<[Action, AnyRow]>;
const ask = (who: Actor, action: Action, resource: unknown) => can(who, action, resource as never);

describe('policy boundaries: every action', () => {
  it('covers every action of the policy', () => {
    // The type makes this complete; the count guards against an action dropped from both.
    expect(rows.length).toBeGreaterThanOrEqual(28);
    expect(new Set(rows.map(([action]) => action)).size).toBe(rows.length);
  });

  it.each(rows)('%s: allowed for whom the docs say (the resource is well formed)', (action, row) => {
    expect(ask(row.allowedFor, action, row.resource)).toBe(true);
  });

  it.each(rows)("%s: refused to staff of another municipality's coordinating unit", (action, row) => {
    expect(ask(leadB, action, row.resource)).toBe(false);
  });

  it.each(rows)('%s: refused to the owner and the coordinator of another plan', (action, row) => {
    // Sanity: in their own plan they are what they claim.
    expect(ask(otherOwner, 'plan.read', planOther) && ask(otherCoordinator, 'plan.manageParticipants', planOther)).toBe(true);
    expect(ask(otherOwner, action, row.resource)).toBe(false);
    expect(ask(otherCoordinator, action, row.resource)).toBe(false);
  });

  const selfCases = rows.flatMap(([action, row]) => row.self.map((c) => [action, c.what, c] as const));
  it.each(selfCases)('%s on oneself: %s', (action, _what, c) => {
    expect(ask(c.actor, action, c.resource)).toBe(c.allowed);
  });

  it("a unit may open a first case for a person with none anywhere, but not reach a person whose case is in another municipality", () => {
    const fresh = { ownerId: 'newcomer', guardianIdsOfOwner: [], ownerMunicipalities: [] };
    expect(can(leadB, 'plan.create', fresh)).toBe(true);
    expect(can(leadB, 'plan.create', { ...fresh, ownerMunicipalities: ['0301', '4601'] })).toBe(false);
    expect(can(coordinatorA, 'plan.create', { ...fresh, ownerMunicipalities: ['0301', null] })).toBe(false);
  });

  it("the unit handles a case waiting for consent: its metadata and coordinator, never its content or the person's choices", () => {
    const coordinatorOf = { personId: 'coordinator-a', role: 'COORDINATOR' } as const;
    const withCoordinator: PlanFacts = { ...pendingA, participants: [...pendingA.participants, { ...coordinatorOf, organizationId: 'unit-a' }] };
    for (const staff of [leadA, coordinatorA]) {
      expect(can(staff, 'plan.read', pendingA)).toBe(true);
      expect(can(staff, 'plan.readContent', pendingA)).toBe(false);
      expect(can(staff, 'plan.downloadArchive', pendingA)).toBe(false);
      expect(can(staff, 'plan.readAccessLog', pendingA)).toBe(false);
      expect(can(staff, 'consent.give', pendingA)).toBe(false);
      expect(can(staff, 'plan.manageParticipants', pendingA)).toBe(false);
      expect(can(staff, 'plan.end', pendingA)).toBe(false);
      expect(can(staff, 'participant.changeRole', { plan: pendingA, target: { personId: 'guardian', role: 'GUARDIAN' }, newRole: 'RELATIVE' })).toBe(false);
      expect(can(staff, 'plan.editSection', { plan: pendingA, section: 'goals', grants: {}, entry: null })).toBe(false);
    }
    // They replace the coordinator, and remove nobody else.
    expect(can(leadA, 'participant.remove', { plan: withCoordinator, target: coordinatorOf })).toBe(true);
    expect(can(leadA, 'participant.remove', { plan: withCoordinator, target: { personId: 'guardian', role: 'GUARDIAN' } })).toBe(false);
    // Once the person consents, the plan is theirs: staff who take no part no longer see it.
    expect(can(leadA, 'plan.read', { ...pendingA, status: 'ACTIVE' })).toBe(false);
    expect(can(leadA, 'participant.remove', { plan: { ...withCoordinator, status: 'ACTIVE' }, target: coordinatorOf })).toBe(false);
    // Another unit, a plan without a unit, a home-care nurse of the same municipality: nothing.
    expect(can(leadB, 'plan.read', pendingA)).toBe(false);
    expect(can(leadA, 'plan.read', { ...pendingA, unitId: null })).toBe(false);
    expect(can(nurseA, 'plan.appointCoordinator', pendingA)).toBe(false);
    expect(can(relative, 'plan.read', pendingA)).toBe(false);
  });

  it('a guardianship needs the one municipality of the ward, or an administrator', () => {
    const facts = (wardMunicipalities: ReadonlyArray<string | null>) => ({ guardianId: 'relative', wardId: 'owner', wardMunicipalities });
    for (const unknown of [[], ['0301', '4601'], ['0301', null], [null]]) {
      expect(can(coordinatorA, 'guardianship.record', facts(unknown))).toBe(false);
      expect(can(admin, 'guardianship.record', facts(unknown))).toBe(true);
    }
    // Several cases, all in A: still A's.
    expect(can(coordinatorA, 'guardianship.record', facts(['0301', '0301']))).toBe(true);
    expect(can(leadB, 'guardianship.record', facts(['4601']))).toBe(true);
    // A unit with no municipality of its own speaks for none.
    const homeless = actor('homeless', 'PERSONNEL', [member('unit-x', 'COORDINATING_UNIT', null)]);
    expect(can(homeless, 'guardianship.record', facts([null]))).toBe(false);
    // Health personnel from anywhere may notify a need (duty to notify): documented, not a hole.
    expect(can(leadB, 'request.submit', { personId: 'owner', source: 'HEALTH_PERSONNEL', guardianIdsOfPerson: [], hasPowerOfAttorney: false })).toBe(true);
  });
});

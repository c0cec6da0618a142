import { describe, expect, it } from 'vitest';
import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';
import type { Actor } from './actor.js';
import { can, type PlanFacts } from './policy.js';

const actor = (personId: string, extra: Partial<Actor> = {}): Actor => ({
  personId,
  kind: 'CITIZEN',
  isAdmin: false,
  memberships: [],
  tokenExpiresAt: new Date(Date.now() + 60_000),
  ...extra,
});

const owner = actor('owner');
const guardian = actor('guardian');
const relative = actor('relative');
const provider = actor('provider', { kind: 'PERSONNEL', memberships: [{ organizationId: 'home-care', organizationKind: 'HOME_CARE', role: 'STAFF', municipality: '0301' }] });
const coordinator = actor('coordinator', { kind: 'PERSONNEL' });
const stranger = actor('stranger');
const unitStaff = actor('unit-staff', { kind: 'PERSONNEL', memberships: [{ organizationId: 'unit', organizationKind: 'COORDINATING_UNIT', role: 'STAFF', municipality: '0301' }] });
const unitLead = actor('lead', { kind: 'PERSONNEL', memberships: [{ organizationId: 'home-care', organizationKind: 'HOME_CARE', role: 'UNIT_LEAD', municipality: '0301' }] });
const admin = actor('admin', { kind: 'PERSONNEL', isAdmin: true });

const plan = (status: PlanStatus = 'ACTIVE'): PlanFacts => ({
  planId: 'plan',
  ownerId: 'owner',
  status,
  // Everyone here takes part by consent, with consent to confidential information.
  participants: [
    { personId: 'owner', role: 'OWNER', readsContent: true },
    { personId: 'guardian', role: 'GUARDIAN', readsContent: true },
    { personId: 'relative', role: 'RELATIVE', readsContent: true },
    { personId: 'provider', role: 'PROVIDER', readsContent: true },
    { personId: 'coordinator', role: 'COORDINATOR', readsContent: true },
  ],
});
const target = (personId: string, role: ParticipantRole) => ({ personId, role });

describe('policy', () => {
  it.each([
    // who, owner of the new plan, guardians of that owner, allowed
    ['the person themselves', owner, 'owner', [], true],
    ['their recorded guardian', guardian, 'owner', ['guardian'], true],
    ['coordinating-unit staff', unitStaff, 'owner', [], true],
    ['a relative without guardianship', relative, 'owner', [], false],
    ['a provider outside the coordinating unit', provider, 'owner', [], false],
    ['an administrator (not a care role)', admin, 'owner', [], false],
  ] as const)('plan.create by %s: %s', (_who, who, ownerId, guardianIds, allowed) => {
    expect(can(who, 'plan.create', { ownerId, guardianIdsOfOwner: guardianIds, ownerMunicipalities: ['0301'] })).toBe(allowed);
  });

  it.each([
    ['owner', owner, true, true],
    ['guardian', guardian, true, true],
    ['coordinator', coordinator, true, true],
    ['relative', relative, true, false],
    ['provider', provider, true, false],
    ['stranger', stranger, false, false],
    ['coordinating-unit staff not in the plan', unitStaff, false, false],
    ['administrator not in the plan', admin, false, false],
  ] as const)('%s: read=%s, manage participants=%s', (_who, who, read, manage) => {
    expect(can(who, 'plan.read', plan())).toBe(read);
    expect(can(who, 'plan.manageParticipants', plan())).toBe(manage);
  });

  it('nobody manages participants of an ended plan', () => {
    for (const who of [owner, guardian, coordinator]) expect(can(who, 'plan.manageParticipants', plan('ENDED'))).toBe(false);
    expect(can(owner, 'plan.read', plan('ENDED'))).toBe(true);
  });

  it.each([
    ['owner removes a relative', owner, target('relative', 'RELATIVE'), true],
    ['coordinator removes a provider', coordinator, target('provider', 'PROVIDER'), true],
    ['a relative leaves', relative, target('relative', 'RELATIVE'), true],
    ['a relative removes a provider', relative, target('provider', 'PROVIDER'), false],
    ['a provider removes the coordinator', provider, target('coordinator', 'COORDINATOR'), false],
    ['the owner removes themselves', owner, target('owner', 'OWNER'), false],
    ['the coordinator removes the owner', coordinator, target('owner', 'OWNER'), false],
    ['a stranger removes a relative', stranger, target('relative', 'RELATIVE'), false],
  ] as const)('participant.remove: %s → %s', (_case, who, whom, allowed) => {
    expect(can(who, 'participant.remove', { plan: plan(), target: whom })).toBe(allowed);
  });

  it.each([
    // After the end, who keeps seeing the plan is the person's (or guardian's) call; anyone may leave.
    ['owner removes a provider', owner, target('provider', 'PROVIDER'), true],
    ['guardian removes the coordinator', guardian, target('coordinator', 'COORDINATOR'), true],
    ['a provider leaves', provider, target('provider', 'PROVIDER'), true],
    ['the coordinator removes a provider', coordinator, target('provider', 'PROVIDER'), false],
    ['the coordinator removes the guardian', coordinator, target('guardian', 'GUARDIAN'), false],
    ['the owner removes themselves', owner, target('owner', 'OWNER'), false],
    ['a stranger removes a relative', stranger, target('relative', 'RELATIVE'), false],
  ] as const)('participant.remove on an ended plan: %s → %s', (_case, who, whom, allowed) => {
    expect(can(who, 'participant.remove', { plan: plan('ENDED'), target: whom })).toBe(allowed);
  });

  it.each([
    ['owner makes a relative a guardian', owner, target('relative', 'RELATIVE'), 'GUARDIAN', true],
    ['coordinator makes a provider coordinator', coordinator, target('provider', 'PROVIDER'), 'COORDINATOR', true],
    ['anyone makes someone owner', owner, target('relative', 'RELATIVE'), 'OWNER', false],
    ['the owner is demoted', coordinator, target('owner', 'OWNER'), 'RELATIVE', false],
    ['a provider changes a relative', provider, target('relative', 'RELATIVE'), 'PROVIDER', false],
  ] as const)('participant.changeRole: %s → %s', (_case, who, whom, newRole, allowed) => {
    expect(can(who, 'participant.changeRole', { plan: plan(), target: whom, newRole })).toBe(allowed);
  });

  it.each([
    ['admin', admin, true, true, true, true],
    ['unit lead of home care', unitLead, false, true, false, false],
    ['coordinating-unit staff', unitStaff, false, false, true, false],
    ['citizen', owner, false, false, false, false],
  ] as const)('%s: create org=%s, manage home-care staff=%s, record guardianship=%s, grant admin=%s', (_who, who, createOrg, manageMembers, guardianship, grant) => {
    expect(can(who, 'organization.create', null)).toBe(createOrg);
    expect(can(who, 'organization.manageMembers', { organizationId: 'home-care' })).toBe(manageMembers);
    // A ward whose one case is with the coordinating unit of 0301.
    expect(can(who, 'guardianship.record', { guardianId: 'guardian', wardId: 'owner', wardMunicipalities: ['0301'] })).toBe(guardianship);
    expect(can(who, 'person.grantAdmin', null)).toBe(grant);
  });

  it('nobody edits the document of a coordinator-only case', () => {
    const coordinatorOnly = { ...plan(), kind: 'COORDINATOR_ONLY' as const };
    const edit = { section: 'goals' as const, grants: {}, entry: null };
    expect(can(owner, 'plan.editSection', { ...edit, plan: plan() })).toBe(true);
    for (const who of [owner, guardian, coordinator]) expect(can(who, 'plan.editSection', { ...edit, plan: coordinatorOnly })).toBe(false);
    expect(can(owner, 'plan.read', coordinatorOnly)).toBe(true);
  });

  it.each([
    ['the person for themselves', owner, 'PERSON', false, true],
    ['someone else claiming to be the person', relative, 'PERSON', false, false],
    ['a recorded guardian', guardian, 'GUARDIAN', false, true],
    ['a relative posing as guardian', relative, 'GUARDIAN', false, false],
    ['a relative with a power of attorney', relative, 'RELATIVE', true, true],
    ['a relative without one', relative, 'RELATIVE', false, false],
    ['health personnel notifying a need', provider, 'HEALTH_PERSONNEL', false, true],
    ['a citizen posing as health personnel', relative, 'HEALTH_PERSONNEL', false, false],
  ] as const)('request.submit by %s: %s', (_case, who, source, hasPowerOfAttorney, allowed) => {
    expect(can(who, 'request.submit', { personId: 'owner', source, guardianIdsOfPerson: ['guardian'], hasPowerOfAttorney })).toBe(allowed);
  });

  const intakeCase = { unitId: 'unit', personId: 'owner', submittedById: 'relative', guardianIdsOfPerson: ['guardian'] };
  const otherUnitStaff = actor('other-staff', { kind: 'PERSONNEL', memberships: [{ organizationId: 'other-unit', organizationKind: 'COORDINATING_UNIT', role: 'STAFF', municipality: '0301' }] });
  it.each([
    // who, read, decide, withdraw, complaint to FORWARDED, complaint to WITHDRAWN
    ['the person', owner, true, false, true, false, false],
    ['their guardian', guardian, true, false, false, false, false],
    ['the submitter / complainant', relative, true, false, true, false, true],
    ['staff of the unit', unitStaff, true, true, false, true, false],
    ['staff of another unit', otherUnitStaff, false, false, false, false, false],
    ['a stranger', stranger, false, false, false, false, false],
  ] as const)('requests and complaints: %s', (_who, who, read, decide, withdraw, forward, withdrawComplaint) => {
    expect(can(who, 'request.read', intakeCase)).toBe(read);
    expect(can(who, 'complaint.read', intakeCase)).toBe(read);
    expect(can(who, 'request.decide', intakeCase)).toBe(decide);
    expect(can(who, 'request.withdraw', intakeCase)).toBe(withdraw);
    expect(can(who, 'complaint.updateStatus', { complaint: intakeCase, newStatus: 'FORWARDED' })).toBe(forward);
    expect(can(who, 'complaint.updateStatus', { complaint: intakeCase, newStatus: 'WITHDRAWN' })).toBe(withdrawComplaint);
  });

  it.each([
    ['the person', owner, false, true],
    ['their guardian', guardian, false, true],
    ['someone with a power of attorney', stranger, true, true],
    ['someone without one', stranger, false, false],
  ] as const)('complaint.file by %s', (_who, who, hasPowerOfAttorney, allowed) => {
    expect(can(who, 'complaint.file', { personId: 'owner', guardianIdsOfPerson: ['guardian'], hasPowerOfAttorney })).toBe(allowed);
  });

  it.each([
    ['owner', owner, true],
    ['guardian', guardian, true],
    ['coordinator', coordinator, false],
    ['relative', relative, false],
    ['provider', provider, false],
    ['stranger', stranger, false],
    ['administrator not in the plan', admin, false],
  ] as const)('plan.readAccessLog by %s → %s, also once the plan has ended', (_who, who, allowed) => {
    expect(can(who, 'plan.readAccessLog', plan())).toBe(allowed);
    expect(can(who, 'plan.readAccessLog', plan('ENDED'))).toBe(allowed);
  });

  it('lets only the recipient see a notification, not even an administrator', () => {
    expect(can(owner, 'notification.read', { recipientId: 'owner' })).toBe(true);
    expect(can(relative, 'notification.read', { recipientId: 'owner' })).toBe(false);
    expect(can(admin, 'notification.read', { recipientId: 'owner' })).toBe(false);
  });

  it.each([
    ['staff of the unit', unitStaff, 'unit', 'COORDINATING_UNIT', true],
    ['staff of another unit', unitStaff, 'other-unit', 'COORDINATING_UNIT', false],
    ['a unit lead of home care, for home care', unitLead, 'home-care', 'HOME_CARE', false],
    ['an administrator who is not staff', admin, 'unit', 'COORDINATING_UNIT', false],
    ['a citizen', owner, 'unit', 'COORDINATING_UNIT', false],
  ] as const)('unit.viewCases: %s → %s', (_case, who, organizationId, organizationKind, allowed) => {
    expect(can(who, 'unit.viewCases', { organizationId, organizationKind })).toBe(allowed);
  });

  // The relative has no consent to see confidential information here.
  const withContentConsent = (status: PlanStatus): PlanFacts => ({
    ...plan(status),
    participants: plan(status).participants.map((participant) => ({ ...participant, readsContent: participant.personId !== 'relative' })),
  });
  it.each([
    // who, plan status, archive (interim), download archive records
    ['owner', owner, 'ACTIVE', true, true],
    ['guardian', guardian, 'ACTIVE', true, true],
    ['coordinator', coordinator, 'ACTIVE', true, true],
    ['provider', provider, 'ACTIVE', false, true],
    ['relative without content consent', relative, 'ACTIVE', false, false],
    ['stranger', stranger, 'ACTIVE', false, false],
    ['administrator not in the plan', admin, 'ACTIVE', false, false],
    ['coordinator of an ended plan', coordinator, 'ENDED', false, true],
    ['owner of an ended plan', owner, 'ENDED', false, true],
  ] as const)('plan.archive / plan.downloadArchive: %s', (_who, who, status, archive, download) => {
    expect(can(who, 'plan.archive', withContentConsent(status))).toBe(archive);
    expect(can(who, 'plan.downloadArchive', withContentConsent(status))).toBe(download);
  });

  // The provider takes part but has no consent to confidential information.
  const participationOnly = (status: PlanStatus): PlanFacts => ({
    ...plan(status),
    participants: plan(status).participants.map((participant) => ({ ...participant, readsContent: participant.personId !== 'provider' })),
  });
  it.each([
    // who, plan status, read content, edit own contributions
    ['owner', owner, 'ACTIVE', true, true],
    ['relative with consent', relative, 'ACTIVE', true, true],
    ['provider taking part without content consent', provider, 'ACTIVE', false, false],
    ['stranger', stranger, 'ACTIVE', false, false],
    ['owner of a REQUESTED plan', owner, 'REQUESTED', true, true],
    ['guardian of a REQUESTED plan', guardian, 'REQUESTED', true, true],
    ['coordinator of a REQUESTED plan (no consent to the plan yet)', coordinator, 'REQUESTED', false, false],
    ['relative of a REQUESTED plan', relative, 'REQUESTED', false, false],
  ] as const)('plan.readContent / plan.editSection: %s', (_who, who, status, read, edit) => {
    const facts = participationOnly(status);
    expect(can(who, 'plan.readContent', facts)).toBe(read);
    const entry = { ownerPersonId: who.personId, organizationId: null, changesOwner: false };
    expect(can(who, 'plan.editSection', { plan: facts, section: 'contributions', grants: {}, entry })).toBe(edit);
  });

  it.each([
    // who, plan status, give, withdraw the relative's, withdraw the plan's
    ['owner', owner, 'ACTIVE', true, true, true],
    ['guardian', guardian, 'REQUESTED', true, true, true],
    ['relative (their own participation only)', relative, 'ACTIVE', false, true, false],
    ['coordinator', coordinator, 'ACTIVE', false, false, false],
    ['provider', provider, 'ACTIVE', false, false, false],
    ['stranger', stranger, 'ACTIVE', false, false, false],
    // Withdrawal works after the end too (docs/consent.md); giving does not.
    ['owner of an ended plan', owner, 'ENDED', false, true, true],
    ['relative of an ended plan', relative, 'ENDED', false, true, false],
    ['provider of an ended plan', provider, 'ENDED', false, false, false],
  ] as const)('consent.give / consent.withdraw: %s', (_who, who, status, give, withdrawRelative, withdrawPlan) => {
    expect(can(who, 'consent.give', plan(status))).toBe(give);
    expect(can(who, 'consent.withdraw', { plan: plan(status), consent: { scope: 'PARTICIPATE', personId: 'relative' } })).toBe(withdrawRelative);
    expect(can(who, 'consent.withdraw', { plan: plan(status), consent: { scope: 'PLAN', personId: 'owner' } })).toBe(withdrawPlan);
  });
});

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
const provider = actor('provider', { kind: 'PERSONNEL', memberships: [{ organizationId: 'home-care', organizationKind: 'HOME_CARE', role: 'STAFF' }] });
const coordinator = actor('coordinator', { kind: 'PERSONNEL' });
const stranger = actor('stranger');
const unitStaff = actor('unit-staff', { kind: 'PERSONNEL', memberships: [{ organizationId: 'unit', organizationKind: 'COORDINATING_UNIT', role: 'STAFF' }] });
const unitLead = actor('lead', { kind: 'PERSONNEL', memberships: [{ organizationId: 'home-care', organizationKind: 'HOME_CARE', role: 'UNIT_LEAD' }] });
const admin = actor('admin', { kind: 'PERSONNEL', isAdmin: true });

const plan = (status: PlanStatus = 'ACTIVE'): PlanFacts => ({
  planId: 'plan',
  ownerId: 'owner',
  status,
  participants: [
    { personId: 'owner', role: 'OWNER' },
    { personId: 'guardian', role: 'GUARDIAN' },
    { personId: 'relative', role: 'RELATIVE' },
    { personId: 'provider', role: 'PROVIDER' },
    { personId: 'coordinator', role: 'COORDINATOR' },
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
    expect(can(who, 'plan.create', { ownerId, guardianIdsOfOwner: guardianIds })).toBe(allowed);
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
    expect(can(who, 'guardianship.record', null)).toBe(guardianship);
    expect(can(who, 'person.grantAdmin', null)).toBe(grant);
  });
});

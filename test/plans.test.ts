import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUERS } from '../src/config/config.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

const PLAN_FIELDS = 'id title status version viewerRole viewerCanManageParticipants participants { id role person { id } organization { id } viewerCanRemove viewerCanChangeRole }';

describe('plans and participants', () => {
  let t: TestApp;
  let seed: ReturnType<typeof seedFor>;
  let homeCare: { id: string };
  let unit: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    seed = seedFor(t);
    homeCare = await seed.organization('Hjemmetjenesten', 'HOME_CARE');
    unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  });
  afterAll(() => t?.close());

  const createPlan = (token: string, owner?: Record<string, unknown>) =>
    t.gql(`mutation($input: CreatePlanInput!) { createPlan(input: $input) { __typename ... on CreatePlanSuccess { plan { ${PLAN_FIELDS} } } ... on PlanAlreadyExists { message existingPlan { id } } } }`, { input: { owner } }, token);
  const addParticipant = (token: string, input: Record<string, unknown>) =>
    t.gql(`mutation($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on ParticipantAdded { participant { id role } plan { version } } ... on AlreadyParticipant { message } ... on VersionConflict { currentVersion } } }`, { input }, token);

  it('lets a person create their own plan, once', async () => {
    const anna = await seed.citizen('anna');
    const first = await createPlan(anna.token);
    expect(first.data?.createPlan.__typename).toBe('CreatePlanSuccess');
    expect(first.data?.createPlan.plan).toMatchObject({ status: 'ACTIVE', version: 1, viewerRole: 'OWNER', viewerCanManageParticipants: true });
    const second = await createPlan(anna.token);
    // Her own plan comes with the answer, so a client (or the README's shell) carries on with it.
    expect(second.data?.createPlan).toEqual({ __typename: 'PlanAlreadyExists', message: expect.any(String), existingPlan: { id: first.data?.createPlan.plan.id } });
  });

  it('lets a recorded guardian or coordinating-unit staff create a plan for someone, and nobody else', async () => {
    const child = await seed.citizen('child');
    const parent = await seed.citizen('parent');
    const neighbour = await seed.citizen('neighbour');
    const kari = await seed.staff('kari', unit.id);
    const childRef = { issuer: DEV_ISSUERS.citizen, subject: 'child' };

    const refused = await createPlan(neighbour.token, childRef);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    // GraphQL over HTTP: an executed operation answers 200, its refusal in `errors` (src/graphql/http-status.ts).
    expect(refused.status).toBe(200);

    // The child has no case in any municipality yet, so the administrator records the parent (docs/guardianship.md).
    await seed.guardianship(parent, child);

    const byParent = await createPlan(parent.token, childRef);
    expect(byParent.data?.createPlan.plan.viewerRole).toBe('GUARDIAN');
    const roles = byParent.data?.createPlan.plan.participants.map((p: any) => [p.person.id, p.role]);
    expect(roles).toEqual([[child.id, 'OWNER'], [parent.id, 'GUARDIAN']]);

    const elder = await seed.citizen('elder');
    const byStaff = await createPlan(kari.token, { id: elder.id });
    // Made by staff, the plan waits for the person's consent (src/consent/).
    expect(byStaff.data?.createPlan.plan).toMatchObject({ viewerRole: 'COORDINATOR', status: 'REQUESTED' });
    expect(byStaff.data?.createPlan.plan.participants[1].organization).toEqual({ id: unit.id });
  });

  it('manages participants: invite, refuse duplicates and stale versions, change roles, remove', async () => {
    const owner = await seed.citizen('owner-1');
    const relative = await seed.citizen('relative-1');
    const nurse = await seed.staff('nurse-1', homeCare.id);
    const plan = await seed.plan().withOwner(owner).create();

    const added = await addParticipant(owner.token, { planId: plan.id, role: 'RELATIVE', person: { id: relative.id }, expectedVersion: 1 });
    expect(added.data?.addParticipant).toMatchObject({ __typename: 'ParticipantAdded', participant: { role: 'RELATIVE' }, plan: { version: 2 } });

    const duplicate = await addParticipant(owner.token, { planId: plan.id, role: 'RELATIVE', person: { id: relative.id } });
    expect(duplicate.data?.addParticipant.__typename).toBe('AlreadyParticipant');

    const stale = await addParticipant(owner.token, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id }, expectedVersion: 1 });
    expect(stale.data?.addParticipant).toEqual({ __typename: 'VersionConflict', currentVersion: 2 });

    const noOrganization = await addParticipant(owner.token, { planId: plan.id, role: 'PROVIDER', person: { id: nurse.id } });
    expect(errorCode(noOrganization)).toBe('BAD_USER_INPUT');
    const wrongOrganization = await addParticipant(owner.token, { planId: plan.id, role: 'PROVIDER', organizationId: unit.id, person: { id: nurse.id } });
    expect(wrongOrganization.errors?.[0]?.message).toMatch(/not staff/);
    const notGuardian = await addParticipant(owner.token, { planId: plan.id, role: 'GUARDIAN', person: { id: nurse.id } });
    expect(errorCode(notGuardian)).toBe('BAD_USER_INPUT');

    const provider = await addParticipant(owner.token, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id } });
    const providerId = provider.data?.addParticipant.participant.id;

    // A relative may not invite anyone.
    const byRelative = await addParticipant(relative.token, { planId: plan.id, role: 'RELATIVE', person: { issuer: DEV_ISSUERS.citizen, subject: 'cousin', displayName: 'Cousin' } });
    expect(errorCode(byRelative)).toBe('FORBIDDEN');

    const promoted = await t.gql('mutation($input: ChangeParticipantRoleInput!) { changeParticipantRole(input: $input) { __typename ... on ParticipantRoleChanged { participant { role organization { id } } plan { version } } } }',
      { input: { participantId: providerId, role: 'COORDINATOR', organizationId: homeCare.id } }, owner.token);
    expect(promoted.data?.changeParticipantRole).toMatchObject({ participant: { role: 'COORDINATOR', organization: { id: homeCare.id } } });

    const ownerRow = plan.participantIds['owner-1'];
    const removeOwner = await t.gql('mutation($id: ID!) { removeParticipant(input: { participantId: $id }) { __typename } }', { id: ownerRow }, nurse.token);
    expect(errorCode(removeOwner)).toBe('FORBIDDEN');

    const relativeRow = added.data?.addParticipant.participant.id;
    const left = await t.gql('mutation($id: ID!) { removeParticipant(input: { participantId: $id }) { __typename ... on ParticipantRemoved { participantId plan { id } } } }', { id: relativeRow }, relative.token);
    expect(left.data?.removeParticipant).toEqual({ __typename: 'ParticipantRemoved', participantId: relativeRow, plan: null });
    const afterLeaving = await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: plan.id }, relative.token);
    expect(errorCode(afterLeaving)).toBe('NOT_FOUND');
  });

  describe('someone who takes no part in a plan', () => {
    let stranger: SeededPerson;
    let planId: string;
    let ownerParticipantId: string;

    beforeAll(async () => {
      stranger = await seed.citizen('stranger');
      const owner = await seed.citizen('private-owner');
      const plan = await seed.plan().withOwner(owner).create();
      planId = plan.id;
      ownerParticipantId = plan.participantIds['private-owner']!;
    });

    it('cannot read it, whatever id they try', async () => {
      for (const id of [planId, planId.toUpperCase(), '00000000-0000-0000-0000-000000000000']) {
        const response = await t.gql(`query($id: ID!) { plan(id: $id) { ${PLAN_FIELDS} } }`, { id }, stranger.token);
        expect(errorCode(response)).toBe('NOT_FOUND');
        expect(response.data?.plan ?? null).toBeNull();
      }
      const malformed = await t.gql('query { plan(id: "1 or 1=1") { id } }', {}, stranger.token);
      expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
      const list = await t.gql('{ plans { totalCount edges { node { id } } } }', {}, stranger.token);
      expect(list.data?.plans).toEqual({ totalCount: 0, edges: [] });
    });

    it('cannot change it: not add themselves, not remove or re-role anyone', async () => {
      const join = await addParticipant(stranger.token, { planId, role: 'RELATIVE', person: { id: stranger.id } });
      expect(errorCode(join)).toBe('NOT_FOUND');
      const remove = await t.gql('mutation($id: ID!) { removeParticipant(input: { participantId: $id }) { __typename } }', { id: ownerParticipantId }, stranger.token);
      expect(errorCode(remove)).toBe('NOT_FOUND');
      const change = await t.gql('mutation($id: ID!) { changeParticipantRole(input: { participantId: $id, role: RELATIVE }) { __typename } }', { id: ownerParticipantId }, stranger.token);
      expect(errorCode(change)).toBe('NOT_FOUND');
    });
  });

  it('pages through the plans a person takes part in, newest first', async () => {
    const lead = await seed.staff('lead', unit.id);
    const created: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const person = await seed.citizen(`paged-${index}`);
      const response = await createPlan(lead.token, { id: person.id });
      created.push(response.data?.createPlan.plan.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response: any = await t.gql('query($after: String) { plans(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }', { after }, lead.token);
      expect(response.data.plans.totalCount).toBe(5);
      // Relay's full PageInfo: paging forward, there are earlier edges exactly when we passed `after`.
      const { edges, pageInfo } = response.data.plans;
      expect(pageInfo).toMatchObject({ hasPreviousPage: after !== null, startCursor: edges[0].cursor, endCursor: edges.at(-1).cursor });
      seen.push(...response.data.plans.edges.map((edge: any) => edge.node.id));
      after = response.data.plans.pageInfo.hasNextPage ? response.data.plans.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());

    const tooMany = await t.gql('{ plans(first: 1000) { totalCount } }', {}, lead.token);
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    const badCursor = await t.gql('{ plans(first: 2, after: "garbage") { totalCount } }', {}, lead.token);
    expect(errorCode(badCursor)).toBe('BAD_USER_INPUT');
  });

  it('only lets administrators and unit leads manage organizations and staff', async () => {
    const citizen = await seed.citizen('curious');
    const create = await t.gql('mutation { createOrganization(input: { name: "Fake", kind: NAV }) { id } }', {}, citizen.token);
    expect(errorCode(create)).toBe('FORBIDDEN');
    const members = await t.gql('query($id: ID!) { memberships(organizationId: $id) { id } }', { id: homeCare.id }, citizen.token);
    expect(errorCode(members)).toBe('FORBIDDEN');
    const viewer = await t.gql('{ me { isAdmin viewerCanCreateOrganization viewerCanRecordGuardianship } }', {}, citizen.token);
    expect(viewer.data?.me).toEqual({ isAdmin: false, viewerCanCreateOrganization: false, viewerCanRecordGuardianship: false });
  });
});

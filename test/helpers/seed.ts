import { DEV_ISSUERS } from '../../src/config/config.js';
import { ADMIN, type TestApp } from './test-app.js';

export interface SeededPerson {
  sub: string;
  id: string;
  token: string;
  kind: 'citizen' | 'personnel';
}

export interface SeededPlan {
  id: string;
  owner: SeededPerson;
  /** Participant ids by person sub. */
  participantIds: Record<string, string>;
}

function expectData<T>(response: { data?: T | null; errors?: unknown }, what: string): T {
  if (!response.data || response.errors) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** Seed helpers that read like the domain, all going through the public API. */
export function seedFor(t: TestApp) {
  const adminToken = () => t.token(ADMIN.subject, 'personnel', 'Admin');

  async function person(sub: string, kind: 'citizen' | 'personnel'): Promise<SeededPerson> {
    const token = await t.token(sub, kind, `${sub} name`);
    const data = expectData(await t.gql<{ me: { person: { id: string } } }>('{ me { person { id } } }', {}, token), 'me');
    return { sub, id: data.me.person.id, token, kind };
  }

  async function organization(name: string, kind = 'HOME_CARE'): Promise<{ id: string; name: string }> {
    const data = expectData(
      await t.gql<{ createOrganization: { id: string } }>(
        'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
        { input: { name, kind, municipality: '0301' } },
        await adminToken(),
      ),
      'createOrganization',
    );
    return { id: data.createOrganization.id, name };
  }

  async function staff(sub: string, organizationId: string, role: 'STAFF' | 'UNIT_LEAD' = 'STAFF'): Promise<SeededPerson> {
    expectData(
      await t.gql(
        'mutation($input: AddMembershipInput!) { addMembership(input: $input) { id } }',
        { input: { organizationId, role, person: { issuer: DEV_ISSUERS.personnel, subject: sub, displayName: `${sub} name` } } },
        await adminToken(),
      ),
      'addMembership',
    );
    return person(sub, 'personnel');
  }

  function plan() {
    let owner: SeededPerson | undefined;
    const invites: Array<{ who: SeededPerson; role: string; organizationId?: string }> = [];
    const builder = {
      withOwner(who: SeededPerson) {
        owner = who;
        return builder;
      },
      withRelative(who: SeededPerson) {
        invites.push({ who, role: 'RELATIVE' });
        return builder;
      },
      withProvider(who: SeededPerson, organizationId: string) {
        invites.push({ who, role: 'PROVIDER', organizationId });
        return builder;
      },
      withCoordinator(who: SeededPerson, organizationId: string) {
        invites.push({ who, role: 'COORDINATOR', organizationId });
        return builder;
      },
      async create(): Promise<SeededPlan> {
        if (!owner) throw new Error('a plan needs withOwner()');
        const created = expectData(
          await t.gql<{ createPlan: { plan: { id: string; participants: Array<{ id: string }> } } }>(
            'mutation { createPlan(input: { title: "Test plan" }) { ... on CreatePlanSuccess { plan { id participants { id } } } } }',
            {},
            owner.token,
          ),
          'createPlan',
        );
        const planId = created.createPlan.plan.id;
        const participantIds: Record<string, string> = { [owner.sub]: created.createPlan.plan.participants[0]!.id };
        for (const invite of invites) {
          const added = expectData(
            await t.gql<{ addParticipant: { participant: { id: string } } }>(
              `mutation($input: AddParticipantInput!) { addParticipant(input: $input) { ... on ParticipantAdded { participant { id } } } }`,
              { input: { planId, role: invite.role, organizationId: invite.organizationId, person: { id: invite.who.id } } },
              owner.token,
            ),
            'addParticipant',
          );
          participantIds[invite.who.sub] = added.addParticipant.participant.id;
        }
        return { id: planId, owner, participantIds };
      },
    };
    return builder;
  }

  /** Records `guardian` as `ward`'s parent, as the administrator (who may, whether or not the ward has a case yet). */
  async function guardianship(guardian: SeededPerson, ward: SeededPerson): Promise<void> {
    expectData(
      await t.gql(
        'mutation($input: RecordGuardianshipInput!) { recordGuardianship(input: $input) { id } }',
        { input: { guardian: { id: guardian.id }, ward: { id: ward.id }, basis: 'PARENT', basisReference: 'Birth certificate seen' } },
        await adminToken(),
      ),
      'recordGuardianship',
    );
  }

  return {
    citizen: (sub: string) => person(sub, 'citizen'),
    personnel: (sub: string) => person(sub, 'personnel'),
    organization,
    staff,
    plan,
    guardianship,
  };
}

import { DEV_ISSUERS } from '../../src/config/config.js';
import { expectData } from './graphql.js';
import { planBuilder } from './plan-builder.js';
import { ADMIN, type TestApp } from './test-app.js';

export interface SeededPerson {
  sub: string;
  id: string;
  token: string;
  kind: 'citizen' | 'personnel';
}

export type { SeededPlan } from './plan-builder.js';

/** Seed helpers that read like the domain, all going through the public API. */
export function seedFor(t: TestApp) {
  const adminToken = () => t.token(ADMIN.subject, 'personnel', 'Admin');

  async function person(sub: string, kind: 'citizen' | 'personnel'): Promise<SeededPerson> {
    const token = await t.token(sub, kind, `${sub} name`);
    const data = expectData(await t.gql<{ me: { person: { id: string } } }>('{ me { person { id } } }', {}, token), 'me');
    return { sub, id: data.me.person.id, token, kind };
  }

  /** An organization of a municipality (kommunenummer): a COORDINATING_UNIT receives that municipality's requests. */
  async function organization(name: string, kind = 'HOME_CARE', municipality = '0301'): Promise<{ id: string; name: string }> {
    const data = expectData(
      await t.gql<{ createOrganization: { id: string } }>(
        'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
        { input: { name, kind, municipality } },
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

  /**
   * Records `guardian` as `ward`'s parent, as `by`: staff of the ward's unit, or by default the
   * administrator (who may, whether or not the ward has a case yet).
   */
  async function guardianship(guardian: SeededPerson, ward: SeededPerson, by?: SeededPerson): Promise<void> {
    expectData(
      await t.gql(
        'mutation($input: RecordGuardianshipInput!) { recordGuardianship(input: $input) { id } }',
        { input: { guardian: { id: guardian.id }, ward: { id: ward.id }, basis: 'PARENT', basisReference: 'Birth certificate seen' } },
        by ? by.token : await adminToken(),
      ),
      'recordGuardianship',
    );
  }

  return {
    citizen: (sub: string) => person(sub, 'citizen'),
    personnel: (sub: string) => person(sub, 'personnel'),
    organization,
    staff,
    /** A plan in the state the test needs: see `planBuilder`. */
    plan: planBuilder(t),
    guardianship,
  };
}

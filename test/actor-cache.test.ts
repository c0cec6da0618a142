import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUERS } from '../src/config/config.js';
import { errorCode, expectData } from './helpers/graphql.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let ola: SeededPerson;

const DASHBOARD = 'query($unit: ID!) { unitDashboard(unitId: $unit) { counts { openRequests } } }';

beforeAll(async () => {
  t = await startTestApp();
  seed = seedFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  ola = await seed.personnel('ola');
});

afterAll(async () => {
  await t?.close();
});

const adminToken = () => t.token(ADMIN.subject, 'personnel', 'Admin');

describe('the actor a token stands for', () => {
  it('changes for the same token, at once, when the person joins or leaves a unit', async () => {
    // First use of the token: the actor is resolved and remembered without the membership (a unit
    // one is not staff of is not found).
    expect(errorCode(await t.gql(DASHBOARD, { unit: unitId }, ola.token))).toBe('NOT_FOUND');

    const added = expectData(await t.gql<{ addMembership: { id: string } }>(
      'mutation($input: AddMembershipInput!) { addMembership(input: $input) { id } }',
      { input: { organizationId: unitId, role: 'STAFF', person: { issuer: DEV_ISSUERS.personnel, subject: 'ola', displayName: 'ola name' } } },
      await adminToken(),
    ), 'addMembership');
    expectData(await t.gql(DASHBOARD, { unit: unitId }, ola.token), 'unitDashboard as staff');

    expectData(await t.gql('mutation($id: ID!) { removeMembership(id: $id) }', { id: added.addMembership.id }, await adminToken()), 'removeMembership');
    expect(errorCode(await t.gql(DASHBOARD, { unit: unitId }, ola.token))).toBe('NOT_FOUND');
  });
});

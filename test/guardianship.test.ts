import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUERS } from '../src/config/config.js';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * Finding 3 of issue 11 through the real GraphQL door: staff of municipality B's coordinating unit
 * made themselves guardian of a person in municipality A and then read that person's requests and
 * complaints. docs/guardianship.md says who may record a guardianship now.
 */

let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let intake: ReturnType<typeof intakeFor>;
let admin: string;
let unitA: { id: string };
let unitB: { id: string };
let staffA: SeededPerson;
let staffB: SeededPerson;
let colleagueB: SeededPerson;

const RECORD = 'mutation($input: RecordGuardianshipInput!) { recordGuardianship(input: $input) { id basis basisReference guardian { id } ward { id } } }';
const record = (token: string, guardian: SeededPerson | { id: string }, ward: SeededPerson, basis = 'COURT_APPOINTED', basisReference = 'Statsforvalteren i Oslo og Viken, sak 2026/4411') =>
  t.gql(RECORD, { input: { guardian: { id: guardian.id }, ward: { id: ward.id }, basis, basisReference } }, token);
const guardianshipNotices = (recipientId: string) =>
  t.app.orm.em.fork().execute<Array<{ link: string }>>(
    `select "link" from "notification" where "recipient_id" = ? and "kind" = 'GUARDIANSHIP_RECORDED' order by "created_at"`,
    [recipientId],
  );
const guardiansOf = async (ward: SeededPerson) =>
  (await t.app.orm.em.fork().execute<Array<{ guardian_id: string }>>('select "guardian_id" from "guardianship" where "ward_id" = ? order by "guardian_id"', [ward.id]))
    .map((row) => row.guardian_id);

/** A person of municipality A: a refused request at A's unit and a complaint about it, with text. */
async function personOfA(sub: string) {
  const person = await seed.citizen(sub);
  const submitted = await intake.submit(person, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' });
  const requestId = submitted.data!.submitRequest.id as string;
  expect((await intake.decide(staffA, { requestId, decision: 'REFUSED', reason: 'Needs are met today' })).errors).toBeUndefined();
  const filed = await intake.fileComplaint(person, { about: 'REFUSAL', requestId, text: 'Private: my diagnosis and my home situation' });
  expect(filed.errors).toBeUndefined();
  return { person, requestId, complaintId: filed.data!.fileComplaint.id as string };
}

beforeAll(async () => {
  t = await startTestApp();
  seed = seedFor(t);
  intake = intakeFor(t);
  admin = await t.token(ADMIN.subject, 'personnel', 'Admin');
  unitA = await seed.organization('Koordinerende enhet Oslo', 'COORDINATING_UNIT'); // 0301
  unitB = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  staffA = await seed.staff('staff-a', unitA.id);
  staffB = await seed.staff('staff-b', unitB.id);
  colleagueB = await seed.staff('colleague-b', unitB.id);
});
afterAll(() => t?.close());

describe('recording a guardianship', () => {
  it("refuses staff of another municipality's unit, and they still cannot read the person's requests or complaints", async () => {
    const { person, requestId, complaintId } = await personOfA('ward-a');
    // The attack as reported: B's staff name themselves guardian of A's person; and a colleague.
    for (const guardian of [staffB, colleagueB]) {
      const refused = await record(staffB.token, guardian, person);
      expect(errorCode(refused)).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
    }
    // By issuer and subject, as a raw client might: the same refusal, and nobody is created.
    const byRef = await t.gql(RECORD, {
      input: { guardian: { issuer: DEV_ISSUERS.personnel, subject: 'staff-b' }, ward: { issuer: DEV_ISSUERS.citizen, subject: 'ward-a' }, basis: 'OTHER', basisReference: 'x' },
    }, staffB.token);
    expect(errorCode(byRef)).toBe('FORBIDDEN');
    expect(await guardiansOf(person)).toEqual([]);
    expect(await guardianshipNotices(person.id)).toEqual([]);

    const request = await intake.request(staffB, requestId);
    expect(errorCode(request)).toBe('NOT_FOUND');
    const complaint = await intake.complaint(staffB, complaintId);
    expect(errorCode(complaint)).toBe('NOT_FOUND');
    expect(JSON.stringify(complaint)).not.toContain('diagnosis');
    // The barrier: the same reads as A's staff answer, so the refusals above are the rule, not a broken read.
    expect((await intake.complaint(staffA, complaintId)).data?.complaint.text).toContain('diagnosis');
  });

  it('refuses anyone recording a guardianship that concerns themselves, administrators too', async () => {
    const { person } = await personOfA('ward-self');
    expect(errorCode(await record(staffA.token, staffA, person))).toBe('FORBIDDEN');
    const adminId = (await t.gql('{ me { person { id } } }', {}, admin)).data!.me.person.id as string;
    expect(errorCode(await record(admin, { id: adminId }, person))).toBe('FORBIDDEN');
    // The ward naming their own guardian, citizen or not.
    const friend = await seed.citizen('friend-of-ward-self');
    expect(errorCode(await record(person.token, friend, person))).toBe('FORBIDDEN');
    expect(await guardiansOf(person)).toEqual([]);
  });

  it("lets A's unit staff record with a basis, and tells the ward and the existing guardians", async () => {
    const { person, requestId, complaintId } = await personOfA('ward-ok');
    const mother = await seed.citizen('mother-of-ward-ok');
    const father = await seed.citizen('father-of-ward-ok');

    // The basis is required: missing, unknown or blank, nothing is recorded.
    const noBasis = await t.gql(RECORD, { input: { guardian: { id: mother.id }, ward: { id: person.id } } }, staffA.token);
    expect(noBasis.errors?.[0]?.message).toMatch(/basis/);
    expect(errorCode(await record(staffA.token, mother, person, 'FRIEND'))).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(errorCode(await record(staffA.token, mother, person, 'PARENT', '   '))).toBe('BAD_USER_INPUT');
    expect(errorCode(await record(staffA.token, mother, person, 'PARENT', 'x'.repeat(501)))).toBe('BAD_USER_INPUT');
    expect(await guardiansOf(person)).toEqual([]);

    const first = await record(staffA.token, mother, person, 'COURT_APPOINTED', '  Statsforvalteren, sak 2026/4411 ');
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordGuardianship).toMatchObject({
      basis: 'COURT_APPOINTED', basisReference: 'Statsforvalteren, sak 2026/4411', guardian: { id: mother.id }, ward: { id: person.id },
    });
    expect(await guardianshipNotices(person.id)).toEqual([{ link: '/me/guardianships' }]);
    expect(await guardianshipNotices(mother.id)).toEqual([]);

    const second = await record(staffA.token, father, person, 'OTHER', 'Fremtidsfullmakt stadfestet, sak 2026/5001');
    expect(second.errors).toBeUndefined();
    expect(await guardianshipNotices(person.id)).toHaveLength(2);
    // The existing guardian hears of the new one; the new one is not told of themselves.
    expect(await guardianshipNotices(mother.id)).toEqual([{ link: '/me/guardianships' }]);
    expect(await guardianshipNotices(father.id)).toEqual([]);
    // Recording it again is the same guardianship and tells nobody again.
    expect((await record(staffA.token, father, person)).data!.recordGuardianship.id).toBe(second.data!.recordGuardianship.id);
    expect(await guardianshipNotices(person.id)).toHaveLength(2);

    // Through the inbox, content-free, and the link's page lists both guardianships.
    const inbox = await t.gql('{ notifications { edges { node { kind link } } } me { guardianships { guardian { id } basis basisReference } } }', {}, person.token);
    expect(inbox.data!.notifications.edges.filter((edge: any) => edge.node.kind === 'GUARDIANSHIP_RECORDED'))
      .toEqual([{ node: { kind: 'GUARDIANSHIP_RECORDED', link: '/me/guardianships' } }, { node: { kind: 'GUARDIANSHIP_RECORDED', link: '/me/guardianships' } }]);
    expect(inbox.data!.me.guardianships.map((g: any) => g.guardian.id).sort()).toEqual([mother.id, father.id].sort());
    const mothers = await t.gql('{ me { guardianships { ward { id } } } }', {}, mother.token);
    expect(mothers.data!.me.guardianships).toEqual([{ ward: { id: person.id } }]);

    // The powers it gives: the guardian now reads the ward's request and complaint.
    expect((await intake.request(mother, requestId)).data?.request.id).toBe(requestId);
    expect((await intake.complaint(mother, complaintId)).data?.complaint.text).toContain('diagnosis');
  });

  it('leaves a ward with no case, or cases in two municipalities, to an administrator', async () => {
    const newcomer = await seed.citizen('newcomer');
    const parent = await seed.citizen('parent-of-newcomer');
    expect(errorCode(await record(staffA.token, parent, newcomer, 'PARENT', 'Fødselsattest sett'))).toBe('FORBIDDEN');
    expect(errorCode(await record(staffB.token, parent, newcomer, 'PARENT', 'Fødselsattest sett'))).toBe('FORBIDDEN');

    // B opens a case of its own for A's person (a notice of need): that makes the person's
    // municipality unclear, and gives neither unit the right to record.
    const { person } = await personOfA('ward-moved');
    const notice = await intake.submit(staffB, { person: { id: person.id }, source: 'HEALTH_PERSONNEL', wants: 'PLAN_AND_COORDINATOR', municipality: '4601' });
    expect(notice.errors).toBeUndefined();
    expect(errorCode(await record(staffB.token, colleagueB, person))).toBe('FORBIDDEN');
    expect(errorCode(await record(staffA.token, parent, person))).toBe('FORBIDDEN');

    const byAdmin = await record(admin, parent, newcomer, 'PARENT', 'Fødselsattest sett');
    expect(byAdmin.errors).toBeUndefined();
    expect(await guardiansOf(newcomer)).toEqual([parent.id]);
    expect(await guardianshipNotices(newcomer.id)).toHaveLength(1);
  });

  it('tells who may record at all, without looking anyone up', async () => {
    const viewer = '{ me { viewerCanRecordGuardianship } }';
    expect((await t.gql(viewer, {}, staffA.token)).data!.me.viewerCanRecordGuardianship).toBe(true);
    expect((await t.gql(viewer, {}, admin)).data!.me.viewerCanRecordGuardianship).toBe(true);
    const citizen = await seed.citizen('plain-citizen');
    expect((await t.gql(viewer, {}, citizen.token)).data!.me.viewerCanRecordGuardianship).toBe(false);
    // A citizen naming someone Samplan has not met: refused before the person is created.
    const refused = await t.gql(RECORD, {
      input: { guardian: { id: citizen.id }, ward: { issuer: DEV_ISSUERS.citizen, subject: 'never-met', displayName: 'Never Met' }, basis: 'PARENT', basisReference: 'x' },
    }, citizen.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    const created = await t.app.orm.em.fork().execute('select 1 from "person" where "subject" = ?', ['never-met']);
    expect(created).toEqual([]);
  });
});

describe('holes the policy table found (src/policy/policy.boundaries.test.ts), through GraphQL', () => {
  const CREATE_PLAN = 'mutation($input: CreatePlanInput!) { createPlan(input: $input) { __typename ... on CreatePlanSuccess { plan { id } } } }';

  it("B's unit cannot open a plan for A's person; A's unit can", async () => {
    const { person } = await personOfA('plan-for-a');
    const byB = await t.gql(CREATE_PLAN, { input: { owner: { id: person.id } } }, staffB.token);
    expect(errorCode(byB)).toBe('FORBIDDEN');
    const byA = await t.gql(CREATE_PLAN, { input: { owner: { id: person.id } } }, staffA.token);
    expect(byA.data?.createPlan.__typename).toBe('CreatePlanSuccess');
  });

  it('nobody changes their own role or widens their own section rights', async () => {
    const coordinator = await seed.staff('self-coordinator', unitA.id);
    const owner = await seed.citizen('self-owner');
    const relative = await seed.citizen('self-relative');
    const plan = await seed.plan().withOwner(owner).withRelative(relative).withCoordinator(coordinator, unitA.id).create();
    const setRight = (who: SeededPerson, participantId: string) =>
      t.gql('mutation($input: SetSectionRightInput!) { setSectionRight(input: $input) { sectionRights { section access } } }',
        { input: { participantId, section: 'contributions', right: 'EDIT' } }, who.token);
    expect(errorCode(await setRight(coordinator, plan.participantIds[coordinator.sub]!))).toBe('FORBIDDEN');
    // The same grant to someone else is the coordinator's to make.
    expect((await setRight(coordinator, plan.participantIds[relative.sub]!)).errors).toBeUndefined();

    const { changeRole } = plansFor(t);
    expect(errorCode(await changeRole(coordinator, plan.participantIds[coordinator.sub]!, 'GUARDIAN'))).toBe('FORBIDDEN');
    expect(errorCode(await changeRole(coordinator, plan.participantIds[coordinator.sub]!, 'RELATIVE'))).toBe('FORBIDDEN');
  });

  it('unit staff do not decide a request they submitted; a colleague does', async () => {
    const colleague = await seed.staff('colleague-a', unitA.id);
    const citizen = await seed.citizen('noticed-by-staff');
    const notice = await intake.submit(staffA, { person: { id: citizen.id }, source: 'HEALTH_PERSONNEL', wants: 'PLAN_AND_COORDINATOR' });
    const requestId = notice.data!.submitRequest.id as string;
    expect(notice.data!.submitRequest.viewerCanDecide).toBe(false);
    expect(errorCode(await intake.decide(staffA, { requestId, decision: 'REFUSED', reason: 'x' }))).toBe('FORBIDDEN');
    expect((await intake.decide(colleague, { requestId, decision: 'REFUSED', reason: 'Needs are met today' })).errors).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Migration20261205000600GuardiansInOpenCases } from '../migrations/Migration20261205000600GuardiansInOpenCases.js';
import { consentFor } from './helpers/consent.js';
import { connectEditor, type Editor } from './helpers/editor.js';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * A case someone else begins (issue 12): a parent asks for a child coordinator for their
 * 9-year-old, the unit grants it, and whoever consents for the child can then see the case, consent
 * and invite; the unit sees it (no content) and appoints the coordinator; nobody else gets in.
 */

let t: TestApp;
let intake: ReturnType<typeof intakeFor>;
let seed: ReturnType<typeof seedFor>;
let consent: ReturnType<typeof consentFor>;
let plans: ReturnType<typeof plansFor>;
let unit: { id: string };
let homeCare: { id: string };
let kari: SeededPerson;
let jon: SeededPerson;
let berit: SeededPerson;
let nurse: SeededPerson;
const editors: Editor[] = [];

const PLAN = `query($id: ID!) { plan(id: $id) { id status kind title viewerRole viewerCanManageParticipants viewerCanAppointCoordinator
  participants { id role pendingConsent person { id } } } }`;
const planOf = (who: SeededPerson, id: string) => t.gql(PLAN, { id }, who.token);
const section = (who: SeededPerson, id: string) => t.gql('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id }, who.token);
const roles = (response: { data?: any }) =>
  (response.data!.plan.participants as Array<{ role: string; person: { id: string } }>).map((participant) => [participant.person.id, participant.role]).sort();

/** The parent asks for a child coordinator for their ward, and Kari grants it: the case, waiting for consent. */
const childCase = (parent: SeededPerson, child: SeededPerson) =>
  seed.plan().withOwner(child).grantedBy(kari, { askedBy: parent, wants: 'CHILD_COORDINATOR', childBirthDate: '2017-01-15' }).create();

const clock = new ManualClock('2026-09-01T08:00:00.000Z');

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  intake = intakeFor(t);
  consent = consentFor(t);
  plans = plansFor(t);
  unit = await seed.organization('Koordinerende enhet Oslo', 'COORDINATING_UNIT');
  const bergen = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  homeCare = await seed.organization('Hjemmetjenesten');
  kari = await seed.staff('kari', unit.id);
  jon = await seed.staff('jon', unit.id);
  berit = await seed.staff('berit', bergen.id);
  nurse = await seed.staff('nurse', homeCare.id);
});
afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe("a child's case begun by a parent", () => {
  it('the parents lead it: they see the pending case, consent and invite; the unit sees it and appoints the child coordinator', async () => {
    const child = await seed.citizen('lise');
    const maria = await seed.citizen('maria');
    const per = await seed.citizen('per');
    await seed.guardianship(maria, child);
    await seed.guardianship(per, child);
    const { requestId, id: planId } = await childCase(maria, child);
    if (!requestId) throw new Error('a granted case has its request');

    // Both parents take part as guardians of the waiting case; the deciding staff member does not.
    const byMaria = await planOf(maria, planId);
    expect(byMaria.data!.plan).toMatchObject({ status: 'REQUESTED', kind: 'CHILD_COORDINATOR', viewerRole: 'GUARDIAN', viewerCanManageParticipants: true, viewerCanAppointCoordinator: true });
    expect(roles(byMaria)).toEqual([[child.id, 'OWNER'], [maria.id, 'GUARDIAN'], [per.id, 'GUARDIAN']].sort());
    const listed = await t.gql('{ plans(first: 10) { edges { node { id } } } }', {}, per.token);
    expect(listed.data!.plans.edges).toEqual([{ node: { id: planId } }]);
    expect((await section(per, planId)).errors).toBeUndefined();
    // One plan per person still: the case is the child's plan.
    const again = await t.gql('mutation($input: CreatePlanInput!) { createPlan(input: $input) { __typename } }', { input: { owner: { id: child.id } } }, maria.token);
    expect(again.data!.createPlan.__typename).toBe('PlanAlreadyExists');
    expect(await intake.notifications(`/requests/${requestId}`)).toEqual(expect.arrayContaining([{ recipient_id: per.id, kind: 'REQUEST_DECIDED' }]));

    // The unit sees the case it granted, without content, and without a say in the parents' choices.
    for (const staff of [kari, jon]) {
      const seen = await planOf(staff, planId);
      expect(seen.data!.plan).toMatchObject({ status: 'REQUESTED', viewerRole: null, viewerCanManageParticipants: false, viewerCanAppointCoordinator: true });
      expect(errorCode(await section(staff, planId))).toBe('FORBIDDEN');
    }
    expect((await intake.request(kari, requestId)).data!.request.plan).toMatchObject({ id: planId, status: 'REQUESTED' });
    expect(errorCode(await consent.give(kari.token, { planId, scope: 'PLAN' }))).toBe('FORBIDDEN');
    expect(errorCode(await plans.addParticipant(kari, { planId, role: 'RELATIVE', person: { id: (await seed.citizen('aunt')).id } }))).toBe('FORBIDDEN');
    const unitEditor = connectEditor(t, planId, kari.token);
    editors.push(unitEditor);
    await vi.waitFor(() => expect(unitEditor.closes.map((close) => close.code)).toContain(4403));
    // Staff of another municipality's unit learn nothing.
    expect(errorCode(await planOf(berit, planId))).toBe('NOT_FOUND');

    // Kari appoints Jon child coordinator: the unit's case feed hears it.
    const appointed = await plans.addParticipant(kari, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: jon.id } });
    expect(appointed.data!.addParticipant).toMatchObject({ __typename: 'ParticipantAdded', participant: { role: 'COORDINATOR' } });
    expect(await intake.caseEvents({ planId })).toContainEqual(
      expect.objectContaining({ kind: 'COORDINATOR_APPOINTED', actor_id: kari.id, person_id: child.id, detail: { coordinatorId: jon.id } }),
    );
    expect((await planOf(jon, planId)).data!.plan.viewerRole).toBe('COORDINATOR');
    expect(errorCode(await section(jon, planId))).toBe('FORBIDDEN');

    // Maria consents for Lise: the case runs, and the coordinator reads it.
    const given = await consent.give(maria.token, { planId, scope: 'PLAN' });
    expect(given.errors).toBeUndefined();
    expect(given.data!.giveConsent.plan.status).toBe('ACTIVE');
    expect((await section(jon, planId)).errors).toBeUndefined();
    // She invites home care; inviting is her consent to their access.
    const invited = await plans.addParticipant(maria, { planId, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id } });
    expect(invited.data!.addParticipant).toMatchObject({ __typename: 'ParticipantAdded', participant: { role: 'PROVIDER', pendingConsent: false } });
    expect((await section(nurse, planId)).errors).toBeUndefined();

    // The plan runs now: unit staff who take no part see it no longer; the dashboard shows the case.
    expect(errorCode(await planOf(kari, planId))).toBe('NOT_FOUND');
    const dashboard = await t.gql(
      'query($u: ID!) { unitDashboard(unitId: $u) { cases(first: 50) { edges { node { planId status coordinator { id } } } } } }',
      { u: unit.id },
      kari.token,
    );
    expect(dashboard.data!.unitDashboard.cases.edges.map((edge: any) => edge.node)).toContainEqual({ planId, status: 'ACTIVE', coordinator: { id: jon.id } });
  });

  it('the unit replaces the coordinator of a case still waiting; nobody else is theirs to remove', async () => {
    const child = await seed.citizen('ola-jr');
    const parent = await seed.citizen('ola-sr');
    await seed.guardianship(parent, child);
    const { id: planId } = await childCase(parent, child);
    const added = await plans.addParticipant(kari, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: kari.id } });
    const coordinatorId = added.data!.addParticipant.participant.id as string;
    const participants = (await planOf(jon, planId)).data!.plan.participants as Array<{ id: string; role: string }>;
    const guardianId = participants.find((participant) => participant.role === 'GUARDIAN')!.id;

    expect(errorCode(await plans.removeParticipant(jon, guardianId))).toBe('FORBIDDEN');
    expect(errorCode(await plans.changeRole(jon, guardianId, 'RELATIVE'))).toBe('FORBIDDEN');
    expect((await plans.removeParticipant(jon, coordinatorId)).data!.removeParticipant.__typename).toBe('ParticipantRemoved');
    expect((await plans.addParticipant(jon, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: jon.id } })).data!.addParticipant.__typename).toBe('ParticipantAdded');
  });

  it('a submitter who is not a guardian stays outside; a guardian recorded later comes in', async () => {
    const child = await seed.citizen('emil');
    const doctor = await seed.personnel('doctor');
    const submitted = await intake.submit(doctor, { person: { id: child.id }, source: 'HEALTH_PERSONNEL', wants: 'CHILD_COORDINATOR', childBirthDate: '2017-03-01' });
    const requestId = submitted.data!.submitRequest.id as string;
    await intake.decide(kari, { requestId, decision: 'GRANTED' });
    const planId = (await intake.request(child, requestId)).data!.request.plan.id as string;

    // The doctor sees the request they made, not the case it opened.
    expect((await intake.request(doctor, requestId)).data!.request.plan).toBeNull();
    expect(errorCode(await planOf(doctor, planId))).toBe('NOT_FOUND');
    expect(errorCode(await consent.give(doctor.token, { planId, scope: 'PLAN' }))).toBe('NOT_FOUND');

    // The child's case is in Oslo now, so Oslo's unit records the mother; she joins the waiting case.
    const mother = await seed.citizen('emil-mother');
    expect(errorCode(await planOf(mother, planId))).toBe('NOT_FOUND');
    await seed.guardianship(mother, child, kari);
    expect((await planOf(mother, planId)).data!.plan.viewerRole).toBe('GUARDIAN');
    expect((await consent.give(mother.token, { planId, scope: 'PLAN' })).data!.giveConsent.plan.status).toBe('ACTIVE');
  });

  it('attackers: someone who is not a guardian cannot consent for, invite to, or open the case', async () => {
    const child = await seed.citizen('ida');
    const parent = await seed.citizen('ida-father');
    await seed.guardianship(parent, child);
    const { id: planId } = await childCase(parent, child);
    const stranger = await seed.citizen('stranger');
    const uncle = await seed.citizen('ida-uncle');

    // A stranger claiming to act for the child, every way a raw client could put it.
    expect(errorCode(await planOf(stranger, planId))).toBe('NOT_FOUND');
    expect(errorCode(await consent.give(stranger.token, { planId, scope: 'PLAN' }))).toBe('NOT_FOUND');
    expect(errorCode(await plans.addParticipant(stranger, { planId, role: 'RELATIVE', person: { id: stranger.id } }))).toBe('NOT_FOUND');
    expect(errorCode(await plans.addParticipant(stranger, { planId, role: 'GUARDIAN', person: { id: stranger.id } }))).toBe('NOT_FOUND');
    expect(errorCode(await plans.addParticipant(stranger, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: kari.id } }))).toBe('NOT_FOUND');
    const strangerEditor = connectEditor(t, planId, stranger.token);
    editors.push(strangerEditor);
    await vi.waitFor(() => expect(strangerEditor.closes.map((close) => close.code)).toContain(4404));
    // Another unit's staff cannot appoint, nor can the unit's staff sneak consent in with an appointment.
    expect(errorCode(await plans.addParticipant(berit, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: kari.id } }))).toBe('NOT_FOUND');
    const withConsent = await plans.addParticipant(kari, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: jon.id }, consent: { confidentialInformation: true } });
    expect(errorCode(withConsent)).toBe('BAD_USER_INPUT');
    // Only a recorded guardian may take part as guardian, whoever adds them.
    expect(errorCode(await plans.addParticipant(parent, { planId, role: 'GUARDIAN', person: { id: uncle.id } }))).toBe('BAD_USER_INPUT');
    // A relative the father invites takes part, but consents for nobody.
    await plans.addParticipant(parent, { planId, role: 'RELATIVE', person: { id: uncle.id } });
    expect(errorCode(await consent.give(uncle.token, { planId, scope: 'PLAN' }))).toBe('FORBIDDEN');
    expect(errorCode(await plans.addParticipant(uncle, { planId, role: 'RELATIVE', person: { id: stranger.id } }))).toBe('FORBIDDEN');
    expect((await planOf(parent, planId)).data!.plan.status).toBe('REQUESTED');
  });
  it('the migration brings current guardians into cases opened before guardians were added to them', async () => {
    const child = await seed.citizen('oda');
    const mother = await seed.citizen('oda-mother');
    const father = await seed.citizen('oda-father');
    await seed.guardianship(mother, child);
    await seed.guardianship(father, child);
    const { id: planId } = await childCase(mother, child);
    // As such a case stood before: the mother missing, the father invited as a relative. These are
    // rows from before the feature, so SQL writes them: today's doors can only come close (the mother
    // removing herself after re-adding the father), leaving removed rows and events no old case had.
    await t.asOwner(`delete from "participant" where "plan_id" = $1 and "person_id" = $2`, [planId, mother.id]);
    await t.asOwner(`update "participant" set "role" = 'RELATIVE', "active_to" = now() + interval '1 day' where "plan_id" = $1 and "person_id" = $2`, [planId, father.id]);
    // A server that read the plan before keeps its rows (src/plans/plan-read-cache.ts), and SQL
    // written past it publishes no event: a new one, as old cases met it.
    await t.restart();
    expect(errorCode(await planOf(mother, planId))).toBe('NOT_FOUND');
    const [before] = await t.asOwner<{ version: number }>('select "version" from "plan" where "id" = $1', [planId]);

    const orm = t.app.orm;
    const migration = new Migration20261205000600GuardiansInOpenCases(orm.em.getDriver(), orm.config);
    await migration.up();
    for (const query of migration.getQueries()) await t.asOwner(String(query));
    // The migration dates what it adds by the database's clock: the app's clock catches up with it.
    clock.set(new Date());
    // Migrations run before a server serves, so none has read the rows they change; this one had.
    await t.restart();

    const seen = await planOf(mother, planId);
    expect(seen.data!.plan.viewerRole).toBe('GUARDIAN');
    expect(roles(seen)).toEqual([[child.id, 'OWNER'], [mother.id, 'GUARDIAN'], [father.id, 'GUARDIAN']].sort());
    const [father_] = await t.asOwner<{ active_to: Date | null }>('select "active_to" from "participant" where "plan_id" = $1 and "person_id" = $2 and "removed_at" is null', [planId, father.id]);
    expect(father_!.active_to).toBeNull();
    const [after] = await t.asOwner<{ version: number }>('select "version" from "plan" where "id" = $1', [planId]);
    expect(after!.version).toBe(before!.version + 1);
    // Run again, it changes nothing: nobody is added twice.
    for (const query of migration.getQueries()) await t.asOwner(String(query));
    expect(roles(await planOf(mother, planId))).toHaveLength(3);
  });
});

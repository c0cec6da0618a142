import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261205000400PlanUnit } from '../migrations/Migration20261205000400PlanUnit.js';
import { sqlArray } from '../src/db/sql-array.js';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * Every plan answers to a coordinating unit once Samplan can tell which, and a complaint always has
 * somewhere to go (issue 12): a plan the person makes is under the unit of their municipality, or
 * comes under the unit its coordinator acts for; until then the complainant names the unit.
 */

let t: TestApp;
let intake: ReturnType<typeof intakeFor>;
let seed: ReturnType<typeof seedFor>;
let plans: ReturnType<typeof plansFor>;
let unit: { id: string };
let bergen: { id: string };
let homeCare: { id: string };
let kari: SeededPerson;
let jon: SeededPerson;
let berit: SeededPerson;
let nurse: SeededPerson;

const text = 'Nobody has followed up the plan since the spring';
const casesOf = async (who: SeededPerson, unitId: string) => {
  const read = await t.gql(
    'query($u: ID!) { unitDashboard(unitId: $u) { counts { openComplaints } cases(first: 100) { edges { node { planId status coordinator { id } } } } } }',
    { u: unitId },
    who.token,
  );
  expect(read.errors).toBeUndefined();
  return read.data!.unitDashboard as { counts: { openComplaints: number }; cases: { edges: Array<{ node: { planId: string | null; status: string; coordinator: { id: string } | null } }> } };
};
const planIdsOnDashboard = async (who: SeededPerson, unitId: string) => (await casesOf(who, unitId)).cases.edges.map((edge) => edge.node.planId);

beforeAll(async () => {
  const clock = new ManualClock('2026-10-05T08:00:00.000Z');
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  plans = plansFor(t);
  intake = intakeFor(t);
  unit = await seed.organization('Koordinerende enhet Oslo', 'COORDINATING_UNIT');
  bergen = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  homeCare = await seed.organization('Hjemmetjenesten');
  kari = await seed.staff('kari', unit.id);
  jon = await seed.staff('jon', unit.id);
  berit = await seed.staff('berit', bergen.id);
  nurse = await seed.staff('nurse', homeCare.id);
});
afterAll(() => t?.close());

describe('the unit a plan answers to', () => {
  it('a plan the person makes is under the unit of their municipality, when Samplan knows it', async () => {
    const anne = await seed.citizen('anne');
    // Anne once asked Oslo's unit for a plan, then withdrew: her municipality is known.
    const request = (await intake.submit(anne, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
    await intake.withdraw(anne, request.id);
    const { id: planId } = await seed.plan().withOwner(anne).create();
    expect((await intake.planRow(planId))?.unit_id).toBe(unit.id);
    // The person sees which unit that is: where a complaint about the plan goes.
    const shown = await t.gql('query($id: ID!) { plan(id: $id) { coordinatingUnit { id kind } } }', { id: planId }, anne.token);
    expect(shown.data!.plan.coordinatingUnit).toEqual({ id: unit.id, kind: 'COORDINATING_UNIT' });
    expect(await intake.caseEvents({ planId })).toContainEqual(
      expect.objectContaining({ kind: 'PLAN_UNIT_ASSIGNED', actor_id: anne.id, person_id: anne.id, detail: { by: 'MUNICIPALITY' } }),
    );
    expect(await planIdsOnDashboard(kari, unit.id)).toContain(planId);
    // Made by the person, it runs on her own consent: the unit sees it on the dashboard, not the plan itself.
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: planId }, kari.token))).toBe('NOT_FOUND');
    const filed = await intake.fileComplaint(anne, { about: 'INACTIVE_PLAN', planId, text });
    expect(filed.data!.fileComplaint.unit).toEqual({ id: unit.id });
  });

  it('a plan with no unit comes under the unit its coordinator acts for: on the dashboard, and complaints reach it', async () => {
    const solo = await seed.citizen('solo');
    const { id: planId } = await seed.plan().withOwner(solo).create();
    expect((await intake.planRow(planId))?.unit_id).toBeNull();
    expect((await t.gql('query($id: ID!) { plan(id: $id) { coordinatingUnit { id } } }', { id: planId }, solo.token)).data!.plan.coordinatingUnit).toBeNull();
    expect(await planIdsOnDashboard(kari, unit.id)).not.toContain(planId);

    // No unit yet: the complaint is refused with the way to route it.
    const unrouted = await intake.fileComplaint(solo, { about: 'LACK_OF_PARTICIPATION', planId, text });
    expect(errorCode(unrouted)).toBe('BAD_USER_INPUT');
    expect(unrouted.errors![0]!.message).toMatch(/no coordinating unit yet: name .* in unitId/);

    // A home-care coordinator does not make it a unit's case; Kari from the coordinating unit does.
    const byNurse = await plans.addParticipant(solo, { planId, role: 'COORDINATOR', organizationId: homeCare.id, person: { id: nurse.id } });
    expect(byNurse.data!.addParticipant.__typename).toBe('ParticipantAdded');
    expect((await intake.planRow(planId))?.unit_id).toBeNull();
    const nurseRow = byNurse.data!.addParticipant.participant.id as string;
    expect((await plans.removeParticipant(solo, nurseRow)).errors).toBeUndefined();
    const byKari = await plans.addParticipant(solo, { planId, role: 'COORDINATOR', organizationId: unit.id, person: { id: kari.id } });
    expect(byKari.data!.addParticipant.__typename).toBe('ParticipantAdded');
    expect((await intake.planRow(planId))?.unit_id).toBe(unit.id);
    const kinds = (await intake.caseEvents({ planId })).map((event) => [event.kind, event.detail]);
    // The unit hears first that the plan is now its case, then who coordinates it (and the person's consent to them).
    expect(kinds.slice(0, 2)).toEqual([['PLAN_UNIT_ASSIGNED', { by: 'COORDINATOR' }], ['COORDINATOR_APPOINTED', { coordinatorId: kari.id }]]);
    const dashboard = await casesOf(jon, unit.id);
    expect(dashboard.cases.edges.map((edge) => edge.node)).toContainEqual({ planId, status: 'ACTIVE', coordinator: { id: kari.id } });

    // Now the complaint goes to the plan's unit, which sees it and forwards it.
    const openBefore = dashboard.counts.openComplaints;
    expect(errorCode(await intake.fileComplaint(solo, { about: 'LACK_OF_PARTICIPATION', planId, text, unitId: bergen.id }))).toBe('BAD_USER_INPUT');
    const filed = await intake.fileComplaint(solo, { about: 'LACK_OF_PARTICIPATION', planId, text, unitId: unit.id });
    expect(filed.errors).toBeUndefined();
    const complaint = filed.data!.fileComplaint;
    expect(complaint).toMatchObject({ unit: { id: unit.id }, plan: { id: planId }, status: 'RECEIVED' });
    expect((await casesOf(jon, unit.id)).counts.openComplaints).toBe(openBefore + 1);
    expect((await intake.updateComplaint(jon, complaint.id, 'FORWARDED')).data!.updateComplaintStatus.status).toBe('FORWARDED');
    expect(errorCode(await intake.complaint(berit, complaint.id))).toBe('NOT_FOUND');
  });

  it('a coordinator from a unit named by a change of role brings the plan under that unit', async () => {
    const siv = await seed.citizen('siv');
    const { id: planId } = await seed.plan().withOwner(siv).create();
    const added = await plans.addParticipant(siv, { planId, role: 'PROVIDER', organizationId: unit.id, person: { id: jon.id } });
    const participantId = added.data!.addParticipant.participant.id as string;
    expect((await intake.planRow(planId))?.unit_id).toBeNull();
    const changed = await plans.changeRole(siv, participantId, 'COORDINATOR', unit.id);
    expect(changed.errors).toBeUndefined();
    expect((await intake.planRow(planId))?.unit_id).toBe(unit.id);
    expect((await intake.caseEvents({ planId })).map((event) => event.kind)).toEqual(expect.arrayContaining(['PLAN_UNIT_ASSIGNED', 'COORDINATOR_APPOINTED']));
  });

  it('until a plan has a unit, the complainant routes the complaint; that does not hand the plan to the unit', async () => {
    const tor = await seed.citizen('tor');
    const { id: planId } = await seed.plan().withOwner(tor).create();
    // Anything but a coordinating unit is refused, malformed or unknown ids included.
    for (const unitId of [homeCare.id, 'not-an-id', '00000000-0000-4000-8000-000000000000']) {
      expect(errorCode(await intake.fileComplaint(tor, { about: 'MISSING_CONTENT', planId, text, unitId }))).toBe('BAD_USER_INPUT');
    }
    // Someone who may not complain for Tor learns nothing, however the unit is named.
    const stranger = await seed.citizen('stranger');
    expect(errorCode(await intake.fileComplaint(stranger, { about: 'MISSING_CONTENT', planId, text, unitId: bergen.id }))).toBe('NOT_FOUND');

    const filed = await intake.fileComplaint(tor, { about: 'MISSING_CONTENT', planId, text, unitId: bergen.id });
    expect(filed.errors).toBeUndefined();
    const complaint = filed.data!.fileComplaint;
    expect(complaint).toMatchObject({ unit: { id: bergen.id }, plan: { id: planId } });
    // Bergen's unit receives and handles the complaint, but the plan stays Tor's alone.
    const seen = await intake.complaint(berit, complaint.id);
    expect(seen.data!.complaint).toMatchObject({ unit: { id: bergen.id }, plan: null, text });
    expect((await intake.updateComplaint(berit, complaint.id, 'FORWARDED')).errors).toBeUndefined();
    expect((await intake.planRow(planId))?.unit_id).toBeNull();
    expect(await planIdsOnDashboard(berit, bergen.id)).not.toContain(planId);
    expect(errorCode(await intake.complaint(kari, complaint.id))).toBe('NOT_FOUND');
  });

  it('the migration gives existing plans the unit of their coordinator, or of the person’s one municipality', async () => {
    const sql = <T>(query: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(query, params);
    // Plans from before: made by the person, with a unit coordinator or a known municipality, and no unit on record.
    const withCoordinator = await seed.citizen('legacy-coordinated');
    const { id: coordinatedPlan } = await seed.plan().withOwner(withCoordinator).withCoordinator(jon, unit.id).create();
    const withRequest = await seed.citizen('legacy-asked');
    const request = (await intake.submit(withRequest, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', municipality: '4601' })).data!.submitRequest;
    await intake.withdraw(withRequest, request.id);
    const { id: askedPlan } = await seed.plan().withOwner(withRequest).create();
    const unknown = await seed.citizen('legacy-unknown');
    const { id: unknownPlan } = await seed.plan().withOwner(unknown).withCoordinator(nurse, homeCare.id).create();
    // The API records the unit as it learns it, so no door leaves these plans without one: only SQL
    // can put the rows back as they stood before the migration added the column.
    await sql('update "plan" set "unit_id" = null where "id" = any(?::uuid[])', [sqlArray([coordinatedPlan, askedPlan, unknownPlan])]);

    const orm = t.app.orm;
    const migration = new Migration20261205000400PlanUnit(orm.em.getDriver(), orm.config);
    await migration.up();
    for (const query of migration.getQueries()) await sql(String(query));

    expect((await intake.planRow(coordinatedPlan))?.unit_id).toBe(unit.id);
    expect((await intake.planRow(askedPlan))?.unit_id).toBe(bergen.id);
    expect((await intake.planRow(unknownPlan))?.unit_id).toBeNull();
    expect(await planIdsOnDashboard(kari, unit.id)).toContain(coordinatedPlan);
  });
});

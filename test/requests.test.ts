import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const START = '2026-03-02T09:00:00.000Z';
let t: TestApp;
let clock: ManualClock;
let intake: ReturnType<typeof intakeFor>;
let seed: ReturnType<typeof seedFor>;
let unit: { id: string };
let otherUnit: { id: string };
let kari: SeededPerson;
let lars: SeededPerson;
let outsider: SeededPerson;

beforeAll(async () => {
  clock = new ManualClock(START);
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  intake = intakeFor(t);
  unit = await seed.organization('Koordinerende enhet Oslo', 'COORDINATING_UNIT');
  otherUnit = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  kari = await seed.staff('kari', unit.id);
  lars = await seed.staff('lars', unit.id, 'UNIT_LEAD');
  outsider = await seed.staff('berit', otherUnit.id);
});
afterAll(() => t?.close());

describe('the whole intake', () => {
  it('a relative with a power of attorney asks; the unit grants; the plan waits for consent', async () => {
    const ola = await seed.citizen('ola');
    const sister = await seed.citizen('sister');
    const submitted = await intake.submit(sister, {
      person: { id: ola.id }, source: 'RELATIVE', powerOfAttorney: 'Written, signed by Ola 2026-02-20', wants: 'PLAN_AND_COORDINATOR', title: 'Olas plan',
    });
    expect(submitted.errors).toBeUndefined();
    const request = submitted.data!.submitRequest;
    expect(request).toMatchObject({
      status: 'RECEIVED', source: 'RELATIVE', unit: { id: unit.id }, person: { id: ola.id }, submittedBy: { id: sister.id },
      // One calendar month at the same time in Oslo: 10:00 CET on 2 March, 10:00 CEST on 2 April.
      receivedAt: START, decisionDueAt: '2026-04-02T08:00:00.000Z', viewerCanDecide: false, plan: null,
    });
    expect(await intake.notifications(`/requests/${request.id}`)).toEqual(
      expect.arrayContaining([{ recipient_id: kari.id, kind: 'REQUEST_RECEIVED' }, { recipient_id: lars.id, kind: 'REQUEST_RECEIVED' }]),
    );
    expect(await intake.deadline(`decision:${request.id}`)).toEqual({ dueAt: '2026-04-02T08:00:00.000Z', resolved: false });
    const mine = await t.gql('{ myRequests { totalCount edges { node { id } } } }', {}, ola.token);
    expect(mine.data!.myRequests).toMatchObject({ totalCount: 1, edges: [{ node: { id: request.id } }] });

    clock.advanceDays(3);
    const granted = await intake.decide(kari, { requestId: request.id, decision: 'GRANTED' });
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.decideRequest).toMatchObject({
      __typename: 'RequestDecided',
      // The deciding staff member does not take part in the plan; her unit handles it while it waits for consent.
      request: { status: 'GRANTED', decidedBy: { id: kari.id }, decidedAt: '2026-03-05T09:00:00.000Z', plan: { status: 'REQUESTED' }, viewerCanDecide: false },
    });

    const viewed = await intake.request(ola, request.id);
    const plan = viewed.data!.request.plan;
    expect(plan).toMatchObject({ status: 'REQUESTED', kind: 'PLAN', title: 'Olas plan' });
    expect(await intake.planRow(plan.id)).toEqual({ unit_id: unit.id, status: 'REQUESTED', kind: 'PLAN', owner_id: ola.id });
    const participants = await t.gql('query($id: ID!) { plan(id: $id) { participants { role person { id } } } }', { id: plan.id }, ola.token);
    expect(participants.data!.plan.participants).toEqual([{ role: 'OWNER', person: { id: ola.id } }]);
    // The unit sees the waiting case, never its content; another unit sees nothing (test/child-case.test.ts).
    expect((await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: plan.id }, kari.token)).data!.plan).toEqual({ id: plan.id });
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, kari.token))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: plan.id }, outsider.token))).toBe('NOT_FOUND');

    expect((await intake.caseEvents({ requestId: request.id })).map((event) => event.kind)).toEqual(['REQUEST_RECEIVED', 'REQUEST_DECIDED']);
    expect(await intake.notifications(`/requests/${request.id}`)).toEqual(
      expect.arrayContaining([{ recipient_id: ola.id, kind: 'REQUEST_DECIDED' }, { recipient_id: sister.id, kind: 'REQUEST_DECIDED' }]),
    );
    expect((await intake.deadline(`decision:${request.id}`))?.resolved).toBe(true);

    // Deciding twice is refused, whatever the second decision.
    expect(errorCode(await intake.decide(lars, { requestId: request.id, decision: 'REFUSED', reason: 'Changed my mind' }))).toBe('BAD_USER_INPUT');
    // One plan per person: a second grant finds the open plan.
    const again = (await intake.submit(ola, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
    const second = await intake.decide(kari, { requestId: again.id, decision: 'GRANTED' });
    expect(second.data!.decideRequest).toEqual({ __typename: 'PlanAlreadyExists', message: expect.any(String) });
    expect((await intake.request(ola, again.id)).data!.request.status).toBe('RECEIVED');
  });

  it('coordinator only: the case opens without a document anyone may edit; appointing the coordinator is a case event', async () => {
    const nina = await seed.citizen('nina');
    const request = (await intake.submit(nina, { source: 'PERSON', wants: 'COORDINATOR_ONLY' })).data!.submitRequest;
    await intake.decide(lars, { requestId: request.id, decision: 'GRANTED' });
    const plan = (await intake.request(nina, request.id)).data!.request.plan;
    expect(plan).toMatchObject({ kind: 'COORDINATOR_ONLY', title: 'Koordinator', status: 'REQUESTED' });

    const appointed = await plansFor(t).addParticipant(nina, { planId: plan.id, role: 'COORDINATOR', organizationId: unit.id, person: { id: kari.id } });
    expect(appointed.data!.addParticipant.__typename).toBe('ParticipantAdded');
    expect(await intake.caseEvents({ planId: plan.id })).toContainEqual(
      expect.objectContaining({ kind: 'COORDINATOR_APPOINTED', actor_id: nina.id, person_id: nina.id, detail: { coordinatorId: kari.id } }),
    );
    for (const who of [nina, kari]) {
      const edit = await t.gql(
        'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
        { input: { planId: plan.id, section: 'goals', fields: { text: 'A goal' } } },
        who.token,
      );
      expect(errorCode(edit)).toBe('FORBIDDEN');
    }
  });

  it('refuses a decision without a reason, and by anyone but staff of the receiving unit', async () => {
    const per = await seed.citizen('per');
    const request = (await intake.submit(per, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
    expect(errorCode(await intake.decide(kari, { requestId: request.id, decision: 'REFUSED' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.decide(kari, { requestId: request.id, decision: 'REFUSED', reason: '   ' }))).toBe('BAD_USER_INPUT');
    // Staff of another unit do not even see it; the person sees it but may not decide it.
    expect(errorCode(await intake.decide(outsider, { requestId: request.id, decision: 'GRANTED' }))).toBe('NOT_FOUND');
    expect(errorCode(await intake.request(outsider, request.id))).toBe('NOT_FOUND');
    expect(errorCode(await intake.decide(per, { requestId: request.id, decision: 'GRANTED' }))).toBe('FORBIDDEN');
    expect(errorCode(await intake.decide(kari, { requestId: '00000000-0000-4000-8000-000000000000', decision: 'GRANTED' }))).toBe('NOT_FOUND');
    expect(errorCode(await intake.decide(kari, { requestId: 'not-an-id', decision: 'GRANTED' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.request(kari, "1' or '1'='1"))).toBe('BAD_USER_INPUT');
    const stranger = await seed.citizen('stranger');
    expect(errorCode(await intake.request(stranger, request.id))).toBe('NOT_FOUND');
    expect(errorCode(await intake.withdraw(stranger, request.id))).toBe('NOT_FOUND');
    expect(errorCode(await intake.withdraw(kari, request.id))).toBe('FORBIDDEN');

    const refused = await intake.decide(kari, { requestId: request.id, decision: 'REFUSED', reason: 'The need is short-term' });
    expect(refused.data!.decideRequest.request).toMatchObject({ status: 'REFUSED', decisionReason: 'The need is short-term', plan: null });
    expect(errorCode(await intake.withdraw(per, request.id))).toBe('BAD_USER_INPUT');
  });

  it('the submitter may withdraw a request still waiting', async () => {
    const siri = await seed.citizen('siri');
    const request = (await intake.submit(siri, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
    expect((await intake.withdraw(siri, request.id)).data!.withdrawRequest).toEqual({ id: request.id, status: 'WITHDRAWN' });
    expect((await intake.deadline(`decision:${request.id}`))?.resolved).toBe(true);
    expect((await intake.caseEvents({ requestId: request.id })).map((event) => event.kind)).toEqual(['REQUEST_RECEIVED', 'REQUEST_WITHDRAWN']);
    expect(errorCode(await intake.decide(kari, { requestId: request.id, decision: 'GRANTED' }))).toBe('BAD_USER_INPUT');
  });
});

describe('who may ask', () => {
  it('refuses a relative without a power of attorney, false guardians and citizens posing as personnel', async () => {
    const anne = await seed.citizen('anne');
    const neighbour = await seed.citizen('neighbour');
    const relative = await intake.submit(neighbour, { person: { id: anne.id }, source: 'RELATIVE', wants: 'PLAN_AND_COORDINATOR' });
    expect(errorCode(relative)).toBe('BAD_USER_INPUT');
    expect(relative.errors![0]!.message).toMatch(/power of attorney/);
    expect(errorCode(await intake.submit(neighbour, { person: { id: anne.id }, source: 'GUARDIAN', wants: 'PLAN_AND_COORDINATOR' }))).toBe('FORBIDDEN');
    expect(errorCode(await intake.submit(neighbour, { person: { id: anne.id }, source: 'HEALTH_PERSONNEL', wants: 'PLAN_AND_COORDINATOR' }))).toBe('FORBIDDEN');
    expect(errorCode(await intake.submit(neighbour, { person: { id: anne.id }, source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' }))).toBe('FORBIDDEN');
    // Health personnel notify a need without a power of attorney (duty to notify).
    const doctor = await seed.personnel('doctor');
    const notice = await intake.submit(doctor, { person: { id: anne.id }, source: 'HEALTH_PERSONNEL', wants: 'PLAN_AND_COORDINATOR' });
    expect(notice.data!.submitRequest).toMatchObject({ status: 'RECEIVED', submittedBy: { id: doctor.id } });
    // A request is for a citizen, never for staff.
    expect(errorCode(await intake.submit(doctor, { person: { id: kari.id }, source: 'HEALTH_PERSONNEL', wants: 'PLAN_AND_COORDINATOR' }))).toBe('BAD_USER_INPUT');
  });

  it('needs a municipality with a coordinating unit', async () => {
    const bo = await seed.citizen('bo');
    const none = await intake.submit(bo, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', municipality: '5001' });
    expect(errorCode(none)).toBe('BAD_USER_INPUT');
    expect(none.errors![0]!.message).toMatch(/5001 has no coordinating unit/);
    for (const municipality of ['301', 'oslo', '03011', '']) {
      expect(errorCode(await intake.submit(bo, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', municipality }))).toBe('BAD_USER_INPUT');
    }
    const bergen = await intake.submit(bo, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', municipality: '4601' });
    expect(bergen.data!.submitRequest.unit).toEqual({ id: otherUnit.id });
  });

  it('a child coordinator is for a child under 18, asked for by a parent', async () => {
    const child = await seed.citizen('child');
    const parent = await seed.citizen('parent');
    // The child has no case in any municipality yet: the administrator records the parent.
    await seed.guardianship(parent, child);
    const child17 = { person: { id: child.id }, source: 'GUARDIAN', wants: 'CHILD_COORDINATOR', childBirthDate: '2008-06-01' };
    expect(errorCode(await intake.submit(parent, { ...child17, childBirthDate: '2008-03-01' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.submit(parent, { ...child17, childBirthDate: undefined }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.submit(parent, { ...child17, childBirthDate: '2008-02-30' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.submit(parent, { ...child17, childBirthDate: '2030-01-01' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.submit(child, { ...child17, person: undefined, source: 'PERSON' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.submit(parent, { person: { id: child.id }, source: 'GUARDIAN', wants: 'PLAN_AND_COORDINATOR', childBirthDate: '2015-01-01' }))).toBe('BAD_USER_INPUT');

    const request = (await intake.submit(parent, child17)).data!.submitRequest;
    expect(request).toMatchObject({ wants: 'CHILD_COORDINATOR', childBirthDate: '2008-06-01', source: 'GUARDIAN' });
    // The child's guardian sees it; so does the child.
    expect((await intake.request(child, request.id)).data!.request.id).toBe(request.id);
    await intake.decide(kari, { requestId: request.id, decision: 'GRANTED' });
    const plan = (await intake.request(child, request.id)).data!.request.plan;
    expect(plan).toMatchObject({ kind: 'CHILD_COORDINATOR', title: 'Barnekoordinator' });
  });
});

describe('the one-month deadline', () => {
  it('owes an interim notice when a month passes undecided, once; the unit records it as sent', async () => {
    const eva = await seed.citizen('eva');
    clock.set('2026-05-10T10:00:00.000Z');
    const request = (await intake.submit(eva, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
    expect(request.decisionDueAt).toBe('2026-06-10T10:00:00.000Z');

    clock.advanceDays(25); // the warning (7 days before) fires, nothing is owed yet
    await t.app.scheduler.runDue();
    expect(await intake.caseEvents({ requestId: request.id })).toHaveLength(1);
    expect(await intake.interimNoticeDue(request.id, clock.now())).toBe(false);

    clock.advanceDays(7);
    await t.app.scheduler.runDue();
    await t.app.scheduler.runDue();
    const events = await intake.caseEvents({ requestId: request.id });
    expect(events.map((event) => event.kind)).toEqual(['REQUEST_RECEIVED', 'INTERIM_NOTICE_DUE']);
    expect(events[1]).toMatchObject({ actor_id: null, person_id: eva.id });
    const notices = (await intake.notifications(`/requests/${request.id}`)).filter((row) => row.kind === 'INTERIM_NOTICE');
    expect(notices.map((row) => row.recipient_id).sort()).toEqual([kari.id, lars.id].sort());
    expect(await intake.interimNoticeDue(request.id, clock.now())).toBe(true);

    // The notice names a date after today, and only the unit's staff record it.
    const notice = { requestId: request.id, reason: 'Waiting for the hospital', expectedDecisionDate: '2026-07-01' };
    expect(errorCode(await intake.interimNotice(kari, { ...notice, expectedDecisionDate: '2026-06-01' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.interimNotice(kari, { ...notice, expectedDecisionDate: 'soon' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.interimNotice(kari, { ...notice, reason: '' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.interimNotice(eva, notice))).toBe('FORBIDDEN');
    expect(errorCode(await intake.interimNotice(outsider, notice))).toBe('NOT_FOUND');
    const recorded = await intake.interimNotice(kari, notice);
    expect(recorded.data!.recordInterimNotice.interimNotice).toEqual({
      sentAt: clock.now().toISOString(), reason: 'Waiting for the hospital', expectedDecisionDate: '2026-07-01', recordedBy: { id: kari.id },
    });
    expect((await intake.caseEvents({ requestId: request.id })).map((event) => event.kind)).toContain('INTERIM_NOTICE_SENT');
    expect(await intake.interimNoticeDue(request.id, clock.now())).toBe(false);

    // The date the person was given is the deadline now; when it passes undecided, a new notice is owed.
    expect(await intake.deadline(`decision:${request.id}`)).toEqual({ dueAt: '2026-07-01T22:00:00.000Z', resolved: false });
    clock.set('2026-07-02T08:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    expect((await intake.caseEvents({ requestId: request.id })).map((event) => event.kind)).toEqual(['REQUEST_RECEIVED', 'INTERIM_NOTICE_DUE', 'INTERIM_NOTICE_SENT', 'INTERIM_NOTICE_DUE']);
  });
});

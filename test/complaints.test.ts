import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let clock: ManualClock;
let intake: ReturnType<typeof intakeFor>;
let seed: ReturnType<typeof seedFor>;
let unit: { id: string };
let kari: SeededPerson;
let outsider: SeededPerson;

/** A request the unit refused, with a reason. */
async function refusedRequestFor(person: SeededPerson): Promise<string> {
  const request = (await intake.submit(person, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest;
  await intake.decide(kari, { requestId: request.id, decision: 'REFUSED', reason: 'The need is short-term' });
  return request.id as string;
}

beforeAll(async () => {
  clock = new ManualClock('2026-09-01T08:00:00.000Z');
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  intake = intakeFor(t);
  unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  const other = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  kari = await seed.staff('kari', unit.id);
  outsider = await seed.staff('berit', other.id);
});
afterAll(() => t?.close());

describe('complaints', () => {
  it('a refusal is complained about, forwarded to the county governor and decided there', async () => {
    const ola = await seed.citizen('ola');
    const requestId = await refusedRequestFor(ola);
    const filed = await intake.fileComplaint(ola, { about: 'REFUSAL', requestId, text: 'I need help for years, not weeks' });
    expect(filed.errors).toBeUndefined();
    const complaint = filed.data!.fileComplaint;
    expect(complaint).toMatchObject({
      about: 'REFUSAL', status: 'RECEIVED', open: true, unit: { id: unit.id }, person: { id: ola.id }, filedBy: { id: ola.id },
      request: { id: requestId, status: 'REFUSED' }, plan: null, filedAt: clock.now().toISOString(), viewerCanChangeStatusTo: ['WITHDRAWN'],
    });
    expect((await intake.complaint(kari, complaint.id)).data!.complaint.viewerCanChangeStatusTo).toEqual(['FORWARDED']);

    // Only forwarded complaints are decided; the complainant cannot forward their own complaint.
    expect(errorCode(await intake.updateComplaint(kari, complaint.id, 'UPHELD'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.updateComplaint(ola, complaint.id, 'FORWARDED'))).toBe('FORBIDDEN');
    expect(errorCode(await intake.updateComplaint(outsider, complaint.id, 'FORWARDED'))).toBe('NOT_FOUND');

    clock.advanceDays(2);
    const forwarded = await intake.updateComplaint(kari, complaint.id, 'FORWARDED');
    expect(forwarded.data!.updateComplaintStatus).toMatchObject({ status: 'FORWARDED', open: true, forwardedAt: clock.now().toISOString(), decidedAt: null });
    clock.advanceDays(30);
    const decided = await intake.updateComplaint(kari, complaint.id, 'NOT_UPHELD');
    expect(decided.data!.updateComplaintStatus).toMatchObject({ status: 'NOT_UPHELD', open: false, decidedAt: clock.now().toISOString() });
    expect(errorCode(await intake.updateComplaint(ola, complaint.id, 'WITHDRAWN'))).toBe('BAD_USER_INPUT');

    const events = await t.app.orm.em.fork().execute<Array<{ kind: string; detail: Record<string, string> }>>(
      `select "kind", "detail" from "case_event" where "detail"->>'complaintId' = ? order by "id"`, [complaint.id],
    );
    expect(events.map((event) => [event.kind, event.detail['status'] ?? event.detail['about']])).toEqual([
      ['COMPLAINT_FILED', 'REFUSAL'], ['COMPLAINT_UPDATED', 'FORWARDED'], ['COMPLAINT_UPDATED', 'NOT_UPHELD'],
    ]);
    expect(await intake.notifications(`/complaints/${complaint.id}`)).toEqual([
      { recipient_id: ola.id, kind: 'COMPLAINT_STATUS' }, { recipient_id: ola.id, kind: 'COMPLAINT_STATUS' },
    ]);
    expect((await t.gql('{ myComplaints { id } }', {}, ola.token)).data!.myComplaints).toEqual([{ id: complaint.id }]);
  });

  it('complaints about a plan: by the person, a guardian, or someone holding a power of attorney', async () => {
    const nina = await seed.citizen('nina');
    // A plan the unit granted: REQUESTED, overseen by the unit.
    const { id: planId } = await seed.plan().withOwner(nina).grantedBy(kari).create();
    const friend = await seed.citizen('friend');
    const text = 'Nobody has followed up the plan since spring';
    // Someone else's plan: without a power of attorney it is as if it did not exist.
    expect(errorCode(await intake.fileComplaint(friend, { about: 'INACTIVE_PLAN', planId, text }))).toBe('NOT_FOUND');
    expect(errorCode(await intake.fileComplaint(kari, { about: 'INACTIVE_PLAN', planId, text }))).toBe('NOT_FOUND');
    const byFriend = await intake.fileComplaint(friend, { about: 'INACTIVE_PLAN', planId, text, powerOfAttorney: 'Signed by Nina 2026-08-01' });
    expect(byFriend.data!.fileComplaint).toMatchObject({ person: { id: nina.id }, filedBy: { id: friend.id }, unit: { id: unit.id }, plan: null });
    // Nina sees the complaint on her behalf, with her plan; the friend may withdraw it.
    expect((await intake.complaint(nina, byFriend.data!.fileComplaint.id)).data!.complaint.plan).toEqual({ id: planId });
    const withdrawn = await intake.updateComplaint(friend, byFriend.data!.fileComplaint.id, 'WITHDRAWN');
    expect(withdrawn.data!.updateComplaintStatus).toMatchObject({ status: 'WITHDRAWN', open: false });
    expect(errorCode(await intake.updateComplaint(kari, byFriend.data!.fileComplaint.id, 'FORWARDED'))).toBe('BAD_USER_INPUT');

    const own = await intake.fileComplaint(nina, { about: 'MISSING_CONTENT', planId, text: 'No measures' });
    expect(own.data!.fileComplaint).toMatchObject({ about: 'MISSING_CONTENT', status: 'RECEIVED', plan: { id: planId } });
    const stranger = await seed.citizen('stranger');
    expect(errorCode(await intake.complaint(stranger, own.data!.fileComplaint.id))).toBe('NOT_FOUND');
  });

  it('refuses complaints that name the wrong thing', async () => {
    const per = await seed.citizen('per');
    const refusedId = await refusedRequestFor(per);
    const pending = (await intake.submit(per, { source: 'PERSON', wants: 'COORDINATOR_ONLY' })).data!.submitRequest;
    const text = 'I disagree';
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', requestId: pending.id, text }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', text }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'INACTIVE_PLAN', requestId: refusedId, text }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', requestId: refusedId, text: '  ' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', requestId: refusedId, text: 'x'.repeat(5001) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', requestId: 'nope', text }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await intake.fileComplaint(per, { about: 'REFUSAL', requestId: '00000000-0000-4000-8000-000000000000', text }))).toBe('NOT_FOUND');
    expect(errorCode(await intake.complaint(per, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    const neighbour = await seed.citizen('neighbour');
    expect(errorCode(await intake.fileComplaint(neighbour, { about: 'REFUSAL', requestId: refusedId, text }))).toBe('NOT_FOUND');

    // A plan the person made on their own has no unit to receive a complaint.
    const solo = await seed.citizen('solo');
    const soloPlan = await seed.plan().withOwner(solo).create();
    expect(errorCode(await intake.fileComplaint(solo, { about: 'LACK_OF_PARTICIPATION', planId: soloPlan.id, text }))).toBe('BAD_USER_INPUT');
  });
});

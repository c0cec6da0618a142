import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscribeTo } from './helpers/consent.js';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The interim notice (fvl § 11 a, docs/domain.md rule 7) is written to the person: recording it tells
 * the person, their guardians and whoever asked for them, without content. The date it promises
 * is a deadline of its own: when it passes undecided, the unit is told another notice is owed.
 */
const clock = new ManualClock('2026-05-04T08:00:00.000Z'); // 10:00 in Oslo
let t: TestApp;
let intake: ReturnType<typeof intakeFor>;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let kari: SeededPerson;
let lars: SeededPerson;
let outsider: SeededPerson;
let clients: Array<{ client: { dispose(): void | Promise<void> } }> = [];

const INBOX = '{ notifications(first: 50) { edges { node { id kind link } } } }';
const COUNTS = 'query($u: ID!) { unitDashboard(unitId: $u) { counts { interimNoticesDue } } }';
const CASE_EVENTS = 'subscription($u: ID!) { caseEvents(unitId: $u) { kind requestId actor { id } detail } }';

const inbox = async (who: SeededPerson): Promise<Array<{ id: string; kind: string; link: string }>> => {
  const response = await t.gql(INBOX, {}, who.token);
  expect(response.errors).toBeUndefined();
  return response.data!.notifications.edges.map((edge: any) => edge.node);
};
const interimNoticesDue = async () => (await t.gql(COUNTS, { u: unitId }, kari.token)).data!.unitDashboard.counts.interimNoticesDue as number;

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  intake = intakeFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  kari = await seed.staff('kari', unitId);
  lars = await seed.staff('lars', unitId, 'UNIT_LEAD');
  outsider = await seed.citizen('outsider');
});

afterAll(async () => {
  await Promise.all(clients.map(({ client }) => client.dispose()));
  clients = [];
  await t?.close();
});

describe('the interim notice reaches the person', () => {
  it('notifies the person, their guardian and the relative who asked, with a link and no content; staff are not told', async () => {
    const nora = await seed.citizen('nora');
    const gro = await seed.citizen('gro');
    const sven = await seed.citizen('sven');
    await seed.guardianship(gro, nora);
    const submitted = await intake.submit(sven, { person: { id: nora.id }, source: 'RELATIVE', powerOfAttorney: 'Signed by Nora', wants: 'PLAN_AND_COORDINATOR' });
    expect(submitted.errors).toBeUndefined();
    const requestId = submitted.data!.submitRequest.id as string;
    const link = `/requests/${requestId}`;

    // What no honest client does: the person records a notice to herself; an outsider tries too.
    const notice = { requestId, reason: 'Waiting for the hospital report', expectedDecisionDate: '2026-06-20' };
    expect(errorCode(await intake.interimNotice(nora, notice))).toBe('FORBIDDEN');
    expect(errorCode(await intake.interimNotice(outsider, notice))).toBe('NOT_FOUND');
    expect((await inbox(nora)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT')).toEqual([]);

    clock.advanceDays(2);
    const recorded = await intake.interimNotice(kari, notice);
    expect(recorded.errors).toBeUndefined();

    for (const recipient of [nora, gro, sven]) {
      const rows = (await inbox(recipient)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT');
      expect(rows).toEqual([{ id: expect.any(String), kind: 'INTERIM_NOTICE_SENT', link }]);
      // The notice itself is read on the request, after signing in.
      const read = await intake.request(recipient, requestId);
      expect(read.data!.request.interimNotice).toMatchObject({ reason: notice.reason, expectedDecisionDate: '2026-06-20' });
    }
    for (const bystander of [kari, lars, outsider]) {
      expect((await inbox(bystander)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT')).toEqual([]);
    }
    // No content in the outbox row either: kind and link are all a notification carries.
    const rows = await t.app.orm.em.fork().execute<Array<{ link: string }>>(`select "link" from "notification" where "kind" = 'INTERIM_NOTICE_SENT'`);
    expect(rows.map((row) => row.link)).toEqual([link, link, link]);

    // A second notice (a new date) is a new written notice: it reaches them again.
    clock.advanceDays(1);
    expect((await intake.interimNotice(kari, { ...notice, expectedDecisionDate: '2026-06-25' })).errors).toBeUndefined();
    expect((await inbox(nora)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT')).toHaveLength(2);
    expect((await inbox(gro)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT')).toHaveLength(2);

    // Tidy: decided, so the deadlines of this request do not run into the next test.
    expect((await intake.decide(kari, { requestId, decision: 'REFUSED', reason: 'Not needed' })).errors).toBeUndefined();
  });
});

describe('a promised date that passes undecided', () => {
  it('a notice sent early promising a date within the month: when that date passes, the unit hears INTERIM_NOTICE_DUE and staff are notified, once', async () => {
    clock.set('2026-07-01T08:00:00.000Z');
    const live = subscribeTo(t, kari.token, CASE_EVENTS, { u: unitId });
    clients.push(live);
    const per = await seed.citizen('per');
    const submitted = await intake.submit(per, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' });
    const requestId = submitted.data!.submitRequest.id as string;
    expect(submitted.data!.submitRequest.decisionDueAt).toBe('2026-08-01T08:00:00.000Z');
    // The subscription is live: it heard the receipt.
    await vi.waitFor(() => expect(live.events.map((event) => event.data?.caseEvents)).toContainEqual(expect.objectContaining({ kind: 'REQUEST_RECEIVED', requestId })));

    clock.advanceDays(1);
    const recorded = await intake.interimNotice(kari, { requestId, reason: 'Waiting for the school', expectedDecisionDate: '2026-07-15' });
    expect(recorded.errors).toBeUndefined();
    expect(await intake.deadline(`decision:${requestId}`)).toEqual({ dueAt: '2026-07-15T22:00:00.000Z', resolved: false });

    // 23:59 on the promised date in Oslo: not passed yet.
    clock.set('2026-07-15T21:59:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(0);
    expect(await interimNoticesDue()).toBe(0);

    // Midnight in Oslo: the date has passed undecided, weeks before the month is up.
    clock.set('2026-07-15T22:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    const heard = { kind: 'INTERIM_NOTICE_DUE', requestId, actor: null, detail: { dueAt: '2026-07-15T22:00:00.000Z', expectedDecisionDate: '2026-07-15' } };
    await vi.waitFor(() => expect(live.events.map((event) => event.data?.caseEvents)).toContainEqual(heard));
    for (const staff of [kari, lars]) {
      expect((await inbox(staff)).filter((row) => row.kind === 'INTERIM_NOTICE')).toEqual([{ id: expect.any(String), kind: 'INTERIM_NOTICE', link: `/requests/${requestId}` }]);
    }
    expect(await interimNoticesDue()).toBe(1);

    // Once: later runs, and the month mark passing, raise nothing more.
    expect(await t.app.scheduler.runDue()).toBe(0);
    clock.set('2026-08-02T08:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(0);
    expect((await intake.caseEvents({ requestId })).filter((event) => event.kind === 'INTERIM_NOTICE_DUE')).toHaveLength(1);
    expect((await inbox(kari)).filter((row) => row.kind === 'INTERIM_NOTICE')).toHaveLength(1);
    expect(await interimNoticesDue()).toBe(1);

    // The new notice settles it until its own date, and reaches the person.
    expect((await intake.interimNotice(kari, { requestId, reason: 'Still waiting for the school', expectedDecisionDate: '2026-08-20' })).errors).toBeUndefined();
    expect(await interimNoticesDue()).toBe(0);
    expect((await inbox(per)).filter((row) => row.kind === 'INTERIM_NOTICE_SENT')).toHaveLength(2);

    // ...and when that date passes too, it is raised again.
    clock.set('2026-08-21T06:00:00.000Z');
    expect(await t.app.scheduler.runDue()).toBe(1);
    await vi.waitFor(() =>
      expect(live.events.map((event) => event.data?.caseEvents)).toContainEqual(expect.objectContaining({ kind: 'INTERIM_NOTICE_DUE', requestId, detail: expect.objectContaining({ expectedDecisionDate: '2026-08-20' }) })),
    );
    expect((await inbox(lars)).filter((row) => row.kind === 'INTERIM_NOTICE')).toHaveLength(2);
  });

  it('a request decided before its promised date owes nothing when the date passes', async () => {
    clock.set('2026-09-01T08:00:00.000Z');
    const [ola, liv] = [await seed.citizen('ola'), await seed.citizen('liv')];
    const decidedId = (await intake.submit(ola, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest.id as string;
    const waitingId = (await intake.submit(liv, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' })).data!.submitRequest.id as string;
    for (const requestId of [decidedId, waitingId]) {
      expect((await intake.interimNotice(kari, { requestId, reason: 'Busy', expectedDecisionDate: '2026-09-10' })).errors).toBeUndefined();
    }
    expect((await intake.decide(kari, { requestId: decidedId, decision: 'REFUSED', reason: 'Not needed' })).errors).toBeUndefined();

    clock.set('2026-09-11T08:00:00.000Z');
    await t.app.scheduler.runDue();
    // The barrier: the request still waiting was raised in the same run; the decided one was not.
    expect((await intake.caseEvents({ requestId: waitingId })).map((event) => event.kind)).toContain('INTERIM_NOTICE_DUE');
    expect((await intake.caseEvents({ requestId: decidedId })).map((event) => event.kind)).not.toContain('INTERIM_NOTICE_DUE');
  });
});

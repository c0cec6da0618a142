import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarMonth, daysBefore } from '../src/shared/dates.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The one-month decision deadline (fvl § 11 a) counted in Oslo: a month later at the same Oslo
 * wall-clock time, falling back to the month's last day when it has no such date. Every case is
 * written as Oslo wall-clock time with the offset that holds then (+01:00 winter, +02:00 summer),
 * so the expectations do not lean on the module under test. Summer time in 2026 runs from
 * 29 March 02:00 to 25 October 03:00; in 2027 it starts on 28 March.
 */
const CASES: Array<[what: string, received: string, due: string]> = [
  ['31 January 00:30 (still 30 January in UTC) gives 28 February, not 1 March', '2026-01-31T00:30:00+01:00', '2026-02-28T00:30:00+01:00'],
  ['31 January 23:30 gives 28 February', '2026-01-31T23:30:00+01:00', '2026-02-28T23:30:00+01:00'],
  ['30 January gives 28 February too', '2026-01-30T12:00:00+01:00', '2026-02-28T12:00:00+01:00'],
  ['31 January of a leap year gives 29 February', '2028-01-31T00:30:00+01:00', '2028-02-29T00:30:00+01:00'],
  ['31 January 23:30 of a leap year gives 29 February 23:30', '2028-01-31T23:30:00+01:00', '2028-02-29T23:30:00+01:00'],
  ['29 February gives 29 March', '2028-02-29T09:00:00+01:00', '2028-03-29T09:00:00+02:00'],
  ['31 March 00:30 (still 30 March in UTC) gives 30 April, not 1 May', '2026-03-31T00:30:00+02:00', '2026-04-30T00:30:00+02:00'],
  ['31 March 23:30 gives 30 April 23:30', '2026-03-31T23:30:00+02:00', '2026-04-30T23:30:00+02:00'],
  ['31 August gives 30 September', '2026-08-31T00:30:00+02:00', '2026-09-30T00:30:00+02:00'],
  ['31 December 23:30 (still 31 December in UTC) gives 31 January next year', '2026-12-31T23:30:00+01:00', '2027-01-31T23:30:00+01:00'],
  ['1 January 00:30 (still 31 December in UTC) gives 1 February', '2027-01-01T00:30:00+01:00', '2027-02-01T00:30:00+01:00'],
  // Received on the days summer time starts and ends.
  ['the day summer time starts, 00:30 (winter time), gives 29 April 00:30 summer time', '2026-03-29T00:30:00+01:00', '2026-04-29T00:30:00+02:00'],
  ['the day summer time starts, 23:30 (summer time)', '2026-03-29T23:30:00+02:00', '2026-04-29T23:30:00+02:00'],
  ['the day summer time ends, 00:30 (summer time), gives 25 November 00:30 winter time', '2026-10-25T00:30:00+02:00', '2026-11-25T00:30:00+01:00'],
  ['the day summer time ends, 23:30 (winter time)', '2026-10-25T23:30:00+01:00', '2026-11-25T23:30:00+01:00'],
  // Due on the days summer time starts and ends.
  ['due the day summer time starts, 00:30, still winter time then', '2027-02-28T00:30:00+01:00', '2027-03-28T00:30:00+01:00'],
  ['due the day summer time starts, 23:30, summer time by then', '2027-02-28T23:30:00+01:00', '2027-03-28T23:30:00+02:00'],
  ['due the day summer time ends, 00:30, still summer time then', '2026-09-25T00:30:00+02:00', '2026-10-25T00:30:00+02:00'],
  ['due the day summer time ends, 23:30, winter time by then', '2026-09-25T23:30:00+02:00', '2026-10-25T23:30:00+01:00'],
  ['31 October 23:30 gives 30 November 23:30', '2026-10-31T23:30:00+01:00', '2026-11-30T23:30:00+01:00'],
];

describe('the one-month decision deadline, as a date function', () => {
  it.each(CASES)('%s', (_what, received, due) => {
    expect(addCalendarMonth(new Date(received)).toISOString()).toBe(new Date(due).toISOString());
  });

  it('warns 7 calendar days ahead at the same Oslo time, across the change to summer time', () => {
    // Due 2 April 09:00 summer time: the warning is 26 March 09:00 winter time, 169 hours earlier.
    expect(daysBefore(new Date('2026-04-02T09:00:00+02:00'), 7).toISOString()).toBe(new Date('2026-03-26T09:00:00+01:00').toISOString());
  });
});

describe('the decision deadline through the real door', () => {
  const clock = new ManualClock('2026-01-30T23:30:00.000Z');
  let t: TestApp;
  let intake: ReturnType<typeof intakeFor>;
  let seed: ReturnType<typeof seedFor>;
  let kari: SeededPerson;
  let unitId: string;

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
    seed = seedFor(t);
    intake = intakeFor(t);
    unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
    kari = await seed.staff('kari', unitId);
  });

  afterAll(async () => {
    await t?.close();
  });

  const submitAt = async (sub: string, received: string) => {
    clock.set(received);
    const person = await seed.citizen(sub);
    const response = await intake.submit(person, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' });
    expect(response.errors).toBeUndefined();
    return { person, request: response.data!.submitRequest as { id: string; receivedAt: string; decisionDueAt: string } };
  };

  it('a request received at 00:30 on 31 January in Oslo is due 28 February, as the person and the unit read it back', async () => {
    const { person, request } = await submitAt('ingrid', '2026-01-31T00:30:00+01:00');
    expect(request.receivedAt).toBe('2026-01-30T23:30:00.000Z');
    expect(request.decisionDueAt).toBe('2026-02-27T23:30:00.000Z'); // 28 February 00:30 in Oslo

    const read = await intake.request(person, request.id);
    expect(read.data!.request.decisionDueAt).toBe('2026-02-27T23:30:00.000Z');
    const dashboard = await t.gql(
      'query($u: ID!) { unitDashboard(unitId: $u) { counts { nextDecisionDueAt } cases(first: 10) { edges { node { requestId nextDeadline { kind dueAt } } } } } }',
      { u: unitId },
      kari.token,
    );
    expect(dashboard.data!.unitDashboard.counts.nextDecisionDueAt).toBe('2026-02-27T23:30:00.000Z');
    expect(dashboard.data!.unitDashboard.cases.edges.map((edge: any) => edge.node)).toContainEqual({
      requestId: request.id,
      nextDeadline: { kind: 'DECISION', dueAt: '2026-02-27T23:30:00.000Z' },
    });
    // The deadline the scheduler fires is the same instant.
    expect(await intake.deadline(`decision:${request.id}`)).toEqual({ dueAt: '2026-02-27T23:30:00.000Z', resolved: false });
  });

  it('a request received at 23:30 on 31 March (summer time) is due 30 April, not 1 May', async () => {
    const { request } = await submitAt('per', '2026-03-31T23:30:00+02:00');
    expect(request.decisionDueAt).toBe('2026-04-30T21:30:00.000Z');
  });

  it('a request received on the day summer time ends keeps its Oslo time of day', async () => {
    const { request } = await submitAt('eva', '2026-10-25T00:30:00+02:00');
    expect(request.decisionDueAt).toBe('2026-11-24T23:30:00.000Z'); // 25 November 00:30, winter time
  });

  it('refuses a client that tries to set the receipt or the deadline itself', async () => {
    const person = await seed.citizen('mallory');
    for (const field of ['decisionDueAt', 'receivedAt']) {
      const response = await intake.submit(person, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', [field]: '2099-01-01T00:00:00.000Z' });
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.message).toMatch(new RegExp(`"${field}" is not defined`));
    }
  });
});

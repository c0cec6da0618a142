import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withoutTransaction } from '../src/db/unit-of-work.js';
import { loadCurrentGuardians } from '../src/people/guardianship.current.js';
import { consentFor, subscribeTo } from './helpers/consent.js';
import { connectEditor } from './helpers/editor.js';
import { errorCode } from './helpers/graphql.js';
import { intakeFor } from './helpers/intake.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * Issue 12, "Guardians and roles", through the real doors: a guardianship has a period, can be
 * revoked, leaves a trail (case events for the ward's unit, notifications without content), and
 * every power it gives ends when it ends. docs/guardianship.md says what the code does.
 */

const START = '2027-03-01T09:00:00.000Z';
const clock = new ManualClock(START);
let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let intake: ReturnType<typeof intakeFor>;
let consent: ReturnType<typeof consentFor>;
let plans: ReturnType<typeof plansFor>;
let admin: string;
let unitA: { id: string };
let unitB: { id: string };
let staffA: SeededPerson;
let staffB: SeededPerson;
const clients: Array<{ client: { dispose(): void | Promise<void> } }> = [];

const FIELDS = 'id basis validFrom validUntil revokedAt revocationReason current revokedBy { id } guardian { id } ward { id }';
const RECORD = `mutation($input: RecordGuardianshipInput!) { recordGuardianship(input: $input) { ${FIELDS} } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeGuardianship(id: $id, reason: $reason) { ${FIELDS} } }`;
const PARTICIPANTS_CHANGED = 'subscription($planId: ID!) { participantsChanged(planId: $planId) { change participantId } }';

const at = (days: number) => new Date(clock.now().getTime() + days * 24 * 60 * 60 * 1000).toISOString();
const record = (token: string, guardian: SeededPerson, ward: SeededPerson, period: { validFrom?: string; validUntil?: string } = {}) =>
  t.gql(RECORD, { input: { guardian: { id: guardian.id }, ward: { id: ward.id }, basis: 'PARENT', basisReference: 'Fødselsattest sett', ...period } }, token);
const revoke = (token: string, id: string, reason = 'Foreldreansvaret overført, sak 2027/118') => t.gql(REVOKE, { id, reason }, token);
const sql = <T>(query: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(query, params);
const guardianshipEvents = (wardId: string) =>
  sql<{ unit_id: string; kind: string; actor_id: string | null; detail: Record<string, unknown> }>(
    `select "unit_id", "kind", "actor_id", "detail" from "case_event" where "person_id" = ? and "kind" like 'GUARDIANSHIP_%' order by "id"`, [wardId]);
const notices = async (recipientId: string) =>
  (await sql<{ kind: string; link: string }>(`select "kind", "link" from "notification" where "recipient_id" = ? and "kind" like 'GUARDIANSHIP_%' order by "created_at", "kind"`, [recipientId]))
    .map((row) => `${row.kind} ${row.link}`);
const participantOf = async (planId: string, personId: string) =>
  (await sql<{ id: string; role: string }>('select "id", "role" from "participant" where "plan_id" = ? and "person_id" = ? and "removed_at" is null', [planId, personId]))[0];

/**
 * A person of municipality A with a request of their own at A's unit and a plan A's staff opened
 * for them (so the unit oversees it, and a guardian recorded later joins it as GUARDIAN).
 */
async function wardOfA(sub: string) {
  const ward = await seed.citizen(sub);
  const submitted = await intake.submit(ward, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR' });
  expect(submitted.errors).toBeUndefined();
  const plan = await seed.plan().withOwner(ward).openedBy(staffA).create();
  return { ward, requestId: submitted.data!.submitRequest.id as string, planId: plan.id };
}

/** A participantsChanged subscription that is listening (its listener is on the event bus) when this resolves. */
async function listening(token: string, planId: string) {
  const before = t.app.connectionStats().eventListeners;
  const subscription = subscribeTo(t, token, PARTICIPANTS_CHANGED, { planId });
  clients.push(subscription);
  await vi.waitFor(() => expect(t.app.connectionStats().eventListeners).toBeGreaterThan(before));
  return subscription;
}

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  intake = intakeFor(t);
  consent = consentFor(t);
  plans = plansFor(t);
  admin = await t.token(ADMIN.subject, 'personnel', 'Admin');
  unitA = await seed.organization('Koordinerende enhet Oslo', 'COORDINATING_UNIT'); // 0301
  unitB = await seed.organization('Koordinerende enhet Bergen', 'COORDINATING_UNIT', '4601');
  staffA = await seed.staff('period-staff-a', unitA.id);
  staffB = await seed.staff('period-staff-b', unitB.id);
});
afterEach(async () => {
  for (const { client } of clients.splice(0)) await client.dispose();
});
afterAll(() => t?.close());

describe('a guardianship with a period', () => {
  it('is recorded with its period, tells the unit and the ward, and refuses absurd periods', async () => {
    const { ward } = await wardOfA('period-ward');
    const mother = await seed.citizen('period-mother');
    const refused = [
      { validFrom: at(5), validUntil: at(2) },
      { validFrom: at(-10), validUntil: at(-1) },
      { validUntil: at(0) },
      { validFrom: '0001-01-01T00:00:00Z' },
      { validFrom: '9999-12-31T00:00:00Z' },
      { validFrom: at(400) },
      { validUntil: '9999-12-31T00:00:00Z' },
    ];
    for (const period of refused) expect(errorCode(await record(staffA.token, mother, ward, period)), JSON.stringify(period)).toBe('BAD_USER_INPUT');
    expect(errorCode(await record(staffA.token, mother, ward, { validFrom: 'yesterday' }))).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(await sql('select 1 from "guardianship" where "ward_id" = ?', [ward.id])).toEqual([]);

    // A parent since the child's birth, until the child turns 18.
    const recorded = await record(staffA.token, mother, ward, { validFrom: '2015-06-01T22:00:00.000Z', validUntil: '2033-06-01T22:00:00.000Z' });
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordGuardianship).toMatchObject({
      validFrom: '2015-06-01T22:00:00.000Z', validUntil: '2033-06-01T22:00:00.000Z', current: true, revokedAt: null, revokedBy: null, revocationReason: null,
    });
    const id = recorded.data!.recordGuardianship.id as string;
    expect(await guardianshipEvents(ward.id)).toEqual([
      { unit_id: unitA.id, kind: 'GUARDIANSHIP_RECORDED', actor_id: staffA.id, detail: expect.objectContaining({ guardianshipId: id, guardianId: mother.id, validUntil: '2033-06-01T22:00:00.000Z' }) },
    ]);
    // The trail carries no basis reference.
    expect(JSON.stringify(await guardianshipEvents(ward.id))).not.toContain('Fødselsattest');
    expect(await notices(ward.id)).toEqual(['GUARDIANSHIP_RECORDED /me/guardianships']);
    expect(await intake.deadline(`guardianship-end:${id}`)).toEqual({ dueAt: '2033-06-01T22:00:00.000Z', resolved: false });

    // Without a period: from now, with no end, and no end to schedule.
    const father = await seed.citizen('period-father');
    const open = (await record(staffA.token, father, ward)).data!.recordGuardianship;
    expect(open).toMatchObject({ validFrom: clock.now().toISOString(), validUntil: null, current: true });
    expect(await intake.deadline(`guardianship-end:${open.id}`)).toBeUndefined();
  });
});

describe('current guardians, for whoever caches them (src/people/guardianship.current.ts)', () => {
  it('says who is guardian at an instant, and when that next changes by the clock alone', async () => {
    const { ward } = await wardOfA('current-ward');
    const ending = await seed.citizen('current-ending');
    const starting = await seed.citizen('current-starting');
    const revoked = await seed.citizen('current-revoked');
    const now = clock.now();
    const day = (days: number) => new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
    expect((await record(staffA.token, ending, ward, { validUntil: day(5).toISOString() })).errors).toBeUndefined();
    expect((await record(staffA.token, starting, ward, { validFrom: day(2).toISOString() })).errors).toBeUndefined();
    const revokedId = (await record(staffA.token, revoked, ward, { validUntil: day(1).toISOString() })).data!.recordGuardianship.id as string;
    expect((await revoke(staffA.token, revokedId)).errors).toBeUndefined();
    const nobody = await seed.citizen('current-nobody');

    const guardiansAt = async (when: Date) => {
      const current = await loadCurrentGuardians(withoutTransaction(t.app.orm.em.fork()), [ward.id, nobody.id], when);
      return { ward: current.get(ward.id), nobody: current.get(nobody.id) };
    };
    // The revoked one's validUntil would change nothing: it is not the next change.
    expect(await guardiansAt(now)).toEqual({ ward: { guardianIds: new Set([ending.id]), changesAt: day(2) }, nobody: { guardianIds: new Set(), changesAt: null } });
    expect((await guardiansAt(day(3))).ward).toEqual({ guardianIds: new Set([ending.id, starting.id]), changesAt: day(5) });
    expect((await guardiansAt(day(5))).ward).toEqual({ guardianIds: new Set([starting.id]), changesAt: null });
    expect(await loadCurrentGuardians(withoutTransaction(t.app.orm.em.fork()), [], now)).toEqual(new Map());
  });
});

describe('revoking a guardianship', () => {
  it('is refused to the ward, the guardian, strangers and another municipality; the unit revokes and every power ends at once', async () => {
    const { ward, requestId, planId } = await wardOfA('revoke-ward');
    const guardian = await seed.citizen('revoke-guardian');
    const other = await seed.citizen('revoke-other-guardian');
    const stranger = await seed.citizen('revoke-stranger');
    const id = (await record(staffA.token, guardian, ward)).data!.recordGuardianship.id as string;
    expect((await record(staffA.token, other, ward)).errors).toBeUndefined();
    // Recorded after the unit opened the plan: the guardian takes part as GUARDIAN and consents.
    const participant = await participantOf(planId, guardian.id);
    expect(participant?.role).toBe('GUARDIAN');
    expect((await consent.give(guardian.token, { planId, scope: 'PLAN' })).errors).toBeUndefined();
    expect((await intake.request(guardian, requestId)).data?.request.id).toBe(requestId);
    const wardHears = await listening(ward.token, planId);

    // The attackers, each refused and nothing changed.
    for (const who of [ward, guardian, stranger, staffB]) expect(errorCode(await revoke(who.token, id)), who.sub).toBe('FORBIDDEN');
    expect(errorCode(await revoke(staffA.token, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    expect(errorCode(await revoke(staffA.token, 'not-an-id'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await revoke(staffA.token, id, '   '))).toBe('BAD_USER_INPUT');
    expect(errorCode(await revoke(staffA.token, id, 'x'.repeat(501)))).toBe('BAD_USER_INPUT');
    expect((await sql<{ revoked_at: Date | null }>('select "revoked_at" from "guardianship" where "id" = ?', [id]))[0]!.revoked_at).toBeNull();
    expect(await notices(guardian.id)).toEqual(['GUARDIANSHIP_RECORDED /me/guardianships']);

    clock.advance(60_000);
    const revoked = await revoke(staffA.token, id);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeGuardianship).toMatchObject({
      current: false, revokedAt: clock.now().toISOString(), revokedBy: { id: staffA.id }, revocationReason: 'Foreldreansvaret overført, sak 2027/118',
    });
    expect((await guardianshipEvents(ward.id)).map((event) => event.kind)).toEqual(['GUARDIANSHIP_RECORDED', 'GUARDIANSHIP_RECORDED', 'GUARDIANSHIP_REVOKED']);
    expect((await guardianshipEvents(ward.id)).at(-1)).toMatchObject({ unit_id: unitA.id, actor_id: staffA.id, detail: { guardianshipId: id, guardianId: guardian.id } });
    // The ward, the guardian who lost the role and the ward's other guardian, without content.
    for (const who of [ward, guardian, other]) expect(await notices(who.id), who.sub).toContain('GUARDIANSHIP_REVOKED /me/guardianships');
    expect(await notices(stranger.id)).toEqual([]);
    expect(errorCode(await revoke(staffA.token, id))).toBe('BAD_USER_INPUT');

    // Open subscriptions of the ward's plans are re-checked at once: the ward hears of it.
    await vi.waitFor(() => expect(wardHears.events.map((event) => event.data?.participantsChanged))
      .toContainEqual({ change: 'GUARDIANSHIP_CHANGED', participantId: participant!.id }));

    // The powers outside the plan are gone: the ward's request, a new request as guardian.
    expect(errorCode(await intake.request(guardian, requestId))).toBe('NOT_FOUND');
    expect(errorCode(await intake.submit(guardian, { person: { id: ward.id }, source: 'GUARDIAN', wants: 'PLAN_AND_COORDINATOR' }))).toBe('FORBIDDEN');
    // The other guardian keeps theirs (the barrier: the same reads answer for a current guardian).
    expect((await intake.request(other, requestId)).data?.request.id).toBe(requestId);

    // Their page lists it, revoked.
    const mine = await t.gql('{ me { guardianships { id current revokedAt revocationReason } } }', {}, guardian.token);
    expect(mine.data!.me.guardianships).toEqual([{ id, current: false, revokedAt: clock.now().toISOString(), revocationReason: 'Foreldreansvaret overført, sak 2027/118' }]);

    // Recorded again after revocation: a new guardianship, and the powers are back.
    const again = await record(staffA.token, guardian, ward);
    expect(again.errors).toBeUndefined();
    expect(again.data!.recordGuardianship).toMatchObject({ current: true, revokedAt: null });
    expect(again.data!.recordGuardianship.id).not.toBe(id);
    expect((await intake.request(guardian, requestId)).data?.request.id).toBe(requestId);
    expect((await intake.submit(guardian, { person: { id: ward.id }, source: 'GUARDIAN', wants: 'PLAN_AND_COORDINATOR' })).errors).toBeUndefined();
  });

  it("ends the guardian's powers inside the ward's plans at once: consent, the access log, the live document, open subscriptions", async () => {
    const { ward, planId } = await wardOfA('revoke-in-plan-ward');
    const guardian = await seed.citizen('revoke-in-plan-guardian');
    const id = (await record(staffA.token, guardian, ward)).data!.recordGuardianship.id as string;
    const ACCESS_LOG = 'query($id: ID!) { plan(id: $id) { accessLog(first: 5) { edges { node { at } } } } }';
    // The barrier: as guardian they consent for the ward and read the access log.
    expect((await consent.give(guardian.token, { planId, scope: 'PLAN' })).errors).toBeUndefined();
    expect((await t.gql(ACCESS_LOG, { id: planId }, guardian.token)).errors).toBeUndefined();
    const guardianHears = await listening(guardian.token, planId);
    const guardianEditor = connectEditor(t, planId, guardian.token);
    try {
      await guardianEditor.synced();
      expect((await revoke(staffA.token, id)).errors).toBeUndefined();
      // The open live document closes at once too.
      await vi.waitFor(() => expect(guardianEditor.closes.map((close) => close.code)).toContain(4403));
    } finally {
      guardianEditor.destroy();
    }
    await vi.waitFor(() => expect(guardianHears.isDone()).toBe(true));
    expect(errorCode(guardianHears.events.at(-1))).toBe('FORBIDDEN');
    expect(errorCode(await consent.give(guardian.token, { planId, scope: 'PLAN' }))).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    expect(errorCode(await t.gql(ACCESS_LOG, { id: planId }, guardian.token))).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    // The plan's archive record no longer names them among those who take part.
    const archived = await t.gql('mutation($id: ID!) { archivePlan(planId: $id) { urls { json } } }', { id: planId }, ward.token);
    expect(archived.errors).toBeUndefined();
    const archiveRecord = (await (await fetch(`${t.url}${archived.data!.archivePlan.urls.json as string}`, { headers: { authorization: `Bearer ${ward.token}` } })).json()) as { participants: Array<{ person: { id: string } }> };
    const named = archiveRecord.participants.map((participant) => participant.person.id);
    expect(named).toContain(ward.id);
    expect(named).not.toContain(guardian.id);
  });

  it("leaves another municipality's guardianships to that municipality, and an unclear one to an administrator", async () => {
    const wardB = await seed.citizen('revoke-ward-b');
    expect((await intake.submit(wardB, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', municipality: '4601' })).errors).toBeUndefined();
    const guardian = await seed.citizen('revoke-guardian-b');
    const id = (await record(staffB.token, guardian, wardB)).data!.recordGuardianship.id as string;
    expect(errorCode(await revoke(staffA.token, id))).toBe('FORBIDDEN');
    expect(await notices(guardian.id)).toEqual([]);
    const byAdmin = await revoke(admin, id, 'Vergemålet opphørt');
    expect(byAdmin.data?.revokeGuardianship.current).toBe(false);
    expect(await notices(guardian.id)).toEqual(['GUARDIANSHIP_REVOKED /me/guardianships']);
  });
});

describe('a guardianship that runs out', () => {
  it('ends every power at validUntil by the clock, then the scheduler tells the unit, the ward and the guardian', async () => {
    const { ward, requestId, planId } = await wardOfA('end-ward');
    const guardian = await seed.citizen('end-guardian');
    const id = (await record(staffA.token, guardian, ward, { validUntil: at(2) })).data!.recordGuardianship.id as string;
    const participant = await participantOf(planId, guardian.id);
    expect((await intake.request(guardian, requestId)).data?.request.id).toBe(requestId);
    const wardHears = await listening(ward.token, planId);

    clock.advanceDays(1);
    await t.app.scheduler.runDue();
    expect((await guardianshipEvents(ward.id)).map((event) => event.kind)).toEqual(['GUARDIANSHIP_RECORDED']);
    expect((await intake.request(guardian, requestId)).data?.request.id).toBe(requestId);

    clock.advanceDays(1);
    // At validUntil: gone by the clock, before the scheduler has recorded anything.
    expect(errorCode(await intake.request(guardian, requestId))).toBe('NOT_FOUND');
    expect(errorCode(await intake.submit(guardian, { person: { id: ward.id }, source: 'GUARDIAN', wants: 'PLAN_AND_COORDINATOR' }))).toBe('FORBIDDEN');
    expect(await notices(guardian.id)).toEqual([]);
    await t.app.scheduler.runDue();
    expect((await guardianshipEvents(ward.id)).at(-1)).toMatchObject({ unit_id: unitA.id, kind: 'GUARDIANSHIP_ENDED', actor_id: null, detail: { guardianshipId: id } });
    expect(await notices(ward.id)).toEqual(['GUARDIANSHIP_RECORDED /me/guardianships', 'GUARDIANSHIP_ENDED /me/guardianships']);
    expect(await notices(guardian.id)).toEqual(['GUARDIANSHIP_ENDED /me/guardianships']);
    await vi.waitFor(() => expect(wardHears.events.map((event) => event.data?.participantsChanged))
      .toContainEqual({ change: 'GUARDIANSHIP_CHANGED', participantId: participant!.id }));
    // Once only, however often the scheduler runs.
    await t.app.scheduler.runDue();
    expect((await guardianshipEvents(ward.id)).filter((event) => event.kind === 'GUARDIANSHIP_ENDED')).toHaveLength(1);

    // Nothing left to revoke; recorded again, it is a new period (the old one is closed, not rewritten).
    expect(errorCode(await revoke(staffA.token, id))).toBe('BAD_USER_INPUT');
    const again = await record(staffA.token, guardian, ward, { validUntil: at(30) });
    expect(again.data?.recordGuardianship).toMatchObject({ current: true });
    const [old] = await sql<{ valid_until: Date; revoked_at: Date | null; revocation_reason: string }>(
      'select "valid_until", "revoked_at", "revocation_reason" from "guardianship" where "id" = ?', [id]);
    expect(new Date(old!.valid_until).toISOString()).toBe(at(0));
    expect(old!.revocation_reason).toMatch(/^Ended .*; recorded again$/);
    expect((await intake.request(guardian, requestId)).data?.request.id).toBe(requestId);
  });

  it('a revoked one does not also end by date', async () => {
    const { ward } = await wardOfA('end-revoked-ward');
    const guardian = await seed.citizen('end-revoked-guardian');
    const id = (await record(staffA.token, guardian, ward, { validUntil: at(1) })).data!.recordGuardianship.id as string;
    expect((await revoke(staffA.token, id)).errors).toBeUndefined();
    expect((await intake.deadline(`guardianship-end:${id}`))?.resolved).toBe(true);
    clock.advanceDays(2);
    await t.app.scheduler.runDue();
    expect((await guardianshipEvents(ward.id)).map((event) => event.kind)).toEqual(['GUARDIANSHIP_RECORDED', 'GUARDIANSHIP_REVOKED']);
  });
});

describe('roles in a plan', () => {
  it('a GUARDIAN role needs a guardianship that holds now; every role change is on the unit\'s trail; nobody changes their own', async () => {
    const { ward, planId } = await wardOfA('role-ward');
    const guardian = await seed.citizen('role-guardian');
    const future = await seed.citizen('role-future-guardian');
    const id = (await record(staffA.token, guardian, ward)).data!.recordGuardianship.id as string;
    const participantId = (await participantOf(planId, guardian.id))!.id;
    expect((await consent.give(ward.token, { planId, scope: 'PLAN' })).errors).toBeUndefined();
    const roleEvents = async () => (await sql<{ actor_id: string; detail: Record<string, unknown> }>(
      `select "actor_id", "detail" from "case_event" where "plan_id" = ? and "kind" = 'PARTICIPANT_ROLE_CHANGED' order by "id"`, [planId]));

    // Nobody changes their own role: not the guardian, not the unit's interim coordinator.
    expect(errorCode(await plans.changeRole(guardian, participantId, 'RELATIVE'))).toBe('FORBIDDEN');
    const coordinatorId = (await participantOf(planId, staffA.id))?.id;
    expect(coordinatorId).toBeDefined();
    expect(errorCode(await plans.changeRole(staffA, coordinatorId!, 'GUARDIAN'))).toBe('FORBIDDEN');
    expect(await roleEvents()).toEqual([]);

    expect((await revoke(staffA.token, id)).errors).toBeUndefined();
    // The ward takes the ex-guardian down to relative: recorded for the unit, who, from and to.
    expect((await plans.changeRole(ward, participantId, 'RELATIVE')).data?.changeParticipantRole).toMatchObject({ participant: { role: 'RELATIVE' } });
    expect(await roleEvents()).toEqual([{ actor_id: ward.id, detail: { participantId, personId: guardian.id, from: 'GUARDIAN', to: 'RELATIVE' } }]);
    // Back to GUARDIAN is refused while no guardianship holds: revoked, or one yet to begin.
    expect(errorCode(await plans.changeRole(ward, participantId, 'GUARDIAN'))).toBe('BAD_USER_INPUT');
    expect((await record(admin, future, ward, { validFrom: at(7) })).errors).toBeUndefined();
    const added = await plans.addParticipant(ward, { planId, role: 'GUARDIAN', person: { id: future.id } });
    expect(errorCode(added)).toBe('BAD_USER_INPUT');
    expect(await roleEvents()).toHaveLength(1);

    // Recorded again, the guardian is a GUARDIAN again (a plan the unit opened takes them in).
    expect((await record(staffA.token, guardian, ward)).errors).toBeUndefined();
    expect((await participantOf(planId, guardian.id))!.role).toBe('GUARDIAN');
  });
});

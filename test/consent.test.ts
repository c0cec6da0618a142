import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_ISSUERS } from '../src/config/config.js';
import { consentFor, subscribeTo } from './helpers/consent.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { errorCode, nodesOf } from './helpers/graphql.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const PARTICIPANTS_CHANGED = 'subscription($planId: ID!) { participantsChanged(planId: $planId) { change participantId } }';
const PLAN_CHANGED = 'subscription($planId: ID!) { planChanged(planId: $planId) { seq sections } }';

let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let consent: ReturnType<typeof consentFor>;
let plans: ReturnType<typeof plansFor>;
const clock = new ManualClock('2027-01-04T09:00:00Z');
const editors: Editor[] = [];
const clients: Array<{ client: { dispose(): void | Promise<void> } }> = [];
let homeCare: { id: string };
let unit: { id: string };

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  consent = consentFor(t);
  plans = plansFor(t);
  homeCare = await seed.organization('Home care');
  unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await Promise.all(clients.map(({ client }) => client.dispose()));
  await t?.close();
});

const open = (planId: string, who: SeededPerson) => {
  const editor = connectEditor(t, planId, who.token);
  editors.push(editor);
  return editor;
};
const days = (n: number) => new Date(clock.now().getTime() + n * 24 * 60 * 60 * 1000).toISOString();

describe('a participant the coordinator adds', () => {
  it('sees nothing until the person consents, then only what the consent covers', async () => {
    const owner = await seed.citizen('olga');
    const relative = await seed.citizen('olgas-son');
    const coordinator = await seed.staff('kora', unit.id);
    const nurse = await seed.staff('nina', homeCare.id);
    const plan = await seed.plan().withOwner(owner).withRelative(relative).withCoordinator(coordinator, unit.id).create();

    // The coordinator may invite, but cannot consent for the person.
    const refusedTerms = await plans.addParticipant(coordinator, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id }, consent: { confidentialInformation: true } });
    expect(errorCode(refusedTerms)).toBe('BAD_USER_INPUT');
    const added = await plans.addParticipant(coordinator, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id } });
    expect(added.data?.addParticipant).toMatchObject({ __typename: 'ParticipantAdded', participant: { pendingConsent: true } });
    const nurseParticipantId = added.data!.addParticipant.participant.id as string;

    expect(errorCode(await consent.participants(nurse.token, plan.id))).toBe('NOT_FOUND');
    expect((await t.gql('{ plans(first: 10) { totalCount } }', {}, nurse.token)).data?.plans.totalCount).toBe(0);
    const invitations = async () => (await t.gql('{ notifications(first: 10) { edges { node { kind link } } } }', {}, nurse.token)).data?.notifications.edges;
    expect(await invitations()).toEqual([]); // not invited before the person consents
    const early = open(plan.id, nurse);
    await vi.waitFor(() => expect(early.closes.map((close) => close.code)).toContain(4404));
    early.destroy();

    // Attackers: a relative consenting for someone else, the coordinator, unknown and malformed ids, a past end.
    expect(errorCode(await consent.give(relative.token, { participantId: nurseParticipantId, scope: 'PARTICIPATE' }))).toBe('FORBIDDEN');
    expect(errorCode(await consent.give(coordinator.token, { participantId: nurseParticipantId, scope: 'PARTICIPATE' }))).toBe('FORBIDDEN');
    expect(errorCode(await consent.give(nurse.token, { participantId: nurseParticipantId, scope: 'PARTICIPATE' }))).toBe('NOT_FOUND');
    expect(errorCode(await consent.give(owner.token, { participantId: '00000000-0000-4000-8000-000000000000', scope: 'PARTICIPATE' }))).toBe('NOT_FOUND');
    expect(errorCode(await consent.give(owner.token, { participantId: 'not-an-id', scope: 'PARTICIPATE' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await consent.give(owner.token, { participantId: nurseParticipantId, scope: 'PARTICIPATE', validUntil: days(-1) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await consent.give(owner.token, { planId: plan.id, participantId: nurseParticipantId, scope: 'PARTICIPATE' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await consent.give(owner.token, { participantId: plan.participantIds[owner.sub], scope: 'PARTICIPATE' }))).toBe('BAD_USER_INPUT');

    // Taking part: metadata and participants, no content.
    const participate = await consent.give(owner.token, { participantId: nurseParticipantId, scope: 'PARTICIPATE' });
    expect(participate.data?.giveConsent.consent).toMatchObject({ scope: 'PARTICIPATE', current: true, person: { id: nurse.id }, givenBy: { id: owner.id } });
    expect(await invitations()).toEqual([{ node: { kind: 'PLAN_INVITATION', link: `/plans/${plan.id}` } }]);
    const seen = await consent.participants(nurse.token, plan.id);
    expect(seen.data?.plan.participants.map((p: { role: string }) => p.role)).toEqual(['OWNER', 'RELATIVE', 'COORDINATOR', 'PROVIDER']);
    expect(errorCode(await consent.sections(nurse.token, plan.id))).toBe('FORBIDDEN');
    const noContent = open(plan.id, nurse);
    await vi.waitFor(() => expect(noContent.closes.map((close) => close.code)).toContain(4403));
    noContent.destroy();

    await consent.give(owner.token, { participantId: nurseParticipantId, scope: 'CONFIDENTIAL_INFORMATION' });
    // Every section but the person's situation, which is the person's further choice (docs/consent.md).
    expect((await consent.sections(nurse.token, plan.id)).data?.plan.sections).toHaveLength(7);
  });

  it('when added by the person without consent to confidential information, sees participants but not sections', async () => {
    const owner = await seed.citizen('petra');
    const friend = await seed.citizen('petras-friend');
    const plan = await seed.plan().withOwner(owner).create();
    const added = await plans.addParticipant(owner, { planId: plan.id, role: 'RELATIVE', person: { id: friend.id }, consent: { confidentialInformation: false } });
    expect(added.data?.addParticipant.participant.pendingConsent).toBe(false);
    expect((await consent.participants(friend.token, plan.id)).data?.plan.participants).toHaveLength(2);
    expect(errorCode(await consent.sections(friend.token, plan.id))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { versions { edges { node { id } } } } }', { id: plan.id }, friend.token))).toBe('FORBIDDEN');
    const refusedPast = await plans.addParticipant(owner, { planId: plan.id, role: 'RELATIVE', person: { id: (await seed.citizen('late')).id }, consent: { validUntil: days(-2) } });
    expect(errorCode(refusedPast)).toBe('BAD_USER_INPUT');
  });
});

describe("the person's consent to the plan", () => {
  it('activates a plan the coordinating unit made; until then only the person reads its content', async () => {
    const elder = await seed.citizen('eldar');
    const staff = await seed.staff('sara', unit.id);
    const created = await t.gql('mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on CreatePlanSuccess { plan { id status } } } }',
      { input: { owner: { issuer: DEV_ISSUERS.citizen, subject: 'eldar' } } }, staff.token);
    const planId = created.data!.createPlan.plan.id as string;
    expect(created.data!.createPlan.plan.status).toBe('REQUESTED');
    expect(errorCode(await consent.sections(staff.token, planId))).toBe('FORBIDDEN');
    expect((await consent.sections(elder.token, planId)).data?.plan.sections).toHaveLength(8);
    expect(errorCode(await consent.give(staff.token, { planId, scope: 'PLAN' }))).toBe('FORBIDDEN');

    const given = await consent.give(elder.token, { planId, scope: 'PLAN' });
    expect(given.data?.giveConsent).toMatchObject({ consent: { scope: 'PLAN', person: { id: elder.id }, participant: null }, plan: { status: 'ACTIVE' } });
    expect((await consent.sections(staff.token, planId)).data?.plan.sections).toHaveLength(7);
    expect(await consent.caseEventKinds(planId)).toContain('CONSENT_GIVEN');
  });
});

describe('withdrawing consent', () => {
  it('closes that participant’s live document and subscriptions at once, and only theirs', async () => {
    const owner = await seed.citizen('wenche');
    const relative = await seed.citizen('wenches-brother');
    const nurse = await seed.staff('walter', homeCare.id);
    const plan = await seed.plan().withOwner(owner).withRelative(relative).withProvider(nurse, homeCare.id).create();
    const relativeParticipant = (await consent.participants(owner.token, plan.id)).data!.plan.participants.find((p: { role: string }) => p.role === 'RELATIVE');
    const relativeConsent = relativeParticipant.consents.find((c: { scope: string }) => c.scope === 'PARTICIPATE');

    const [relativeEditor, nurseEditor, ownerEditor] = [open(plan.id, relative), open(plan.id, nurse), open(plan.id, owner)];
    await Promise.all([relativeEditor.synced(), nurseEditor.synced(), ownerEditor.synced()]);
    const relativeSubs = [subscribeTo(t, relative.token, PARTICIPANTS_CHANGED, { planId: plan.id }), subscribeTo(t, relative.token, PLAN_CHANGED, { planId: plan.id })];
    const nursePlanChanged = subscribeTo(t, nurse.token, PLAN_CHANGED, { planId: plan.id });
    clients.push(...relativeSubs, nursePlanChanged);
    // The subscriptions are live once a change reaches them.
    let goal = 0;
    await vi.waitFor(() => {
      ownerEditor.doc.getArray('goals').push([newEntry({ id: `g${goal++}`, text: text('Live at home') })]);
      expect(relativeSubs[1]!.events.length).toBeGreaterThan(0);
      expect(nursePlanChanged.events.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 400 });
    await vi.waitFor(async () => {
      // participantsChanged hears a renewal of the nurse's consent, which changes nothing for the relative.
      await consent.give(owner.token, { participantId: plan.participantIds[nurse.sub], scope: 'PARTICIPATE' });
      expect(relativeSubs[0]!.events.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 400 });

    // Attackers: the nurse withdrawing the relative's consent; an unknown consent.
    expect(errorCode(await consent.withdraw(nurse.token, relativeConsent.id))).toBe('FORBIDDEN');
    expect(errorCode(await consent.withdraw(owner.token, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');

    const withdrawn = await consent.withdraw(owner.token, relativeConsent.id);
    expect(withdrawn.data?.withdrawConsent).toMatchObject({ __typename: 'ConsentWithdrawn', consent: { current: false, withdrawnAt: expect.any(String) } });
    await vi.waitFor(() => expect(relativeEditor.closes.map((close) => close.code)).toContain(4403));
    for (const subscription of relativeSubs) {
      await vi.waitFor(() => expect(subscription.isDone()).toBe(true));
      expect(errorCode(subscription.events.at(-1))).toBe('FORBIDDEN');
    }
    expect(errorCode(await consent.participants(relative.token, plan.id))).toBe('NOT_FOUND');
    expect(errorCode(await consent.withdraw(owner.token, relativeConsent.id))).toBeUndefined();
    expect((await consent.withdraw(owner.token, relativeConsent.id)).data?.withdrawConsent.__typename).toBe('ConsentNotCurrent');

    // Everyone else stays connected and keeps hearing changes.
    const heard = nursePlanChanged.events.length;
    ownerEditor.doc.getArray('goals').push([newEntry({ id: 'after', text: text('Still here') })]);
    await vi.waitFor(() => expect(nursePlanChanged.events.length).toBeGreaterThan(heard));
    expect(nurseEditor.closes).toEqual([]);
    expect(nursePlanChanged.isDone()).toBe(false);

    // A participant may withdraw their own participation.
    const nurseConsents = nodesOf((await consent.participants(nurse.token, plan.id)).data!.plan.consents);
    const own = nurseConsents.find((c: { scope: string; current: boolean; person: { id: string } }) => c.scope === 'PARTICIPATE' && c.current && c.person.id === nurse.id);
    const left = await consent.withdraw(nurse.token, own.id);
    expect(left.data?.withdrawConsent).toMatchObject({ __typename: 'ConsentWithdrawn', plan: null });
    await vi.waitFor(() => expect(nurseEditor.closes.map((close) => close.code)).toContain(4403));
  });
});

describe('consent that runs out', () => {
  it('warns the unit and the person before, and ends access when due, even before the scheduler runs', async () => {
    const owner = await seed.citizen('ester');
    const staff = await seed.staff('siv', unit.id);
    const relative = await seed.citizen('esters-daughter');
    const { id: planId } = await seed.plan().withOwner(owner).openedBy(staff).withConsent().create();
    const added = await plans.addParticipant(owner, { planId, role: 'RELATIVE', person: { id: relative.id }, consent: { validUntil: days(30) } });
    expect(added.data?.addParticipant.participant.pendingConsent).toBe(false);
    expect((await consent.sections(relative.token, planId)).data?.plan.sections).toHaveLength(7);

    clock.advanceDays(17);
    await t.app.scheduler.runDue();
    expect(await consent.caseEventKinds(planId)).toContain('CONSENT_EXPIRING');
    const [notified] = await t.app.orm.em.fork().execute<[{ count: number }]>(
      `select count(*)::int as "count" from "notification" where "recipient_id" = ? and "kind" = 'CONSENT_EXPIRING' and "link" = ?`, [owner.id, `/plans/${planId}`]);
    expect(notified.count).toBe(1);
    expect((await consent.sections(relative.token, planId)).data?.plan.sections).toHaveLength(7);

    clock.advanceDays(14);
    // Past the end: gone by the clock, before the scheduler has recorded anything.
    expect(errorCode(await consent.participants(relative.token, planId))).toBe('NOT_FOUND');
    await t.app.scheduler.runDue();
    const kinds = await consent.caseEventKinds(planId);
    expect(kinds.indexOf('CONSENT_EXPIRING')).toBeLessThan(kinds.indexOf('CONSENT_EXPIRED'));
    const consents = nodesOf((await consent.participants(owner.token, planId)).data!.plan.consents);
    const relativeConsents = consents.filter((c: { person: { id: string } }) => c.person.id === relative.id);
    expect(relativeConsents).toHaveLength(2);
    for (const row of relativeConsents) expect(row).toMatchObject({ current: false, expiredAt: expect.any(String) });
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consentFor, subscribeTo } from './helpers/consent.js';
import { connectEditor, type Editor } from './helpers/editor.js';
import { errorCode, nodesOf } from './helpers/graphql.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * After a plan has ended (docs/consent.md, "After the plan has ended"): consent can still be
 * withdrawn and people removed, which ends their access at every door; others than the person
 * read it only during the follow-up window (ENDED_PLAN_READ_DAYS, 30 here); giving consent and
 * inviting stay refused.
 */

const READ_DAYS = 30;
const SECTIONS = 'query($id: ID!) { plan(id: $id) { status sections { key content } } }';
const CONSENTS = 'query($id: ID!) { plan(id: $id) { consents(first: 100) { edges { node { id scope current person { id } } } } participants { id person { id } } } }';
const RECORDS = 'query($id: ID!) { plan(id: $id) { archiveRecords { edges { node { kind urls { json pdf } } } } } }';
const PARTICIPANTS_CHANGED = 'subscription($planId: ID!) { participantsChanged(planId: $planId) { change participantId } }';

const clock = new ManualClock('2027-03-01T09:00:00Z');
let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let consent: ReturnType<typeof consentFor>;
let plans: ReturnType<typeof plansFor>;
let homeCare: { id: string };
let unit: { id: string };
const editors: Editor[] = [];
const clients: Array<{ client: { dispose(): void | Promise<void> } }> = [];

const download = (path: string, who: SeededPerson) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${who.token}` } });
const open = (planId: string, who: SeededPerson) => {
  const editor = connectEditor(t, planId, who.token);
  editors.push(editor);
  return editor;
};
const subscribe = (who: SeededPerson, query: string, planId: string) => {
  const subscription = subscribeTo(t, who.token, query, { planId });
  clients.push(subscription);
  return subscription;
};
/** Reads the plan's content as `who`: the sections, or the refusal's code. */
const readContent = async (planId: string, who: SeededPerson) => {
  const response = await t.gql(SECTIONS, { id: planId }, who.token);
  return response.data?.plan?.sections ? 'content' : errorCode(response);
};
const consentOf = async (planId: string, scope: string, personId: string, viewer: SeededPerson) => {
  const read = await t.gql(CONSENTS, { id: planId }, viewer.token);
  const found = nodesOf(read.data!.plan.consents).find((row: { scope: string; current: boolean; person: { id: string } }) => row.scope === scope && row.current && row.person.id === personId);
  expect(found).toBeDefined();
  return found.id as string;
};

/** A plan with a goal, ended by its owner, with its FINAL record written; returns the record's JSON path. */
async function endedPlan(plan: SeededPlan): Promise<string> {
  const goal = await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: 'Live at home' } } }, plan.owner.token);
  expect(goal.errors).toBeUndefined();
  const ended = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId: plan.id, reason: 'The need has ended' } }, plan.owner.token);
  expect(ended.data?.endPlan.__typename).toBe('PlanEnded');
  return vi.waitFor(async () => {
    const records = nodesOf((await t.gql(RECORDS, { id: plan.id }, plan.owner.token)).data!.plan.archiveRecords);
    const final = records.find((record: { kind: string }) => record.kind === 'FINAL');
    expect(final).toBeDefined();
    return final.urls.json as string;
  }, { timeout: 10_000 });
}

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000', ENDED_PLAN_READ_DAYS: String(READ_DAYS) }, { clock });
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

describe('an ended plan, during the follow-up window', () => {
  let owner: SeededPerson;
  let relative: SeededPerson;
  let nurse: SeededPerson;
  let physio: SeededPerson;
  let coordinator: SeededPerson;
  let plan: SeededPlan;
  let finalJson: string;

  beforeAll(async () => {
    owner = await seed.citizen('elin');
    relative = await seed.citizen('elins-daughter');
    nurse = await seed.staff('nora-nurse', homeCare.id);
    physio = await seed.staff('pal-physio', homeCare.id);
    coordinator = await seed.staff('kari-coord', unit.id);
    plan = await seed.plan().withOwner(owner).withRelative(relative).withProvider(nurse, homeCare.id).withProvider(physio, homeCare.id).withCoordinator(coordinator, unit.id).create();
    finalJson = await endedPlan(plan);
  });

  it("the person removes the relative and withdraws a provider's consent: their reads, live documents, subscription and archive downloads stop", async () => {
    const nurseEditor = open(plan.id, nurse);
    const relativeEditor = open(plan.id, relative);
    await Promise.all([nurseEditor.synced(), relativeEditor.synced()]);
    const participants = subscribe(nurse, PARTICIPANTS_CHANGED, plan.id);
    // Barrier: after the end, within the window, both still read and download.
    for (const who of [nurse, relative]) {
      expect(await readContent(plan.id, who)).toBe('content');
      expect((await download(finalJson, who)).status).toBe(200);
    }

    // Removal works on the ended plan; the nurse's subscription hears of it (so it is live).
    const removed = await plans.removeParticipant(owner, plan.participantIds[relative.sub]!);
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeParticipant).toMatchObject({ __typename: 'ParticipantRemoved', plan: { id: plan.id } });
    await vi.waitFor(() => expect(participants.events).toContainEqual({ data: { participantsChanged: { change: 'REMOVED', participantId: plan.participantIds[relative.sub] } } }));
    await vi.waitFor(() => expect(relativeEditor.closes.map((close) => close.code)).toContain(4403));
    expect(await readContent(plan.id, relative)).toBe('NOT_FOUND');
    expect((await download(finalJson, relative)).status).toBe(404);
    // Only the one removed: the nurse stays connected and reads on.
    expect(nurseEditor.closes).toEqual([]);
    expect(await readContent(plan.id, nurse)).toBe('content');

    const withdrawn = await consent.withdraw(owner.token, await consentOf(plan.id, 'PARTICIPATE', nurse.id, owner));
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data!.withdrawConsent).toMatchObject({ __typename: 'ConsentWithdrawn', consent: { current: false }, plan: { id: plan.id } });
    await vi.waitFor(() => expect(nurseEditor.closes.map((close) => close.code)).toContain(4403));
    await vi.waitFor(() => expect(participants.isDone()).toBe(true));
    expect(errorCode(participants.events.at(-1))).toBe('FORBIDDEN');
    expect(await readContent(plan.id, nurse)).toBe('NOT_FOUND');
    expect((await download(finalJson, nurse)).status).toBe(404);
    expect((await t.gql('{ plans(first: 10) { totalCount } }', {}, nurse.token)).data?.plans.totalCount).toBe(0);
    expect(await readContent(plan.id, owner)).toBe('content');
  });

  it('attackers: a provider withdraws the plan\'s consent or another\'s; nobody gives consent, invites, or (but the person) removes after the end', async () => {
    const planConsent = await consentOf(plan.id, 'PLAN', owner.id, owner);
    expect(errorCode(await consent.withdraw(physio.token, planConsent))).toBe('FORBIDDEN');
    expect(errorCode(await consent.withdraw(coordinator.token, planConsent))).toBe('FORBIDDEN');
    const coordinatorConsent = await consentOf(plan.id, 'PARTICIPATE', coordinator.id, owner);
    expect(errorCode(await consent.withdraw(physio.token, coordinatorConsent))).toBe('FORBIDDEN');
    const stranger = await seed.citizen('stranger-after-end');
    expect(errorCode(await consent.withdraw(stranger.token, planConsent))).toBe('NOT_FOUND');

    // Giving and inviting stay closed, for the person too.
    expect(errorCode(await consent.give(owner.token, { participantId: plan.participantIds[nurse.sub], scope: 'PARTICIPATE' }))).toBe('FORBIDDEN');
    expect(errorCode(await consent.give(owner.token, { planId: plan.id, scope: 'PLAN' }))).toBe('FORBIDDEN');
    expect(errorCode(await plans.addParticipant(owner, { planId: plan.id, role: 'RELATIVE', person: { id: stranger.id } }))).toBe('FORBIDDEN');
    expect(errorCode(await plans.addParticipant(coordinator, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: nurse.id } }))).toBe('FORBIDDEN');
    // The coordinator manages the work no more: removing someone is the person's call now.
    expect(errorCode(await plans.removeParticipant(coordinator, plan.participantIds[physio.sub]!))).toBe('FORBIDDEN');
    expect(errorCode(await plans.removeParticipant(owner, plan.participantIds[owner.sub]!))).toBe('FORBIDDEN');
    // Nothing changed for the one they tried to remove.
    expect(await readContent(plan.id, physio)).toBe('content');
  });

  it('the coordinator leaves the ended plan, and sees it no more', async () => {
    const left = await plans.removeParticipant(coordinator, plan.participantIds[coordinator.sub]!);
    expect(left.errors).toBeUndefined();
    expect(left.data!.removeParticipant).toEqual({ __typename: 'ParticipantRemoved', participantId: plan.participantIds[coordinator.sub], plan: null });
    expect(await readContent(plan.id, coordinator)).toBe('NOT_FOUND');
    expect((await download(finalJson, coordinator)).status).toBe(404);
  });

  it('past the window a provider with current consent is refused everything, live document included, while the person reads on', async () => {
    const editor = open(plan.id, physio);
    await editor.synced();
    // Barrier: a day before the window closes the provider still reads, downloads and lists the plan.
    clock.advanceDays(READ_DAYS - 1);
    expect(await readContent(plan.id, physio)).toBe('content');
    expect((await download(finalJson, physio)).status).toBe(200);
    expect((await t.gql('{ plans(first: 10) { totalCount } }', {}, physio.token)).data?.plans.totalCount).toBe(1);

    clock.advanceDays(1);
    expect(await readContent(plan.id, physio)).toBe('NOT_FOUND');
    expect((await download(finalJson, physio)).status).toBe(404);
    expect((await t.gql('{ plans(first: 10) { totalCount } }', {}, physio.token)).data?.plans.totalCount).toBe(0);
    await vi.waitFor(() => expect(editor.closes.map((close) => close.code)).toContain(4403), { timeout: 10_000 });

    expect(await readContent(plan.id, owner)).toBe('content');
    expect((await download(finalJson, owner)).status).toBe(200);
    // Their consent still stands on record: the window, not a withdrawal, ended their access.
    const consents = nodesOf((await t.gql(CONSENTS, { id: plan.id }, owner.token)).data!.plan.consents);
    expect(consents).toContainEqual(expect.objectContaining({ scope: 'PARTICIPATE', current: true, person: { id: physio.id } }));
  });
});

describe("withdrawing the person's consent to an ended plan", () => {
  it('closes the follow-up window for everyone else at once', async () => {
    const owner = await seed.citizen('frode');
    const nurse = await seed.staff('frodes-nurse', homeCare.id);
    const plan = await seed.plan().withOwner(owner).withProvider(nurse, homeCare.id).create();
    const finalJson = await endedPlan(plan);
    const editor = open(plan.id, nurse);
    await editor.synced();
    expect(await readContent(plan.id, nurse)).toBe('content');

    const withdrawn = await consent.withdraw(owner.token, await consentOf(plan.id, 'PLAN', owner.id, owner));
    expect(withdrawn.data?.withdrawConsent.__typename).toBe('ConsentWithdrawn');
    await vi.waitFor(() => expect(editor.closes.map((close) => close.code)).toContain(4403));
    expect(await readContent(plan.id, nurse)).toBe('NOT_FOUND');
    expect((await download(finalJson, nurse)).status).toBe(404);
    expect(await readContent(plan.id, owner)).toBe('content');
    expect((await t.gql('query($id: ID!) { plan(id: $id) { status } }', { id: plan.id }, owner.token)).data?.plan.status).toBe('ENDED');
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consentFor } from './helpers/consent.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode, nodesOf } from './helpers/graphql.js';

/*
 * The archive record names as participants only those who took part by consent, with their
 * consent's periods, and lists invitations the person never consented to apart, marked as pending
 * (docs/archive.md, "Participants and pending invitations").
 */

const RECORDS = 'query($id: ID!) { plan(id: $id) { archiveRecords { edges { node { id kind urls { json html pdf } } } } } }';
const CONSENTS = 'query($id: ID!) { plan(id: $id) { consents(first: 100) { edges { node { id scope current person { id } } } } } }';

/** The record's headings (src/archive/render-text.ts): the regulation's b) and h), then the invitations. */
const HEADINGS = { participants: 'b) Hvem som deltar i arbeidet med planen', consents: 'h) Samtykke', pending: 'Ventende invitasjoner' } as const;
const clock = new ManualClock('2027-02-01T09:00:00Z');
let t: TestApp;
let consent: ReturnType<typeof consentFor>;
let owner: SeededPerson;
let relative: SeededPerson;
let coordinator: SeededPerson;
let nurse: SeededPerson;
let neverAsked: SeededPerson;
let withdrawnAtOnce: SeededPerson;
let plan: SeededPlan;
let final: { id: string; urls: { json: string; html: string; pdf: string } };
const invitedAt = clock.now().toISOString();

const download = (path: string, who: SeededPerson) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${who.token}` } });
const db = <T>(sql: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(sql, params);
const expectOk = (response: { errors?: unknown }) => expect(response.errors).toBeUndefined();
const participateConsentOf = async (personId: string) => {
  const consents = nodesOf((await t.gql(CONSENTS, { id: plan.id }, owner.token)).data!.plan.consents);
  return consents.find((row: { scope: string; current: boolean; person: { id: string } }) => row.scope === 'PARTICIPATE' && row.current && row.person.id === personId).id as string;
};
/** The HTML page's sections by heading. */
const sectionsOf = (html: string) =>
  new Map([...html.matchAll(/<h2>([^<]+)<\/h2>([\s\S]*?)<\/section>/g)].map((match) => [match[1]!, match[2]!]));

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  const seed = seedFor(t);
  consent = consentFor(t);
  const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
  const homeCare = await seed.organization('Home care');
  owner = await seed.citizen('ada');
  relative = await seed.citizen('ada-son');
  coordinator = await seed.staff('cora', unit.id);
  nurse = await seed.staff('nina', homeCare.id);
  neverAsked = await seed.staff('pia', homeCare.id);
  withdrawnAtOnce = await seed.staff('per', homeCare.id);
  // Added by the person: that is their consent. The coordinator's invitations wait for hers.
  plan = await seed.plan().withOwner(owner).withRelative(relative).withCoordinator(coordinator, unit.id).create();
  for (const who of [nurse, neverAsked, withdrawnAtOnce]) {
    const added = await plansFor(t).addParticipant(coordinator, { planId: plan.id, role: 'PROVIDER', organizationId: homeCare.id, person: { id: who.id } });
    expect(added.data?.addParticipant.participant.pendingConsent).toBe(true);
    plan.participantIds[who.sub] = added.data!.addParticipant.participant.id;
  }
  // The nurse takes part (without the content) for a day; the physiotherapist's consent is withdrawn the instant it is given.
  expectOk(await consent.give(owner.token, { participantId: plan.participantIds[nurse.sub], scope: 'PARTICIPATE' }));
  expectOk(await consent.give(owner.token, { participantId: plan.participantIds[withdrawnAtOnce.sub], scope: 'PARTICIPATE' }));
  expectOk(await consent.withdraw(owner.token, await participateConsentOf(withdrawnAtOnce.id)));
  clock.advanceDays(1);
  expectOk(await consent.withdraw(owner.token, await participateConsentOf(nurse.id)));

  expectOk(await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId: plan.id, reason: 'The need has ended' } }, owner.token));
  final = await vi.waitFor(async () => {
    const records = nodesOf((await t.gql(RECORDS, { id: plan.id }, owner.token)).data!.plan.archiveRecords);
    const record = records.find((candidate: { kind: string }) => candidate.kind === 'FINAL');
    expect(record).toBeDefined();
    return record;
  }, { timeout: 10_000 });
});

afterAll(async () => {
  await t?.close();
});

describe('the FINAL record', () => {
  it('names as participants those who took part by consent, with their periods, and the pending invitations apart', async () => {
    const response = await download(final.urls.json, owner);
    expect(response.status).toBe(200);
    const record = (await response.json()) as Record<string, any>;
    const byPerson = new Map(record.participants.map((participant: { person: { id: string } }) => [participant.person.id, participant]));
    expect([...byPerson.keys()].sort()).toEqual([owner.id, relative.id, coordinator.id, nurse.id].sort());
    expect(byPerson.get(owner.id)).toMatchObject({ role: 'OWNER', consent: null });
    expect(byPerson.get(relative.id)).toMatchObject({ role: 'RELATIVE', consent: { periods: [{ from: invitedAt, until: null }], content: true } });
    expect(byPerson.get(coordinator.id)).toMatchObject({ role: 'COORDINATOR', consent: { periods: [{ from: invitedAt, until: null }], content: true } });
    const dayLater = new Date(Date.parse(invitedAt) + 24 * 60 * 60 * 1000).toISOString();
    expect(byPerson.get(nurse.id)).toMatchObject({ role: 'PROVIDER', consent: { periods: [{ from: invitedAt, until: dayLater }], content: false } });
    expect(record.coordinator).toMatchObject({ person: { id: coordinator.id } });

    expect(record.pendingInvitations).toEqual([
      expect.objectContaining({ person: { id: neverAsked.id, name: 'pia name' }, role: 'PROVIDER', invitedAt, invitedBy: { id: coordinator.id, name: 'cora name' }, status: 'NEVER_CONSENTED' }),
      expect.objectContaining({ person: { id: withdrawnAtOnce.id, name: 'per name' }, role: 'PROVIDER', status: 'WITHDRAWN_BEFORE_START' }),
    ]);
    // Their consents stay on record as consents, not as participation.
    expect(record.consents.filter((row: { person: { id: string } }) => row.person.id === withdrawnAtOnce.id)).toHaveLength(1);
  });

  it('HTML names the participants under b), their consent periods under h) and the invitations under their own heading, marked as not taking part', async () => {
    const response = await download(final.urls.html, owner);
    expect(response.status).toBe(200);
    const sections = sectionsOf(await response.text());
    const participants = sections.get(HEADINGS.participants)!;
    expect(participants).toContain('nina name');
    for (const pending of ['pia name', 'per name']) expect(participants).not.toContain(pending);
    const consents = sections.get(HEADINGS.consents)!;
    expect(consents).toContain('nina name');
    expect(consents).toContain('fra 2027-02-01 10:00 til 2027-02-02 10:00, uten innsyn i innholdet');
    expect(consents).toContain('Trengs ikke (personen selv eller verge)');
    for (const pending of ['pia name', 'per name']) expect(consents).not.toContain(pending);
    const invitations = sections.get(HEADINGS.pending)!;
    expect(invitations).toContain('pia name');
    expect(invitations).toContain('Venter: personen har aldri samtykket; deltok ikke');
    expect(invitations).toContain('per name');
    expect(invitations).toContain('Venter: samtykket ble trukket før det trådte i kraft; deltok ikke');
    expect((await download(final.urls.pdf, owner)).status).toBe(200);
  });

  it('an invitee who never took part cannot download the record that names them (attacker)', async () => {
    for (const who of [neverAsked, withdrawnAtOnce]) {
      for (const path of Object.values(final.urls)) expect((await download(path, who)).status).toBe(404);
      expect(errorCode(await t.gql(RECORDS, { id: plan.id }, who.token))).toBe('NOT_FOUND');
    }
  });

  it('a record made before participants and invitations were kept apart renders as it did', async () => {
    await db(
      `update archive_record set record = jsonb_set(record - 'pendingInvitations', '{participants}',
         (select jsonb_agg(p - 'consent') from jsonb_array_elements(record->'participants') p)) where id = ?`,
      [final.id],
    );
    const response = await download(final.urls.html, owner);
    expect(response.status).toBe(200);
    const sections = sectionsOf(await response.text());
    expect(sections.get(HEADINGS.participants)).toContain('nina name');
    expect(sections.get(HEADINGS.consents)).toContain('Ikke registrert i denne utskriften.');
    expect(sections.has(HEADINGS.pending)).toBe(false);
    expect((await download(final.urls.pdf, owner)).status).toBe(200);
  });
});

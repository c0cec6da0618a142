/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { nationalIdentityNumber } from '../helpers/fake-issuer.js';
import { expectData } from '../helpers/graphql.js';
import { seedFor, type SeededPerson, type SeededPlan } from '../helpers/seed.js';
import type { TestApp } from '../helpers/test-app.js';
import { HAS_CHROMIUM, screenshot, startWebSession, wcagViolations } from './browser.js';

/**
 * Samplan web's coordinating unit and consent in Chromium: the unit's dashboard hears a new
 * request live and counts its decision, and a withdrawn consent takes the plan off the page at once.
 */

let session: Awaited<ReturnType<typeof startWebSession>>;
let t: TestApp;
let unit: { id: string; name: string };
let coordinator: SeededPerson;

const open = (who: SeededPerson, name: string, path: string): Promise<Page> => session.open(who, name, path);

const NILS = nationalIdentityNumber('110348', 120, true);

const count = async (page: Page, name: string) => Number(await page.locator(`[data-count="${name}"] dd`).innerText());

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  session = await startWebSession();
  t = session.t;
  const seed = seedFor(t);
  unit = await seed.organization('Koordinerende enhet, Eksempel kommune', 'COORDINATING_UNIT', '0301');
  coordinator = await seed.staff('web-unit-kari', unit.id, 'UNIT_LEAD');
}, 120_000);

afterAll(() => session?.close());

describe.skipIf(!HAS_CHROMIUM)('Samplan web for the coordinating unit and for consent', () => {
  it('shows a request a relative sends for someone on the dashboard live, and deciding it updates the counts', async () => {
    const kari = await open(coordinator, 'Kari Nordmann', `/#/units/${unit.id}`);
    await kari.locator('[data-count="openRequests"]').waitFor();
    const before = await count(kari, 'openRequests');

    // Nils's daughter asks for him, with his power of attorney; Nils has never signed in.
    const daughter = await seedFor(t).citizen('web-nils-daughter');
    const asker = await open(daughter, 'Ingrid Olsen', '/#/');
    await asker.getByLabel('Kommunenummer').fill('0301');
    await asker.getByLabel('En annen, som har gitt meg fullmakt').check();
    await asker.getByLabel('Personens fødselsnummer').fill(NILS);
    await asker.getByLabel('Personens navn').fill('Nils Olsen');
    await asker.getByLabel(/^Fullmakten/).fill('Fullmakt fra Nils Olsen, datert 1. desember 2026, gjelder søknad om individuell plan');
    await asker.getByLabel('Hva gjelder det? (valgfritt)').fill('Hjelp etter hjerneslag');
    expect(await wcagViolations(asker)).toEqual([]);
    await asker.getByRole('button', { name: 'Send anmodningen' }).click();
    await asker.getByText('Anmodningen er sendt til kommunen.').waitFor();
    expect(await asker.getByLabel('Personens fødselsnummer').inputValue()).toBe('');

    // Kari's page was not reloaded: caseEvents brought it.
    await vi.waitFor(async () => expect(await count(kari, 'openRequests')).toBe(before + 1), { timeout: 10_000 });
    await kari.locator('[data-case="Nils Olsen"]').waitFor();
    expect(await wcagViolations(kari)).toEqual([]);
    await screenshot(kari, 'dashboard');
    // An interim notice first (the decision will take longer), then the decision.
    await kari.getByRole('button', { name: 'Send foreløpig svar til Nils Olsen' }).click();
    await kari.getByLabel('Hvorfor tar vedtaket lengre tid?').fill('Vi venter på opplysninger fra fastlegen.');
    await kari.getByLabel('Når kan personen vente vedtak?').fill('2027-01-15');
    await kari.getByRole('button', { name: 'Send foreløpig svar', exact: true }).click();
    await kari.getByText('Foreløpig svar er sendt til Nils Olsen.').waitFor();
    await kari.getByRole('button', { name: 'Innvilg anmodningen fra Nils Olsen' }).click();
    await vi.waitFor(async () => expect(await count(kari, 'openRequests')).toBe(before), { timeout: 10_000 });
  });

  it('lets the person give the consent their plan waits for, and the coordinator set a measure\'s status and evaluation date', async () => {
    const seed = seedFor(t);
    const ola = await seed.citizen('web-ola');
    const plan = await seed.plan().withOwner(ola).openedBy(coordinator).create();
    const home = await open(ola, 'Ola', '/#/');
    await home.getByRole('button', { name: /Gi samtykke til planen/ }).click();
    await vi.waitFor(async () => expect(await home.locator('.card').innerText()).toContain('Status: aktiv'));
    expect(await wcagViolations(home)).toEqual([]);

    expectData(
      await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'measures', fields: { title: 'Morgenhjelp', organizationId: unit.id } } }, coordinator.token),
      'addPlanEntry',
    );
    // Kari also works for the home care service, which is to carry the measure.
    const homeCare = await seed.organization('Hjemmetjenesten', 'HOME_CARE', '0301');
    await seed.staff(coordinator.sub, homeCare.id);
    const kari = await open(coordinator, 'Kari Nordmann', `/#/plans/${plan.id}`);
    const measure = kari.locator('[data-section="measures"] .entry').first();
    await measure.waitFor();
    await measure.getByLabel('Status').selectOption('DONE');
    await measure.getByLabel('Evalueres innen').fill('2027-03-01');
    await measure.getByLabel('Ansvarlig enhet').selectOption({ label: 'Hjemmetjenesten' });
    await vi.waitFor(async () => {
      const content = expectData(await t.gql<{ plan: { section: { content: Array<Record<string, unknown>> } } }>('query($id: ID!) { plan(id: $id) { section(key: measures) { content } } }', { id: plan.id }, coordinator.token), 'plan').plan.section.content;
      expect(content[0]).toMatchObject({ title: 'Morgenhjelp', status: 'DONE', evaluateBy: '2027-03-01', organizationId: homeCare.id });
    });

    // Kari invites her colleague Jon by name, from the unit's staff she leads.
    await seed.staff('web-unit-jon', unit.id);
    await kari.locator('[data-record="participants"] summary').click();
    await kari.getByLabel('Rolle', { exact: true }).selectOption('PROVIDER');
    await kari.getByLabel('Ansvarlig enhet', { exact: true }).last().selectOption({ label: unit.name });
    await kari.getByLabel('Person i enheten').selectOption({ label: 'web-unit-jon name' });
    expect(await wcagViolations(kari)).toEqual([]);
    await kari.getByRole('button', { name: 'Inviter', exact: true }).click();
    await kari.locator('[data-participant="web-unit-jon name"]').waitFor();

    // The coordinator invites Ola's sister; she takes part once Ola consents, on his plan's page.
    const sister = await seed.citizen('web-ola-sister');
    expectData(
      await t.gql('mutation($input: AddParticipantInput!) { addParticipant(input: $input) { __typename } }', { input: { planId: plan.id, role: 'RELATIVE', person: { id: sister.id } } }, coordinator.token),
      'addParticipant',
    );
    const olasPlan = await open(ola, 'Ola', `/#/plans/${plan.id}`);
    await olasPlan.locator('[data-record="participants"] summary').click();
    await olasPlan.getByRole('button', { name: 'Gi samtykke til at web-ola-sister name deltar' }).click();
    await vi.waitFor(async () => expect(await olasPlan.locator('[data-participant="web-ola-sister name"]').innerText()).toContain('gitt'));
    expect(await wcagViolations(kari)).toEqual([]);
  });

  it('takes the plan off a participant\'s open page at once when the person withdraws their consent on hers, and shows her who has seen it', async () => {
    const seed = seedFor(t);
    const owner = await seed.citizen('web-wenche');
    const relative = await seed.citizen('web-walter');
    const plan: SeededPlan = await seed.plan().withOwner(owner).withRelative(relative).create();
    expectData(
      await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: 'Bo hjemme med hjelp' } } }, owner.token),
      'addPlanEntry',
    );
    const walter = await open(relative, 'Walter', `/#/plans/${plan.id}`);
    await walter.getByText('Bo hjemme med hjelp').waitFor();

    // Wenche withdraws it on her own page, among the plan's participants.
    const wenche = await open(owner, 'Wenche', `/#/plans/${plan.id}`);
    await wenche.locator('[data-record="participants"] summary').click();
    await wenche.getByRole('button', { name: 'Trekk samtykket til web-walter name' }).click();
    // Walter no longer takes part: gone from the list, or listed without a standing consent.
    await vi.waitFor(async () => {
      const row = wenche.locator('[data-participant="web-walter name"]');
      if (await row.count()) expect(await row.innerText()).toMatch(/ikke gitt|venter på samtykke/);
    });
    await walter.locator('[data-access-lost]').waitFor({ timeout: 10_000 });
    expect(await walter.locator('body').innerText()).not.toContain('Bo hjemme med hjelp');
    expect(await wcagViolations(walter)).toEqual([]);

    // Who has seen her plan: Walter's reads are there; the history names her goal's author; nothing archived yet.
    for (const record of ['history', 'access-log', 'archive']) await wenche.locator(`[data-record="${record}"] summary`).click();
    await vi.waitFor(async () => expect(await wenche.locator('[data-record="access-log"]').innerText()).toContain('web-walter name: leste'));
    await vi.waitFor(async () => expect(await wenche.locator('[data-record="history"]').innerText()).toMatch(/Mål: web-wenche name/));
    await vi.waitFor(async () => expect(await wenche.locator('[data-record="archive"]').innerText()).toContain('ikke arkivert'));
    expect(await wcagViolations(wenche)).toEqual([]);
    await screenshot(wenche, 'plan-records');
  });
});

/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { nationalIdentityNumber } from '../helpers/fake-issuer.js';
import { expectData } from '../helpers/graphql.js';
import { seedFor, type SeededPerson, type SeededPlan } from '../helpers/seed.js';
import type { TestApp } from '../helpers/test-app.js';
import { HAS_CHROMIUM, screenshot, startWebSession, wcagViolations } from './browser.js';

/**
 * Samplan web in Debian's Chromium against the real server: two people editing one text field,
 * a relative's read-only goals and a forced edit the server refuses, edits made offline, WCAG 2.1
 * A/AA by axe-core, and the keyboard alone. Screenshots go to WEB_SCREENSHOTS_OUT when it is set.
 */

let session: Awaited<ReturnType<typeof startWebSession>>;
let t: TestApp;
let owner: SeededPerson;
let coordinator: SeededPerson;
let relative: SeededPerson;
let plan: SeededPlan;

const NAMES = { owner: 'Anna Hansen', coordinator: 'Kari Nordmann', relative: 'Bjørn Hansen' };
const INVITED = nationalIdentityNumber('150560', 340, true);

const open = (who: SeededPerson, name: string, path = `/#/plans/${plan.id}`): Promise<Page> => session.open(who, name, path);

const goalEditor = (page: Page) => page.locator('[data-section="goals"] .ql-editor').first();
const saveStatus = (page: Page) => page.locator('[data-save-status]');
/** Waits until the page's live document is synced and everything it holds is saved. */
const settled = (page: Page) => vi.waitFor(async () => expect(await saveStatus(page).getAttribute('data-save-status')).toBe('saved'), { timeout: 15_000 });
const goalsOnServer = async () =>
  JSON.stringify(expectData(await t.gql<{ plan: { section: { content: unknown } } }>('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, owner.token), 'plan').plan.section.content);

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  session = await startWebSession();
  t = session.t;
  const seed = seedFor(t);
  const unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  owner = await seed.citizen('web-anna');
  relative = await seed.citizen('web-bjorn');
  coordinator = await seed.staff('web-kari', unit.id);
  plan = await seed.plan().withOwner(owner).withRelative(relative).withCoordinator(coordinator, unit.id).create();
  for (const [who, name] of [[owner, NAMES.owner], [relative, NAMES.relative], [coordinator, NAMES.coordinator]] as const) {
    expectData(await t.gql('mutation($name: String!) { setMyDisplayName(displayName: $name) { displayName } }', { name }, who.token), 'setMyDisplayName');
  }
  expectData(
    await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: 'Bo hjemme' } } }, owner.token),
    'addPlanEntry',
  );
}, 120_000);

afterAll(() => session?.close());

describe.skipIf(!HAS_CHROMIUM)('Samplan web in a browser', () => {
  it('lets two people type in the same text field and converge, each seeing the other here', async () => {
    const anna = await open(owner, NAMES.owner);
    const kari = await open(coordinator, NAMES.coordinator);
    await Promise.all([settled(anna), settled(kari)]);
    await vi.waitFor(async () => {
      await expect(anna.locator(`[data-present="${NAMES.coordinator}"]`).count()).resolves.toBe(1);
      await expect(kari.locator(`[data-present="${NAMES.owner}"]`).count()).resolves.toBe(1);
    }, { timeout: 10_000 });
    await goalEditor(anna).click();
    await anna.keyboard.press('End');
    await anna.keyboard.type(' og klare meg selv');
    await goalEditor(kari).click();
    await kari.keyboard.press('Home');
    await kari.keyboard.type('Mål: ');
    await vi.waitFor(async () => {
      const [a, k] = await Promise.all([goalEditor(anna).innerText(), goalEditor(kari).innerText()]);
      expect(a).toBe(k);
      expect(a).toContain('og klare meg selv');
      expect(a).toContain('Mål: ');
    }, { timeout: 10_000 });
    await Promise.all([settled(anna), settled(kari)]);
    expect(await goalsOnServer()).toContain('og klare meg selv');
    await screenshot(anna, 'plan-owner');
  });

  it('shows a relative the goals read-only with the reason, and a forced edit is refused, resynced and kept to copy', async () => {
    const bjorn = await open(relative, NAMES.relative);
    await settled(bjorn);
    const editor = goalEditor(bjorn);
    expect(await editor.getAttribute('aria-readonly')).toBe('true');
    expect(await editor.getAttribute('contenteditable')).toBe('false');
    await expect(bjorn.locator('[data-section="goals"] .reason').innerText()).resolves.toMatch(/pårørende.*ikke endre/);
    const before = await goalsOnServer();
    await screenshot(bjorn, 'plan-relative');
    // From the console: make the field editable, as no honest page would, and type.
    await bjorn.evaluate(() => document.querySelector('[data-section="goals"] .ql-editor')!.setAttribute('contenteditable', 'true'));
    await editor.click();
    // One input event (a paste, or a word the browser completes): the server refuses its first change.
    await bjorn.keyboard.insertText('Tvunget inn');
    const alert = bjorn.locator('.refusal[role="alert"]');
    await vi.waitFor(async () => expect(await alert.count()).toBe(1), { timeout: 10_000 });
    expect(await alert.innerText()).toMatch(/«Mål».*ikke godtatt/s);
    expect(await bjorn.locator('#kept-text').inputValue()).toContain('Tvunget inn');
    // Resynced from the server: the field holds what is committed, and is read-only again.
    await settled(bjorn);
    await vi.waitFor(async () => expect(await goalEditor(bjorn).innerText()).not.toContain('Tvunget inn'));
    expect(await goalEditor(bjorn).getAttribute('contenteditable')).toBe('false');
    expect(await goalsOnServer()).toBe(before);
    await screenshot(bjorn, 'plan-refused');
  });

  it('keeps edits made offline as "not yet saved" until the server has committed them, then everyone has them', async () => {
    let offline = false;
    const routes: Array<{ client: WebSocketRoute; server: WebSocketRoute }> = [];
    const anna = await (await session.anonymous()).newPage();
    await anna.addInitScript((signedIn) => sessionStorage.setItem('samplan.session', JSON.stringify(signedIn)), { token: owner.token, name: NAMES.owner, kind: 'citizen' });
    // The network between this page and the server: cut and restored by the test.
    await anna.routeWebSocket(/\/collab\//, (client) => {
      if (offline) return void client.close({ code: 1001, reason: 'offline' });
      routes.push({ client, server: client.connectToServer() });
    });
    await anna.goto(`/#/plans/${plan.id}`);
    const kari = await open(coordinator, NAMES.coordinator);
    await Promise.all([settled(anna), settled(kari)]);

    offline = true;
    for (const { client, server } of routes.splice(0)) {
      await server.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    }
    await vi.waitFor(async () => expect(await saveStatus(anna).getAttribute('data-save-status')).toBe('offline'));
    await goalEditor(anna).click();
    await anna.keyboard.press('End');
    await anna.keyboard.type(' (skrevet frakoblet)');
    await vi.waitFor(async () => expect(await saveStatus(anna).getAttribute('data-save-status')).toBe('offline-unsaved'));
    await screenshot(anna, 'plan-offline');
    // Kari has the goal as the server has it: without the offline words.
    expect(await goalEditor(kari).innerText()).not.toContain('skrevet frakoblet');
    expect(await goalsOnServer()).not.toContain('skrevet frakoblet');

    offline = false;
    // Saved is shown only once the server has committed: at that moment the server has the words.
    await vi.waitFor(async () => expect(await saveStatus(anna).getAttribute('data-save-status')).toBe('saved'), { timeout: 15_000 });
    expect(await goalsOnServer()).toContain('skrevet frakoblet');
    await vi.waitFor(async () => expect(await goalEditor(kari).innerText()).toContain('skrevet frakoblet'));
  });

  it('saves a version, shows it, restores it; invites a participant by national identity number; grants a section right', async () => {
    const anna = await open(owner, NAMES.owner);
    await settled(anna);
    await anna.locator('[data-record="history"] summary').click();
    await anna.getByLabel('Navn på versjonen').fill('Før endringen');
    await anna.getByRole('button', { name: 'Lagre versjon' }).click();
    await anna.locator('[data-version="Før endringen"]').waitFor();
    const before = await goalsOnServer();
    await goalEditor(anna).click();
    await anna.keyboard.press('End');
    await anna.keyboard.type(' Midlertidig.');
    await settled(anna);
    expect(await goalsOnServer()).toContain('Midlertidig.');
    await anna.locator('[data-version="Før endringen"]').getByRole('button', { name: 'Vis' }).click();
    await expect(anna.locator('[data-version="Før endringen"] .version-content').innerText()).resolves.not.toContain('Midlertidig.');
    await anna.getByRole('button', { name: 'Gjenopprett versjonen Før endringen' }).click();
    await vi.waitFor(async () => expect(await goalsOnServer()).toBe(before));
    await vi.waitFor(async () => expect(await goalEditor(anna).innerText()).not.toContain('Midlertidig.'));

    await anna.locator('[data-record="participants"] summary').click();
    await anna.getByLabel('Fødselsnummer').fill(INVITED);
    await anna.getByLabel('Navn', { exact: true }).fill('Sigrid Hansen');
    await anna.getByRole('button', { name: 'Inviter', exact: true }).click();
    await anna.locator('[data-participant="Sigrid Hansen"]').waitFor();
    // Bjørn may edit the goals from now on: his right, set on the page, is what the server keeps.
    await anna.getByRole('button', { name: `Rettigheter for ${NAMES.relative}` }).click();
    await anna.locator(`[data-rights="${NAMES.relative}"] label`, { hasText: 'Mål' }).locator('select').selectOption('EDIT');
    await vi.waitFor(async () => {
      const sections = expectData(await t.gql<{ plan: { sections: Array<{ key: string; access: string }> } }>('query($id: ID!) { plan(id: $id) { sections { key access } } }', { id: plan.id }, relative.token), 'plan').plan.sections;
      expect(sections.find((section) => section.key === 'goals')?.access).toBe('ALL');
    });
    // And the restricted part (resources and needs): Anna chooses Bjørn to read it.
    const readsRestricted = anna.getByLabel('Kan lese ressurser og behov (den skjermede delen)');
    await readsRestricted.click();
    // Checked once the server has said so (the page reads the participants again).
    await vi.waitFor(async () => expect(await readsRestricted.isChecked()).toBe(true));
    await vi.waitFor(async () => {
      const participants = expectData(await t.gql<{ plan: { participants: Array<{ role: string; readsRestricted: boolean }> } }>('query($id: ID!) { plan(id: $id) { participants { role readsRestricted } } }', { id: plan.id }, owner.token), 'plan').plan.participants;
      expect(participants.find((participant) => participant.role === 'RELATIVE')?.readsRestricted).toBe(true);
    });
    expect(await wcagViolations(anna)).toEqual([]);
    await screenshot(anna, 'plan-participants');
    // Back as it was, for the relative's read-only test.
    await anna.locator(`[data-rights="${NAMES.relative}"] label`, { hasText: 'Mål' }).locator('select').selectOption('DEFAULT');
    await vi.waitFor(async () => {
      const sections = expectData(await t.gql<{ plan: { sections: Array<{ key: string; access: string }> } }>('query($id: ID!) { plan(id: $id) { sections { key access } } }', { id: plan.id }, relative.token), 'plan').plan.sections;
      expect(sections.find((section) => section.key === 'goals')?.access).toBe('NONE');
    });
  });

  it('passes axe-core\'s WCAG 2.1 A and AA rules on every page, and works with the keyboard alone', async () => {
    const page = await (await session.anonymous()).newPage();
    await page.goto('/');
    await page.locator('[data-person="anna"]').waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    // Keyboard only: tab to Anna Hansen and press Enter; her plans open.
    for (let step = 0; step < 20; step++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-person') === 'anna')) break;
    }
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Mine planer' }).waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'my-plans');

    for (const [who, name] of [[owner, NAMES.owner], [relative, NAMES.relative]] as const) {
      const planPage = await open(who, name);
      await settled(planPage);
      expect(await wcagViolations(planPage), name).toEqual([]);
    }
    // Keyboard into the plan: from my plans, tab to the plan's link and press Enter.
    const anna = await open(owner, NAMES.owner, '/#/');
    await anna.locator('h1', { hasText: 'Mine planer' }).waitFor();
    for (let step = 0; step < 20; step++) {
      await anna.keyboard.press('Tab');
      if (await anna.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.href?.includes('#/plans/'))) break;
    }
    await anna.keyboard.press('Enter');
    await settled(anna);
    // Tab reaches the goal's text field, and typing there is saved.
    for (let step = 0; step < 30; step++) {
      await anna.keyboard.press('Tab');
      if (await anna.evaluate(() => document.activeElement?.closest('[data-section="goals"]') !== null && document.activeElement?.classList.contains('ql-editor'))) break;
    }
    await anna.keyboard.type(' Tastatur.');
    await settled(anna);
    expect(await goalsOnServer()).toContain('Tastatur.');
  });
});

/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nationalIdentityNumber, startFakeIssuer, type FakeIssuer } from '../helpers/fake-issuer.js';
import { HAS_CHROMIUM, startWebSession, wcagViolations } from './browser.js';

/**
 * Signing in at a real issuer from Samplan web: authorization code with PKCE (oauth4webapi) against
 * a stand-in for ID-porten, configured only through the server's OIDC_ISSUERS and
 * /auth/sign-in-options. Its tokens carry no name, as ID-porten's do not.
 */

let session: Awaited<ReturnType<typeof startWebSession>>;
let idporten: FakeIssuer;
const PID = nationalIdentityNumber('020385', 210, true);

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  idporten = await startFakeIssuer();
  idporten.login = () => ({ sub: 'pairwise-sub-for-samplan', pid: PID, acr: 'idporten-loa-high' });
  session = await startWebSession({
    OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: idporten.issuerUrl, audience: 'https://samplan.test', browserClient: { clientId: 'samplan-web', scope: 'openid' } }]),
  });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await idporten?.close();
});

describe.skipIf(!HAS_CHROMIUM)('Samplan web signing in at an issuer', () => {
  it('signs in by authorization code with PKCE, shows the person by the name Samplan knows, and a used code signs nobody in again', async () => {
    const page = await (await session.anonymous()).newPage();
    await page.goto('/');
    const button = page.getByRole('button', { name: 'Logg inn med ID-porten' });
    await button.waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    let callback = '';
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().includes('code=')) callback = frame.url();
    });
    await button.click();
    await page.locator('h1', { hasText: 'Mine planer' }).waitFor({ timeout: 15_000 });
    // ID-porten's token has no name: until one is set, Samplan says so.
    expect(await page.locator('header').innerText()).toContain('Logget inn som Ukjent navn');
    // The code is gone from the address bar, and the session's token is the issuer's.
    expect(page.url()).not.toContain('code=');
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('samplan.session')!).token as string);
    const me = await session.t.gql<{ me: { person: { kind: string } } }>('{ me { person { kind } } }', {}, token);
    expect(me.data?.me.person.kind).toBe('CITIZEN');

    // Signed out, the same callback again (a code copied from the address bar or history) signs nobody in.
    expect(callback).toContain('code=');
    await page.getByRole('button', { name: 'Logg ut' }).click();
    await page.goto(callback);
    await vi.waitFor(async () => expect(await page.locator('h1').innerText()).toBe('Logg inn'));
    expect(await page.evaluate(() => sessionStorage.getItem('samplan.session'))).toBeNull();
  });
});

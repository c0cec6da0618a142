/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Debian's Chromium (`.ci/run` installs it); playwright-core drives it, no downloaded browser. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/**
 * Without Chromium the browser tests are skipped with a warning on a developer's machine; `.ci/run`
 * installs it and sets REQUIRE_SYSTEM_TOOLS, so CI never passes by skipping them.
 */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM && process.env['REQUIRE_SYSTEM_TOOLS']) throw new Error(`Samplan web's browser tests need Chromium at ${CHROMIUM} (REQUIRE_SYSTEM_TOOLS is set)`);
if (!HAS_CHROMIUM) console.warn(`test/web: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): the browser tests are skipped`);

/** Builds Samplan web into a folder of the test's own (what `npm run build` puts in dist/web). */
export async function buildWebApp(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'samplan-web-'));
  // Vitest sets NODE_ENV=test, which would give React's development build: build as `npm run build` does.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, sourcemap: false } });
  } finally {
    process.env['NODE_ENV'] = nodeEnv;
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Chromium headless with flags that work as root and without network. Playwright gives each launch
 * a fresh profile in a temporary folder of its own (it refuses `--user-data-dir` for `launch`).
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    headless: true,
  });
  return { browser, close: () => browser.close() };
}

/** A browser context signed in as `token` (the session the sign-in page would have stored). */
export async function signedInContext(browser: Browser, t: TestApp, who: { token: string; name: string; kind: 'citizen' | 'personnel' }): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: t.url, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  await context.addInitScript((session) => sessionStorage.setItem('samplan.session', JSON.stringify(session)), { token: who.token, name: who.name, kind: who.kind });
  return context;
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now; the violations, by rule and target. */
export async function wcagViolations(page: Page): Promise<string[]> {
  const source = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Writes a screenshot of the page to WEB_SCREENSHOTS_OUT (when set): the README's pictures come from here. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['WEB_SCREENSHOTS_OUT'];
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * What a browser test file needs: Samplan web built, the real server serving it, Chromium, and
 * pages signed in as a given person; `close` ends them all.
 */
export async function startWebSession(env: Record<string, string> = {}): Promise<{
  t: TestApp;
  browser: Browser;
  open(who: { token: string; kind: 'citizen' | 'personnel' }, name: string, route: string): Promise<Page>;
  /** A context with nobody signed in (the sign-in page). */
  anonymous(): Promise<BrowserContext>;
  close(): Promise<void>;
}> {
  const web = await buildWebApp();
  const t = await startTestApp(env, { webAppDir: web.dir });
  const chromium = await launchBrowser();
  const contexts: BrowserContext[] = [];
  const track = (context: BrowserContext) => {
    contexts.push(context);
    return context;
  };
  return {
    t,
    browser: chromium.browser,
    async open(who, name, route) {
      const context = track(await signedInContext(chromium.browser, t, { token: who.token, name, kind: who.kind }));
      const page = await context.newPage();
      await page.goto(route);
      return page;
    },
    anonymous: async () => track(await chromium.browser.newContext({ baseURL: t.url, locale: 'nb-NO', timezoneId: 'Europe/Oslo' })),
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await chromium.close();
      await t.close();
      await web.remove();
    },
  };
}

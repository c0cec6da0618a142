import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text } from './helpers/editor.js';
import { expectData } from './helpers/graphql.js';
import { startFakeIssuer, type FakeIssuer } from './helpers/fake-issuer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const ISSUER = 'https://idporten.test';
const AUDIENCE = 'samplan-test';
const now = () => Math.floor(Date.now() / 1000);

/** docs/document-model.md, "Which provider, and how it stays connected": the token refresh, as written there. */
describe('refreshing the token of a live-document connection', () => {
  let issuer: FakeIssuer;
  let t: TestApp;

  beforeAll(async () => {
    issuer = await startFakeIssuer();
    t = await startTestApp({ OIDC_ISSUERS: JSON.stringify([{ kind: 'citizen', issuer: ISSUER, jwksUrl: issuer.jwksUrl, audience: AUDIENCE }]) });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  const token = (seconds: number) => issuer.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'refresher', name: 'Rita Refresh', acr: 'idporten-loa-high', exp: now() + seconds });

  it('closes with 4401 at expiry; a fresh token in `params` and `connect()` resume it, with the edits made meanwhile', async () => {
    const longLived = await token(300);
    const created = await t.gql('mutation { createPlan(input: {}) { ... on CreatePlanSuccess { plan { id } } } }', {}, longLived);
    const planId = expectData(created, 'createPlan').createPlan.plan.id as string;
    const watcher = connectEditor(t, planId, longLived);
    const editor = connectEditor(t, planId, await token(2));
    const refreshed: string[] = [];
    editor.provider.on('closed', async ({ code }: { code: number }) => {
      if (code !== 4401) return;
      editor.provider.params['token'] = await token(300);
      refreshed.push('token');
      // Typed while disconnected: kept in the local document, sent when it syncs again.
      editor.doc.getArray('goals').push([newEntry({ id: crypto.randomUUID(), text: text('Written while the token was renewed') })]);
      editor.provider.connect();
    });
    try {
      await Promise.all([editor.synced(), watcher.synced()]);
      await vi.waitFor(() => expect(editor.closes).toEqual([{ code: 4401, reason: 'Token expired' }]), { timeout: 8_000 });
      await vi.waitFor(() => expect(refreshed).toEqual(['token']));
      await editor.synced();
      await vi.waitFor(() => expect(JSON.stringify(watcher.section('goals'))).toContain('Written while the token was renewed'), { timeout: 10_000 });
      expect(editor.closes).toHaveLength(1);
    } finally {
      editor.destroy();
      watcher.destroy();
    }
  });
});

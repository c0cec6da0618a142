import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nationalIdentityNumber } from './helpers/fake-issuer.js';
import { expectData } from './helpers/graphql.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

describe('development issuer', () => {
  let dir: string;
  let t: TestApp;
  const keyFile = () => path.join(dir, 'nested', 'dev-issuer-key.json');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'samplan-dev-key-'));
    t = await startTestApp({ DEV_ISSUER_KEY_FILE: keyFile() });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const mint = (body: Record<string, unknown>) =>
    fetch(`${t.url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('keeps its signing key in a file only its owner reads, so tokens survive a restart', async () => {
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    const token = await t.token('kept', 'citizen', 'Kept Token');
    const before = expectData(await t.gql<any>('{ me { person { id } } }', {}, token), 'me').me.person.id;
    await t.restart();
    const after = await t.gql<any>('{ me { person { id } } }', {}, token);
    expect(expectData(after, 'me after restart').me.person.id).toBe(before);
  });

  it('mints tokens with a pid, which key the person across subjects', async () => {
    const pid = nationalIdentityNumber('311299', 200);
    const tokenOf = async (sub: string) => ((await (await mint({ sub, name: 'Per Pid', kind: 'citizen', pid })).json()) as { token: string }).token;
    const first = expectData(await t.gql<any>('{ me { person { id } } }', {}, await tokenOf('pid-a')), 'me').me.person.id;
    const second = expectData(await t.gql<any>('{ me { person { id } } }', {}, await tokenOf('pid-b')), 'me').me.person.id;
    expect(second).toBe(first);
  });

  it('refuses a pid whose check digits do not hold, without repeating it', async () => {
    const response = await mint({ sub: 'x', name: 'X', kind: 'citizen', pid: '12345678901' });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('12345678901');
  });
});

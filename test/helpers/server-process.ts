import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, type TestApp } from './test-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Enough of TestApp for the seed helpers and editors: tokens and GraphQL against this process. */
  client: TestApp;
  exited: Promise<number | null>;
}

/** Starts `src/main.ts` as its own process (as `npm start` does) on a database; resolves once it listens. */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      // TEST_LOG_LEVEL=debug shows what the server process logs (on this process's stdout).
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      DATABASE_URL: databaseUrl,
      BOOTSTRAP_ADMIN_ISSUER: ADMIN.issuer,
      BOOTSTRAP_ADMIN_SUBJECT: ADMIN.subject,
      ...env,
    },
    stdio: ['ignore', process.env['TEST_LOG_LEVEL'] ? 'inherit' : 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Samplan is up: (\S+)\/graphql/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  const client = {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    databaseUrl,
    async token(sub: string, kind: 'citizen' | 'personnel' = 'citizen', name = sub) {
      const response = await fetch(`${url}/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, name, kind }),
      });
      return ((await response.json()) as { token: string }).token;
    },
    async gql(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
  } as unknown as TestApp;
  return { url, child, client, exited };
}

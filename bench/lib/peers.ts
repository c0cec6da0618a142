import { findFreePort } from '../../src/db/embedded-postgres.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startChild, type ServerChild } from './processes.js';

/** y-websocket's own server (`bin/server.js`, installed as y-websocket-server): checks nothing, stores nothing (no YPERSISTENCE). */
export async function startYWebsocketReference(version: string): Promise<ServerChild> {
  const port = await findFreePort();
  return startChild(`y-websocket ${version}`, ['node_modules/y-websocket-server/bin/server.js'], { HOST: '127.0.0.1', PORT: String(port) }, /running at/, port);
}

/** The installed version of a package, read from its package.json (peers are named by what runs). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * @hocuspocus/server with the database extension on its own table (bench/servers/hocuspocus.ts):
 * as shipped (debounced stores), or storing on every change.
 */
export async function startHocuspocus(databaseUrl: string, mode: 'as shipped' | 'store every change' = 'as shipped'): Promise<ServerChild> {
  const port = await findFreePort();
  const name = `hocuspocus ${installedVersion('@hocuspocus/server')}${mode === 'as shipped' ? '' : ', store every change'}`;
  return startChild(name, ['--import', 'tsx', 'bench/servers/hocuspocus.ts'], {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    HOCUSPOCUS_STORE_EVERY_CHANGE: mode === 'as shipped' ? '0' : '1',
  }, /hocuspocus ready/, port);
}

/**
 * A bare Apollo Server (bench/servers/bare-apollo.ts): answering a constant, or, given a database,
 * the floor of a logged read (the plan read by its key and one committed access-log row per answer);
 * with `frame`, the constant through Samplan's HTTP frame (Express, its body parser and request logging).
 */
export async function startBareApollo(floor?: { databaseUrl: string; planId: string }, frame?: 'express'): Promise<ServerChild> {
  const port = await findFreePort();
  const name = floor ? 'bare apollo + read + logged row' : frame ? "bare apollo in Samplan's HTTP frame" : 'bare apollo';
  const env: Record<string, string> = floor ? { PORT: String(port), FLOOR_DATABASE_URL: floor.databaseUrl, FLOOR_PLAN_ID: floor.planId } : { PORT: String(port) };
  if (frame) env['BARE_FRAME'] = frame;
  return startChild(name, ['--import', 'tsx', 'bench/servers/bare-apollo.ts'], env, /bare apollo ready/, port);
}

/** The join storm's floor: answers every sync request with `stateFile`'s state, framed once (bench/servers/bare-sync.ts). */
export async function startBareSync(stateFile: string): Promise<ServerChild> {
  const port = await findFreePort();
  return startChild('bare sync', ['--import', 'tsx', 'bench/servers/bare-sync.ts'], { PORT: String(port), STATE_FILE: stateFile }, /bare sync ready/, port);
}

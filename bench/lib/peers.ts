import { findFreePort } from '../../src/db/embedded-postgres.js';
import { startChild, type ServerChild } from './processes.js';

/** y-websocket 1.5.4's own server (`bin/server.js`): checks nothing, stores nothing (no YPERSISTENCE). */
export async function startYWebsocketReference(): Promise<ServerChild> {
  const port = await findFreePort();
  return startChild('y-websocket 1.5.4', ['node_modules/y-websocket-server/bin/server.js'], { HOST: '127.0.0.1', PORT: String(port) }, /running at/, port);
}

/** @hocuspocus/server 3.4.4 with the database extension on its own table (bench/servers/hocuspocus.ts). */
export async function startHocuspocus(databaseUrl: string): Promise<ServerChild> {
  const port = await findFreePort();
  return startChild('hocuspocus 3.4.4', ['--import', 'tsx', 'bench/servers/hocuspocus.ts'], { PORT: String(port), DATABASE_URL: databaseUrl }, /hocuspocus ready/, port);
}

/** A bare Apollo Server answering a constant (bench/servers/bare-apollo.ts). */
export async function startBareApollo(): Promise<ServerChild> {
  const port = await findFreePort();
  return startChild('bare apollo', ['--import', 'tsx', 'bench/servers/bare-apollo.ts'], { PORT: String(port) }, /bare apollo ready/, port);
}

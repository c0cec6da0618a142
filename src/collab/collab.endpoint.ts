import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AccessLogWriter } from '../access-log/access-log-writer.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { DocumentHub } from '../documents/document-hub.js';
import type { DocumentPart } from '../documents/document.template.js';
import { ERROR_TABLE, errorCodeOf, notFound } from '../errors/error-codes.js';
import { reportOutage } from '../errors/outage.js';
import { groupedLoader } from '../db/grouped-loader.js';
import type { UpgradeRoute } from '../http/upgrade-router.js';
import { proofTargetOf } from '../auth/proof-target.js';
import type { Logger } from '../logging/logger.js';
import { displayNamesOf } from '../people/person.directory.js';
import { roleIn } from '../policy/policy.js';
import type { Actor } from '../policy/actor.js';
import type { Clock } from '../shared/clock.js';
import { ConnectionCap } from '../shared/connection-cap.js';
import { parseIdOrNull } from '../shared/ids.js';
import { CollabConnection } from './collab.connection.js';

export interface CollabEndpoint extends UpgradeRoute {
  /** Closes every live-document connection with 1001 and stops taking new ones. */
  dispose(): Promise<void>;
  /** What open connections hold: admitted connections, sockets (admitted or not yet), token-expiry timers. */
  stats(): { connections: number; sockets: number; expiryTimers: number };
}

export interface CollabEndpointOptions {
  hub: DocumentHub;
  authenticator: Authenticator;
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  /** Open connections per person on this server; the next is closed with 4429. */
  maxConnectionsPerPerson: number;
  /** How often peers are pinged; a peer that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** API_URL: the public URL a DPoP proof's `htu` names (src/auth/proof-target.ts); null: the Host header. */
  apiUrl: string | null;
  /** Where each admitted connection's read is logged, with the reads of every other door (docs/access-log.md). */
  accessLog: AccessLogWriter;
}

/** How long shutdown waits for peers to answer the 1001 close before cutting them off. */
const CLOSE_GRACE_MS = 2_000;

/** `/collab/<planId>` (the main document) or `/collab/<planId>/restricted`; nothing else. */
const PATH = /^\/collab\/([^/]+)(\/restricted)?$/;

/**
 * `ws(s)://host/collab/<planId>?token=<jwt>` and `…/collab/<planId>/restricted?token=<jwt>` (the
 * plan's restricted document, docs/document-model.md): the y-websocket protocol over the document hub.
 * A DPoP-bound token comes with `&dpop=<proof>` made for this URL (docs/identity.md).
 * The connection is authenticated and checked against the plan before the first byte of content;
 * it closes when the token expires, and is dropped when it stops answering pings.
 */
export function createCollabEndpoint(options: CollabEndpointOptions): CollabEndpoint {
  const { hub, logger } = options;
  // Updates are bounded by the inspector (1 MiB); the frame may carry a little protocol framing.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  const cap = new ConnectionCap(options.maxConnectionsPerPerson);
  // Presence names of connections opening together, grouped (`groupedLoader`: those that arrive
  // while the database is busy with earlier ones share the next read), so a join storm of 200 is a
  // few dozen reads, not 200; never cached, so a changed name shows on the next connection.
  const names = groupedLoader<string, string>(async (ids) => {
    const found = await displayNamesOf(options.orm.em.fork(), ids);
    return ids.map((id) => found.get(id) ?? notFound('Person'));
  });
  const expiryTimers = new Set<NodeJS.Timeout>();
  // A peer that vanished without a close (power cut, lost network) would otherwise hold its presence,
  // its place in the document's peers and the document itself in memory forever.
  const answered = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (!answered.has(socket)) {
        socket.terminate(); // its `close` detaches it from the document
        continue;
      }
      answered.delete(socket);
      socket.ping();
    }
  }, options.pingIntervalMs);
  heartbeat.unref();

  const connect = async (socket: WebSocket, request: http.IncomingMessage) => {
    // Every line about this connection carries its id, so one editor's story can be read from the
    // log. (Outages are reported through the shared logger: their lines are counted per logger.)
    const connectionId = randomUUID();
    const log = logger.child({ connectionId });
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = PATH.exec(url.pathname);
    const planId = parseIdOrNull(path?.[1] ?? '');
    const part: DocumentPart = path?.[2] ? 'restricted' : 'main';
    // Messages that arrive while we authenticate wait in order.
    const early: Uint8Array[] = [];
    let connection: CollabConnection | null = null;
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return socket.close(ERROR_TABLE.BAD_USER_INPUT.wsCloseCode, 'Binary messages only');
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (connection) connection.receive(bytes);
      else if (early.length < 16) early.push(bytes);
      else socket.close(ERROR_TABLE.TOO_MANY_REQUESTS.wsCloseCode, 'Too many messages before sync');
    });
    socket.on('error', (error) => log.debug({ event: 'collab.socket_error', err: error }));

    if (!planId) return socket.close(ERROR_TABLE.NOT_FOUND.wsCloseCode, 'Plan not found');
    let actor: Actor | null;
    try {
      const credentials = { token: url.searchParams.get('token'), proof: url.searchParams.get('dpop') ?? undefined };
      // With a genuine token the plan's facts are read while the person is looked up: in a join
      // storm each step of the sign-in queues behind everyone else's, and the document waits on both.
      // (Cached per plan and read anyway once signed in; a refusal comes from hub.access below.)
      const warmAccess = () => void hub.access(planId).catch(() => undefined);
      actor = await options.authenticator.actorFromSocket(credentials, proofTargetOf(request, options.apiUrl).url, { onTokenVerified: warmAccess });
    } catch (error) {
      const code = errorCodeOf(error);
      // The token could not be checked now (an outage, logged by the authenticator): "try again later"
      // (1013), which clients reconnect on. 4401 would tell them to give up.
      if (code === 'SERVICE_UNAVAILABLE') return socket.close(ERROR_TABLE.SERVICE_UNAVAILABLE.wsCloseCode, 'Service unavailable; try again later');
      if (code !== 'UNAUTHENTICATED') log.error({ event: 'collab.auth_failed', err: error });
      actor = null;
    }
    if (!actor) return socket.close(ERROR_TABLE.UNAUTHENTICATED.wsCloseCode, 'A valid token is required');
    if (socket.readyState !== socket.OPEN) return;
    if (!cap.admit(actor.personId, socket)) return socket.close(ERROR_TABLE.TOO_MANY_REQUESTS.wsCloseCode, 'Too many open connections');

    try {
      const access = await hub.access(planId);
      // The document loads while the name is read (the first connection to a plan waits on both);
      // a refusal is attach's to give, below.
      const preparing = hub.prepare(planId, actor, part).catch(() => undefined);
      const presence = { personId: actor.personId, name: await names.load(actor.personId), role: roleIn(actor, access.plan) ?? 'NONE' };
      await preparing;
      connection = new CollabConnection(socket, connectionId, actor, presence, logger);
      const document = await hub.attach(planId, connection, part);
      if (socket.readyState !== socket.OPEN) return hub.detach(document, connection);
      // Admitted: log the read before any content goes out (the connection sends nothing before `start`).
      try {
        const at = options.clock.now();
        const what = part === 'main' ? 'document' : 'document:restricted';
        // Through the group commit: connections opening together share its statements (and the chain's lock).
        await options.accessLog.append({ planId, personId: actor.personId, action: 'READ', what, door: 'LIVE', at });
      } catch (error) {
        hub.detach(document, connection);
        throw error;
      }
      if (socket.readyState !== socket.OPEN) return hub.detach(document, connection);
      const expiry = setTimeout(() => connection?.close('UNAUTHENTICATED', 'Token expired'), Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()));
      expiry.unref();
      expiryTimers.add(expiry);
      socket.on('close', (code: number) => {
        log.debug({ event: 'collab.closed', planId, part, code });
        clearTimeout(expiry);
        expiryTimers.delete(expiry);
        hub.detach(document, connection!);
      });
      for (const message of early.splice(0)) connection.receive(message);
      connection.start(document);
      log.debug({ event: 'collab.connected', planId, part, personId: actor.personId });
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'SERVICE_UNAVAILABLE') {
        reportOutage(logger, 'database', error, { planId, connectionId, during: 'collab.connect' });
        return socket.close(ERROR_TABLE.SERVICE_UNAVAILABLE.wsCloseCode, 'Service unavailable; try again later');
      }
      if (code === 'INTERNAL_SERVER_ERROR') log.error({ event: 'collab.attach_failed', planId, err: error });
      // A participant whose consent does not cover the content knows the plan: FORBIDDEN (4403).
      if (code === 'FORBIDDEN') return socket.close(ERROR_TABLE.FORBIDDEN.wsCloseCode, (error as Error).message);
      // Non-participants learn nothing, not even whether the plan exists.
      const closeAs = code === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL_SERVER_ERROR' : 'NOT_FOUND';
      socket.close(ERROR_TABLE[closeAs].wsCloseCode, closeAs === 'NOT_FOUND' ? 'Plan not found' : 'Could not open the plan; try again');
    }
  };

  wsServer.on('connection', (socket: WebSocket, request: http.IncomingMessage) => void connect(socket, request));
  let disposing: Promise<void> | undefined;

  return {
    matches: (pathname) => PATH.test(pathname),
    handle: (request, socket, head) => wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request)),
    // Shutdown closes the sockets before Apollo's HTTP drain would cut them (src/app/create-app.ts); later calls wait for the first.
    dispose: () => (disposing ??= (async () => {
      clearInterval(heartbeat);
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      // `close` calls back once every client has gone; one that never answers the close is cut off.
      const closed = new Promise<void>((resolve) => wsServer.close(() => resolve()));
      const grace = setTimeout(() => {
        for (const client of wsServer.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(grace);
    })()),
    stats: () => ({ connections: cap.total(), sockets: wsServer.clients.size, expiryTimers: expiryTimers.size }),
  };
}

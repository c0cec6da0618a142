import { randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import { proofTargetOf } from '../auth/proof-target.js';
import { ERROR_TABLE, errorCodeOf } from '../errors/error-codes.js';
import type { UpgradeRoute } from '../http/upgrade-router.js';
import type { Logger } from '../logging/logger.js';
import type { Actor } from '../policy/actor.js';
import { ConnectionCap } from '../shared/connection-cap.js';
import type { GraphQLContext } from './context.js';
import { hideSuggestions, type GraphQLLimits } from './limits.js';

export interface SubscriptionServer extends UpgradeRoute {
  /** Sends close frames to every client and stops the WebSocket server. */
  dispose(): Promise<void>;
  /** What open connections hold: each admitted connection one count and one token-expiry timer until it closes. */
  stats(): { connections: number; expiryTimers: number };
}

/**
 * graphql-ws on the same HTTP server and path as Apollo. A connection must carry a valid token in
 * `connectionParams.token` (or `connectionParams.authorization`); a bad or missing one closes the
 * socket with 4401 (1013 when the token cannot be checked now: the database or the issuer's keys
 * are unreachable), and the socket closes with 4401 again when the token expires. One person may
 * hold `maxConnectionsPerPerson` connections open; the next is closed with 4429.
 */
export function startSubscriptionServer(options: {
  path: string;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  contextFor: (actor: Actor) => GraphQLContext;
  logger: Logger;
  production: boolean;
  /** The same limits Apollo applies over HTTP (src/graphql/limits.ts). */
  limits: GraphQLLimits;
  /** Open connections per person on this server. */
  maxConnectionsPerPerson: number;
  /** API_URL: the public URL a DPoP proof's `htu` names (src/auth/proof-target.ts); null: the Host header. */
  apiUrl: string | null;
}): SubscriptionServer {
  const { logger, authenticator } = options;
  // The upgrade router (src/http/upgrade-router.ts) checks the Origin and hands sockets over.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const expiryTimers = new Map<WebSocket, NodeJS.Timeout>();
  const cap = new ConnectionCap(options.maxConnectionsPerPerson);

  const disposable = useServer<Record<string, unknown>, { actor: Actor }>(
    {
      schema: options.schema,
      isProd: options.production,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        // Every line about this connection carries its id (docs/operations.md).
        const connectionId = randomUUID();
        const params = ctx.connectionParams ?? {};
        const raw = params['token'] ?? params['authorization'] ?? params['Authorization'];
        try {
          const credentials = { token: raw, proof: params['dpop'] ?? params['DPoP'] };
          const actor = await authenticator.actorFromSocket(credentials, proofTargetOf(ctx.extra.request, options.apiUrl).url);
          if (!actor) throw new Error('missing token');
          const socket = ctx.extra.socket;
          // Gone while we authenticated: its close has passed, so nothing set now would be released.
          if (socket.readyState !== socket.OPEN) return false;
          if (!cap.admit(actor.personId, socket)) {
            socket.close(ERROR_TABLE.TOO_MANY_REQUESTS.wsCloseCode, 'Too many open connections');
            return false;
          }
          ctx.extra.actor = actor;
          const timer = setTimeout(
            () => socket.close(ERROR_TABLE.UNAUTHENTICATED.wsCloseCode, 'Token expired'),
            Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()),
          );
          timer.unref();
          expiryTimers.set(socket, timer);
          // The socket's own close, not graphql-ws's hooks: those run only after every subscription
          // has returned, and the timer holds the whole connection (context, socket) until it fires.
          socket.once('close', (code: number) => {
            clearTimeout(timer);
            expiryTimers.delete(socket);
            logger.debug({ event: 'ws.closed', connectionId, code });
          });
          logger.debug({ event: 'ws.connected', connectionId, personId: actor.personId });
          return true;
        } catch (error) {
          if (errorCodeOf(error) === 'SERVICE_UNAVAILABLE') {
            // Logged by the authenticator. 1013 says "try again later"; 4401 would say "sign in again".
            ctx.extra.socket.close(ERROR_TABLE.SERVICE_UNAVAILABLE.wsCloseCode, 'Service unavailable; try again later');
            return false;
          }
          const code = errorCodeOf(error) === 'INTERNAL_SERVER_ERROR' && (error as Error).message !== 'missing token'
            ? CloseCode.InternalServerError
            : ERROR_TABLE.UNAUTHENTICATED.wsCloseCode;
          if (code === CloseCode.InternalServerError) logger.error({ event: 'ws.connect_failed', connectionId, err: error });
          ctx.extra.socket.close(code, code === CloseCode.InternalServerError ? 'Internal server error' : 'Unauthorized');
          return false;
        }
      },
      // Parsed, validated and weighed by the one limits module, as over HTTP; a refusal is an error message, never a resolver.
      onSubscribe: (_ctx, _id, payload) => {
        const prepared = options.limits.prepare({ schema: options.schema, ...payload });
        if ('errors' in prepared) return prepared.errors;
        return { schema: options.schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // Over HTTP formatError strips suggestions from every error; here the execution errors (bad variable values).
      onNext: (_ctx, _id, _payload, _args, result) =>
        options.production && result.errors
          ? { ...result, errors: result.errors.map((error) => ({ ...error.toJSON(), message: hideSuggestions(error.message) })) }
          : undefined,
      context: (ctx) => {
        if (!ctx.extra.actor) throw new Error('graphql-ws context requested before the connection was acknowledged');
        return options.contextFor(ctx.extra.actor);
      },
    },
    wsServer,
  );

  return {
    matches: (pathname) => pathname === options.path,
    handle: (request, socket, head) => wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request)),
    async dispose() {
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
    },
    stats: () => ({ connections: cap.total(), expiryTimers: expiryTimers.size }),
  };
}

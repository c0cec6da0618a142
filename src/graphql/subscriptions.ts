import type { GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import { ERROR_TABLE, errorCodeOf } from '../errors/error-codes.js';
import type { UpgradeRoute } from '../http/upgrade-router.js';
import type { Logger } from '../logging/logger.js';
import type { Actor } from '../policy/actor.js';
import type { GraphQLContext } from './context.js';

export interface SubscriptionServer extends UpgradeRoute {
  /** Sends close frames to every client and stops the WebSocket server. */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the same HTTP server and path as Apollo. A connection must carry a valid token in
 * `connectionParams.token` (or `connectionParams.authorization`); a bad or missing one closes the
 * socket with 4401, and the socket closes with 4401 again when the token expires.
 */
export function startSubscriptionServer(options: {
  path: string;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  contextFor: (actor: Actor) => GraphQLContext;
  logger: Logger;
  production: boolean;
}): SubscriptionServer {
  const { logger, authenticator } = options;
  // The upgrade router (src/http/upgrade-router.ts) checks the Origin and hands sockets over.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const expiryTimers = new WeakMap<object, NodeJS.Timeout>();

  const disposable = useServer<Record<string, unknown>, { actor: Actor }>(
    {
      schema: options.schema,
      isProd: options.production,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = params['token'] ?? params['authorization'] ?? params['Authorization'];
        try {
          const token = typeof raw === 'string' ? raw.replace(/^Bearer\s+/i, '') : raw;
          const actor = await authenticator.actorFromToken(token as string | undefined);
          if (!actor) throw new Error('missing token');
          ctx.extra.actor = actor;
          const timer = setTimeout(
            () => ctx.extra.socket.close(ERROR_TABLE.UNAUTHENTICATED.wsCloseCode, 'Token expired'),
            Math.max(0, actor.tokenExpiresAt.getTime() - Date.now()),
          );
          timer.unref();
          expiryTimers.set(ctx.extra.socket, timer);
          return true;
        } catch (error) {
          const code = errorCodeOf(error) === 'INTERNAL_SERVER_ERROR' && (error as Error).message !== 'missing token'
            ? CloseCode.InternalServerError
            : ERROR_TABLE.UNAUTHENTICATED.wsCloseCode;
          if (code === CloseCode.InternalServerError) logger.error({ event: 'ws.connect_failed', err: error });
          ctx.extra.socket.close(code, code === CloseCode.InternalServerError ? 'Internal server error' : 'Unauthorized');
          return false;
        }
      },
      onDisconnect: (ctx) => clearTimeout(expiryTimers.get(ctx.extra.socket)),
      onClose: (ctx) => clearTimeout(expiryTimers.get(ctx.extra.socket)),
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
  };
}

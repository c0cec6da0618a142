import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.js';
import { requestIdOf, requestLogProps } from './request-scope.js';

/**
 * Samplan's request logging: one `http.request` line a request (health checks and scrapes left
 * out), its path without the query string, its status, its `reqId` and, for GraphQL, the
 * operation's name (docs/operations.md). The bench mounts it in front of a bare Apollo too, to
 * measure what this frame costs by itself (bench/README.md, workload 4b).
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    // Paths only: query strings may carry tokens, and bodies carry personal data.
    serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }), res: (res: { statusCode: number }) => ({ status: res.statusCode }) },
    customSuccessMessage: () => 'http.request',
    customErrorMessage: () => 'http.request',
    // Every line of the request carries `reqId`; its last one the GraphQL operation's name (docs/operations.md).
    genReqId: requestIdOf,
    quietReqLogger: true,
    customProps: (_req, res) => requestLogProps(res),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
  });
}

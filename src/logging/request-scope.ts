import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { RequestHandler } from 'express';

/** What a request's log line learns while the request runs. */
export interface RequestScope {
  /** pino-http's id of the request (`requestIdOf`). */
  reqId?: string;
  /** The GraphQL operation's name (src/metrics/graphql-operations.plugin.ts), once Apollo has resolved it. */
  operationName?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();
const SCOPE = Symbol('samplan.request-scope');

/** A request id we accept from a client or proxy: short, and only characters safe in a log line and a header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id for its log lines (pino-http's `genReqId`): the caller's `x-request-id` when it
 * is a short safe token (a proxy's or client's id, so their logs and ours line up), a new UUID
 * otherwise. Echoed in the response's `x-request-id`.
 */
export function requestIdOf(req: http.IncomingMessage, res: http.ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** Runs the rest of the request inside its scope, so code deep in it (an Apollo plugin) can add to its log line. */
export function withRequestScope(): RequestHandler {
  return (req, res, next) => {
    const scope: RequestScope = { reqId: typeof req.id === 'string' ? req.id : undefined };
    (res as unknown as Record<symbol, RequestScope>)[SCOPE] = scope;
    storage.run(scope, next);
  };
}

/** The scope of the request running now, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** The request's id and operation name, for a line logged deep inside it (an unexpected GraphQL error). */
export function requestLogFields(): RequestScope {
  const scope = storage.getStore();
  return scope ? { reqId: scope.reqId, operationName: scope.operationName } : {};
}

/** What the request's `http.request` line adds (pino-http's `customProps`): the operation name once known. */
export function requestLogProps(res: http.ServerResponse): Record<string, string> {
  const scope = (res as unknown as Record<symbol, RequestScope | undefined>)[SCOPE];
  return scope?.operationName ? { operationName: scope.operationName } : {};
}

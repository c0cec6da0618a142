import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../db/outage.js';

/**
 * The one table of access and failure errors: each code's HTTP status and WebSocket close code.
 * Expected outcomes a client must handle (conflicts, validation of a domain rule) are typed
 * results in the schema instead.
 */
export const ERROR_TABLE = {
  BAD_USER_INPUT: { httpStatus: 400, wsCloseCode: 4400 },
  UNAUTHENTICATED: { httpStatus: 401, wsCloseCode: 4401 },
  FORBIDDEN: { httpStatus: 403, wsCloseCode: 4403 },
  NOT_FOUND: { httpStatus: 404, wsCloseCode: 4404 },
  /** A connection sending faster than any honest client (sync floods, message storms), or a person past their GraphQL request budget. */
  TOO_MANY_REQUESTS: { httpStatus: 429, wsCloseCode: 4429 },
  INTERNAL_SERVER_ERROR: { httpStatus: 500, wsCloseCode: 4500 },
  /**
   * A dependency (PostgreSQL, an identity provider's key set) is unreachable: nothing is wrong with
   * the request or the token. 1013 is the standard "try again later", which clients reconnect on.
   */
  SERVICE_UNAVAILABLE: { httpStatus: 503, wsCloseCode: 1013 },
} as const;

export type ErrorCode = keyof typeof ERROR_TABLE;

export function appError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, http: { status: ERROR_TABLE[code].httpStatus } },
  });
}

export const unauthenticated = (message = 'A valid bearer token is required') => appError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this') => appError('FORBIDDEN', message);
export const notFound = (what: string) => appError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string) => appError('BAD_USER_INPUT', message);

export function errorCodeOf(error: unknown): ErrorCode {
  const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
  if (typeof code === 'string' && code in ERROR_TABLE) return code as ErrorCode;
  // A database that went away is an outage, not a bug: the client tries again later.
  return isDatabaseUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
}

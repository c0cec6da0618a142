import { GraphQLError } from 'graphql';

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
  /** A connection sending faster than any honest client (sync floods, message storms). */
  TOO_MANY_REQUESTS: { httpStatus: 429, wsCloseCode: 4429 },
  INTERNAL_SERVER_ERROR: { httpStatus: 500, wsCloseCode: 4500 },
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
  return typeof code === 'string' && code in ERROR_TABLE ? (code as ErrorCode) : 'INTERNAL_SERVER_ERROR';
}

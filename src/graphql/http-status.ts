import type { ApolloServerPlugin } from '@apollo/server';
import { ERROR_TABLE, errorCodeOf } from '../errors/error-codes.js';

/**
 * The HTTP status of an executed operation, as the GraphQL-over-HTTP spec has it
 * (graphql.github.io/graphql-over-http, "Status Codes"), for both `application/json` and
 * `application/graphql-response+json`:
 *
 * - `data` is there and not null: 200, always (the spec's MUST). Errors beside it are field errors
 *   of a partial response (a plan not found next to `me`), which clients such as graphql-request
 *   must be able to read rather than throw on. Without this Apollo takes the status of the first
 *   error's `extensions.http` (`appError` sets 404, 403, ...) even when data came with it.
 * - `data` is null (a field error reached a non-null root): 200, as the spec recommends, except
 *   when the request as a whole could not be served: 503 when a dependency went away (retry
 *   later), 401 when every error is UNAUTHENTICATED (no token was sent: sign in).
 * - no `data` (a request error: parse, validation, a limit, variables, a bad token, the rate
 *   limit) is left as set: 400, 401, 429 (Retry-After); 503 when the database went away. The spec
 *   requires 4xx/5xx there for `application/graphql-response+json` and allows it, for existing
 *   clients, for `application/json` (test/graphql-http-audit.test.ts says why we keep it).
 */
export function statusFor(data: unknown, codes: readonly string[]): number | undefined {
  if (data !== undefined && data !== null) return 200;
  if (codes.includes('SERVICE_UNAVAILABLE')) return ERROR_TABLE.SERVICE_UNAVAILABLE.httpStatus;
  if (data === undefined) return undefined;
  if (codes.length > 0 && codes.every((code) => code === 'UNAUTHENTICATED')) return ERROR_TABLE.UNAUTHENTICATED.httpStatus;
  return 200;
}

/** Sets the status of every operation Apollo ran by `statusFor`: the one plugin that sets it. */
export const graphqlOverHttpStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors }) {
        if (response.body.kind !== 'single') return;
        const status = statusFor(response.body.singleResult.data, (errors ?? []).map(errorCodeOf));
        if (status !== undefined) response.http.status = status;
      },
    };
  },
};

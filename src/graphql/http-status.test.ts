import { describe, expect, it } from 'vitest';
import { statusFor } from './http-status.js';

describe('statusFor', () => {
  it.each([
    ['data, no error', { me: {} }, [], 200],
    ['partial data beside NOT_FOUND', { me: {}, plan: null }, ['NOT_FOUND'], 200],
    ['partial data beside FORBIDDEN and UNAUTHENTICATED', { me: null, plan: null }, ['FORBIDDEN', 'UNAUTHENTICATED'], 200],
    ['partial data in an outage (data wins: the spec MUST)', { me: {}, plan: null }, ['SERVICE_UNAVAILABLE'], 200],
    ['data null from NOT_FOUND', null, ['NOT_FOUND'], 200],
    ['data null from FORBIDDEN', null, ['FORBIDDEN'], 200],
    ['data null from a failure', null, ['INTERNAL_SERVER_ERROR'], 200],
    ['data null, every error UNAUTHENTICATED (no token sent)', null, ['UNAUTHENTICATED'], 401],
    ['data null, UNAUTHENTICATED beside another', null, ['UNAUTHENTICATED', 'NOT_FOUND'], 200],
    ['data null in an outage', null, ['NOT_FOUND', 'SERVICE_UNAVAILABLE'], 503],
    ['no data in an outage', undefined, ['SERVICE_UNAVAILABLE'], 503],
    ['no data: a request error keeps its own status', undefined, ['BAD_USER_INPUT'], undefined],
  ] as const)('%s', (_case, data, codes, status) => {
    expect(statusFor(data, codes)).toBe(status);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults to development with the embedded database and the dev issuer', () => {
    const config = parseConfig({});
    expect(config.env).toBe('development');
    expect(config.database.kind).toBe('embedded');
    expect(config.devAuth).toBe(true);
    expect(config.port).toBe(4000);
  });

  it('uses DATABASE_URL when set and turns the dev issuer off in production', () => {
    const config = parseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/samplan' });
    expect(config.database).toEqual({ kind: 'external', url: 'postgres://u:p@db:5432/samplan' });
    expect(config.devAuth).toBe(false);
  });

  it('lists every bad value at once', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', OIDC_ISSUERS: '{not json', NODE_ENV: 'production', DEV_AUTH: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'OIDC_ISSUERS', 'DEV_AUTH']) expect(problems).toContain(name);
  });

  it('parses trusted issuers with their defaults', () => {
    const config = parseConfig({
      OIDC_ISSUERS: JSON.stringify([
        { kind: 'citizen', issuer: 'https://idporten.example', jwksUrl: 'https://idporten.example/jwks', audience: 'samplan' },
        { kind: 'personnel', issuer: 'https://helseid.example', jwksUrl: 'https://helseid.example/jwks', audience: 'samplan' },
      ]),
    });
    expect(config.issuers[0]).toMatchObject({ kind: 'citizen', requiredAcr: 'idporten-loa-high' });
    expect(config.issuers[1]).toMatchObject({ kind: 'personnel', hprClaim: 'helseid://claims/hpr/hpr_number' });
  });

  it('caps connections per person at each door and pings live editors', () => {
    expect(parseConfig({}).connections).toEqual({ maxPerPerson: 20, collabPingIntervalMs: 30_000 });
    expect(parseConfig({ MAX_CONNECTIONS_PER_PERSON: '3', COLLAB_PING_INTERVAL_MS: '500' }).connections).toEqual({ maxPerPerson: 3, collabPingIntervalMs: 500 });
    expect(() => parseConfig({ MAX_CONNECTIONS_PER_PERSON: '0' })).toThrow(/MAX_CONNECTIONS_PER_PERSON/);
    expect(() => parseConfig({ COLLAB_PING_INTERVAL_MS: '10' })).toThrow(/COLLAB_PING_INTERVAL_MS/);
  });

  it('limits GraphQL operations and requests per person, with defaults and overrides', () => {
    expect(parseConfig({}).graphql).toEqual({
      maxTokens: 3_000,
      maxDepth: 12,
      maxAliases: 30,
      maxCost: 5_000,
      assumedListSize: 10,
      rateLimit: { points: 1_200, windowMs: 10_000 },
    });
    const set = parseConfig({ GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_COST: '100', GRAPHQL_RATE_LIMIT_POINTS: '3', GRAPHQL_RATE_LIMIT_WINDOW_MS: '60000' }).graphql;
    expect(set).toMatchObject({ maxDepth: 5, maxCost: 100, rateLimit: { points: 3, windowMs: 60_000 } });
    expect(() => parseConfig({ GRAPHQL_MAX_DEPTH: '1' })).toThrow(/GRAPHQL_MAX_DEPTH/);
    expect(() => parseConfig({ GRAPHQL_RATE_LIMIT_WINDOW_MS: '1500' })).toThrow(/GRAPHQL_RATE_LIMIT_WINDOW_MS: must be whole seconds/);
  });

  it('wants both halves of the bootstrap administrator', () => {
    expect(() => parseConfig({ BOOTSTRAP_ADMIN_ISSUER: 'x' })).toThrow(/BOOTSTRAP_ADMIN/);
  });

  it('pushes notifications only with a webhook URL and a secret long enough to sign with', () => {
    expect(parseConfig({}).notifications).toEqual({ webhook: null, maxAttempts: 10, pollIntervalMs: 5000, backoffBaseMs: 30_000, leaseMs: 60_000 });
    expect(() => parseConfig({ NOTIFY_WEBHOOK_URL: 'https://notify.example/hook' })).toThrow(/NOTIFY_WEBHOOK_SECRET: required/);
    expect(() => parseConfig({ NOTIFY_WEBHOOK_URL: 'https://notify.example/hook', NOTIFY_WEBHOOK_SECRET: 'short' })).toThrow(/NOTIFY_WEBHOOK_SECRET: must be at least 32/);
    expect(() => parseConfig({ NOTIFY_WEBHOOK_URL: 'ftp://notify.example', NOTIFY_WEBHOOK_SECRET: 'x'.repeat(32) })).toThrow(/NOTIFY_WEBHOOK_URL/);
    expect(() => parseConfig({ NOTIFY_LEASE_MS: '5000', NOTIFY_WEBHOOK_TIMEOUT_MS: '5000' })).toThrow(/NOTIFY_LEASE_MS/);
    const config = parseConfig({ NOTIFY_WEBHOOK_URL: 'https://notify.example/hook', NOTIFY_WEBHOOK_SECRET: 'x'.repeat(32), NOTIFY_MAX_ATTEMPTS: '3' });
    expect(config.notifications).toMatchObject({ webhook: { url: 'https://notify.example/hook', secret: 'x'.repeat(32), timeoutMs: 10_000 }, maxAttempts: 3 });
  });
});

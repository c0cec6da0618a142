import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/** Issuer identifiers of the built-in development identity provider (never trusted in production). */
export const DEV_ISSUERS = {
  citizen: 'urn:samplan:dev:citizen',
  personnel: 'urn:samplan:dev:personnel',
} as const;

/** Audience the development issuer puts in its tokens. */
export const DEV_AUDIENCE = 'samplan';

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** What every issuer has, whatever kind of person it vouches for (docs/identity.md, "Configuration"). */
const issuerCommon = {
  /** The issuer identifier, exactly as tokens carry it in `iss`. */
  issuer: z.string().min(1),
  /** Where its keys are; unset: found through `<issuer>/.well-known/openid-configuration`. */
  jwksUrl: z.url().optional(),
  /** The audience Samplan's access tokens are issued for (ID-porten: the resource indicator asked for). */
  audience: z.string().min(1),
  /** DPoP (RFC 9449): `required` refuses plain Bearer, `off` refuses the DPoP scheme. @default allowed */
  dpop: z.enum(['required', 'allowed', 'off']).default('allowed'),
  /**
   * The public OIDC client a browser signs in with at this issuer (authorization code with PKCE),
   * published by `GET /auth/sign-in-options` for clients such as Samplan web. Unset: browsers are
   * not offered this issuer. Public by nature: a client id and scopes, never a secret.
   */
  browserClient: z.strictObject({
    clientId: z.string().min(1).max(200),
    /** Scopes to ask for, space-separated (ID-porten: `openid profile`; HelseID adds its API's scope). */
    scope: z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'space-separated scope tokens').default('openid'),
  }).optional(),
};

const issuerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('citizen'),
    ...issuerCommon,
    /** ID-porten's assurance level claim that a citizen token must carry. */
    requiredAcr: z.string().min(1).default('idporten-loa-high'),
    /** Claim that holds the national identity number (ID-porten: pid). */
    pidClaim: z.string().min(1).default('pid'),
  }),
  z.object({
    kind: z.literal('personnel'),
    ...issuerCommon,
    /** Claim that holds the HPR number (HelseID: helseid://claims/hpr/hpr_number). */
    hprClaim: z.string().min(1).default('helseid://claims/hpr/hpr_number'),
    /** Claim that holds the national identity number (HelseID: helseid://claims/identity/pid). */
    pidClaim: z.string().min(1).default('helseid://claims/identity/pid'),
  }),
]);

export type IssuerConfig = z.infer<typeof issuerSchema>;

const jsonIssuers = z.string().transform((raw, ctx) => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of issuer objects' });
    return z.NEVER;
  }
}).pipe(z.array(issuerSchema));

const csv = z.string().transform((raw) => raw.split(',').map((item) => item.trim()).filter(Boolean));

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    DATABASE_URL: z
      .url()
      .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_APP_URL: z
      .url()
      .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL')
      .optional(),
    EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEV_AUTH: booleanString.optional(),
    DEV_ISSUER_KEY_FILE: z.string().min(1).default('.data/dev-issuer-key.json'),
    API_URL: z.url().refine((url) => /^https?:\/\//.test(url), 'must be an http:// or https:// URL').optional(),
    GRAPHQL_IDE: booleanString.optional(),
    OIDC_ISSUERS: jsonIssuers.default([]),
    BOOTSTRAP_ADMIN_ISSUER: z.string().min(1).optional(),
    BOOTSTRAP_ADMIN_SUBJECT: z.string().min(1).optional(),
    ALLOWED_ORIGINS: csv.default([]),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    DOC_SNAPSHOT_EVERY: z.coerce.number().int().min(1).default(200),
    DOC_IDLE_UNLOAD_MS: z.coerce.number().int().min(0).default(30_000),
    DOC_REST_AFTER_MS: z.coerce.number().int().min(0).default(10_000),
    DOC_MAX_BYTES: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
    DOC_MAX_UPDATE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024).default(1024 * 1024),
    SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
    MAX_CONNECTIONS_PER_PERSON: z.coerce.number().int().min(1).default(20),
    COLLAB_PING_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
    ENDED_PLAN_READ_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
    GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(3_000),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(12),
    GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
    GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(5_000),
    GRAPHQL_ASSUMED_LIST_SIZE: z.coerce.number().int().min(1).default(10),
    GRAPHQL_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(1_200),
    GRAPHQL_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).multipleOf(1000, 'must be whole seconds (Redis expires keys by the second)').default(10_000),
    PUBLIC_URL: z.url().optional(),
    NOTIFY_WEBHOOK_URL: z.url().refine((url) => /^https?:\/\//.test(url), 'must be an http:// or https:// URL').optional(),
    NOTIFY_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    NOTIFY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
    NOTIFY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
    NOTIFY_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(30_000),
    NOTIFY_LEASE_MS: z.coerce.number().int().min(100).default(60_000),
    REDIS_URL: z.url().refine((url) => /^rediss?:\/\//.test(url), 'must be a redis:// or rediss:// URL').optional(),
    REDIS_CHANNEL_PREFIX: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').default('samplan'),
    SERVER_ID: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').optional(),
    METRICS_TOKEN: z.string().regex(/^\S{32,256}$/, 'must be 32 to 256 characters without spaces').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  });

/** Rules across variables, checked on the raw values so they are listed even when a field is also bad. */
function crossFieldProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (raw['NODE_ENV'] === 'production' && (raw['DEV_AUTH'] === 'true' || raw['DEV_AUTH'] === '1')) {
    problems.push('DEV_AUTH: the development issuer is refused in production');
  }
  if (raw['DATABASE_APP_URL'] && !raw['DATABASE_URL']) {
    problems.push('DATABASE_APP_URL: needs DATABASE_URL (the owner that migrates); the embedded PostgreSQL makes both roles itself');
  }
  if (raw['DATABASE_APP_URL'] && raw['DATABASE_URL'] && userOf(raw['DATABASE_APP_URL']) === userOf(raw['DATABASE_URL'])) {
    problems.push("DATABASE_APP_URL: must log in as another role than DATABASE_URL's: the server may not serve as the owner (docs/deployment.md)");
  }
  if (Boolean(raw['BOOTSTRAP_ADMIN_ISSUER']) !== Boolean(raw['BOOTSTRAP_ADMIN_SUBJECT'])) {
    problems.push('BOOTSTRAP_ADMIN_SUBJECT: BOOTSTRAP_ADMIN_ISSUER and BOOTSTRAP_ADMIN_SUBJECT go together');
  }
  if (raw['NOTIFY_WEBHOOK_URL'] && !raw['NOTIFY_WEBHOOK_SECRET']) {
    problems.push('NOTIFY_WEBHOOK_SECRET: required with NOTIFY_WEBHOOK_URL (receivers verify the signature)');
  }
  if (raw['METRICS_PORT'] && raw['METRICS_PORT'] !== '0' && raw['METRICS_PORT'] === (raw['PORT'] ?? '4000')) {
    problems.push('METRICS_PORT: must differ from PORT (unset it to serve /metrics on the API\'s port behind METRICS_TOKEN)');
  }
  // A lease shorter than a delivery's timeout would let a second server send a row still in flight.
  if (Number(raw['NOTIFY_LEASE_MS'] ?? 60_000) <= Number(raw['NOTIFY_WEBHOOK_TIMEOUT_MS'] ?? 10_000)) {
    problems.push('NOTIFY_LEASE_MS: must be longer than NOTIFY_WEBHOOK_TIMEOUT_MS');
  }
  return problems;
}

/** The user a database URL logs in as (null when it is not a URL). */
function userOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return null;
  }
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  database:
    | {
        kind: 'external';
        /** The owner: migrations run as it (docs/deployment.md, "Database roles"). */
        url: string;
        /**
         * The role the server serves as, which may not erase the access log. Unset: the server
         * makes and uses `samplan_app` itself (docs/deployment.md).
         */
        appUrl?: string;
      }
    | { kind: 'embedded'; dataDir: string; port: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  devAuth: boolean;
  /** Where the development issuer keeps its signing key (mode 0600), so its tokens survive a restart. @default .data/dev-issuer-key.json */
  devIssuerKeyFile: string;
  /**
   * The URL clients reach this server at, for the `htu` of DPoP proofs behind a proxy (docs/identity.md).
   * @default null: taken from the request's Host header, over http (development only)
   */
  apiUrl: string | null;
  /** GraphiQL, served offline by Samplan itself, at GET /graphql from a browser. @default on outside production */
  graphqlIde: boolean;
  issuers: IssuerConfig[];
  bootstrapAdmin: { issuer: string; subject: string } | null;
  allowedOrigins: string[];
  shutdownTimeoutMs: number;
  documents: { snapshotEvery: number; idleUnloadMs: number; restAfterMs: number; maxDocumentBytes: number; maxUpdateBytes: number };
  /** How often the deadline scheduler looks for what has fallen due. */
  schedulerIntervalMs: number;
  connections: ConnectionConfig;
  /**
   * Days after a plan ends during which participants other than the person and their guardians
   * still read it (with current consent), for follow-up; 0 ends their access with the plan
   * (docs/consent.md, "After the plan has ended"). @default 90
   */
  endedPlanReadDays: number;
  graphql: GraphQLLimitsConfig;
  /** Base URL of the client app, for links in notifications; null keeps links relative. */
  publicUrl: string | null;
  notifications: NotificationConfig;
  cluster: ClusterConfig;
  /**
   * `/metrics` (docs/operations.md): behind `token` on the API's server, or on a port of its own.
   * Neither set: served without a token outside production, not at all (404) in production.
   */
  metrics: MetricsConfig;
}

/** Where and how `/metrics` is served (docs/operations.md). */
export interface MetricsConfig {
  /** METRICS_TOKEN: scrapers send `Authorization: Bearer <token>`; null: no token asked. */
  token: string | null;
  /** METRICS_PORT: a listener of its own (on HOST) serving only `/metrics`; null: the API's server. */
  port: number | null;
  /** Served without a token on the API's server when neither is set: outside production only. */
  open: boolean;
}

/** WebSocket connections at both doors, `/graphql` (graphql-ws) and `/collab` (docs/deployment.md). */
export interface ConnectionConfig {
  /** Open connections one person may hold at each door, counted per server. @default 20 */
  maxPerPerson: number;
  /** How often `/collab` pings its peers; one that has not answered the previous ping is dropped. @default 30000 */
  collabPingIntervalMs: number;
}

/** What one GraphQL operation may ask for, and how many one person may send (docs/deployment.md). */
export interface GraphQLLimitsConfig {
  /** Lexical tokens in one document; the parse stops past it. @default 3000 */
  maxTokens: number;
  /** Nesting depth of selections (fragments counted where they are spread). @default 12 */
  maxDepth: number;
  /** Aliased fields in one operation. @default 30 */
  maxAliases: number;
  /** Cost: fields weighed and multiplied through lists (src/graphql/limits.ts). @default 5000 */
  maxCost: number;
  /** Size the cost assumes for a list that takes no `first`/`last`. @default 10 */
  assumedListSize: number;
  /** GraphQL requests over HTTP per person (per IP without a token) in each window; shared through Redis when REDIS_URL is set. */
  rateLimit: { points: number; windowMs: number };
}

/** Several servers on one database (docs/deployment.md). */
export interface ClusterConfig {
  /** Redis that carries live updates, presence and events between servers. @default null: a single server */
  redisUrl: string | null;
  /** This server's name in cluster messages and logs. @default a random id per start */
  serverId: string;
  /** Starts the Redis channel names; servers of one deployment share it, other deployments on the same Redis use their own. @default samplan */
  channelPrefix: string;
}

/** How notifications leave the outbox (docs/notifications.md). */
export interface NotificationConfig {
  /** Where notifications are pushed; null: nothing is pushed, they wait in the in-app inbox. */
  webhook: { url: string; secret: string; timeoutMs: number } | null;
  /** Attempts before a notification is given up as FAILED. @default 10 */
  maxAttempts: number;
  /** How often the delivery worker looks for due notifications. @default 5000 */
  pollIntervalMs: number;
  /** First retry delay; it doubles per attempt, with jitter. @default 30000 */
  backoffBaseMs: number;
  /** How long a claimed notification is held before another server may try it. @default 60000 */
  leaseMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, failing with every bad value listed.
 * Tests pass their own record instead of `process.env`.
 */
export function parseConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as with `FOO= npm start`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(cleaned);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`)),
    ...crossFieldProblems(cleaned),
  ];
  if (!result.success || problems.length) throw new ConfigError(problems);
  const env = result.data;
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    database: env.DATABASE_URL
      ? { kind: 'external', url: env.DATABASE_URL, ...(env.DATABASE_APP_URL ? { appUrl: env.DATABASE_APP_URL } : {}) }
      : { kind: 'embedded', dataDir: path.resolve(env.EMBEDDED_PG_DIR), port: env.EMBEDDED_PG_PORT },
    logLevel: env.LOG_LEVEL,
    devAuth: env.DEV_AUTH ?? env.NODE_ENV !== 'production',
    devIssuerKeyFile: path.resolve(env.DEV_ISSUER_KEY_FILE),
    apiUrl: env.API_URL ?? null,
    graphqlIde: env.GRAPHQL_IDE ?? env.NODE_ENV !== 'production',
    issuers: env.OIDC_ISSUERS,
    bootstrapAdmin:
      env.BOOTSTRAP_ADMIN_ISSUER && env.BOOTSTRAP_ADMIN_SUBJECT
        ? { issuer: env.BOOTSTRAP_ADMIN_ISSUER, subject: env.BOOTSTRAP_ADMIN_SUBJECT }
        : null,
    allowedOrigins: env.ALLOWED_ORIGINS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    documents: {
      snapshotEvery: env.DOC_SNAPSHOT_EVERY,
      idleUnloadMs: env.DOC_IDLE_UNLOAD_MS,
      restAfterMs: env.DOC_REST_AFTER_MS,
      maxDocumentBytes: env.DOC_MAX_BYTES,
      maxUpdateBytes: env.DOC_MAX_UPDATE_BYTES,
    },
    schedulerIntervalMs: env.SCHEDULER_INTERVAL_MS,
    connections: { maxPerPerson: env.MAX_CONNECTIONS_PER_PERSON, collabPingIntervalMs: env.COLLAB_PING_INTERVAL_MS },
    endedPlanReadDays: env.ENDED_PLAN_READ_DAYS,
    graphql: {
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxCost: env.GRAPHQL_MAX_COST,
      assumedListSize: env.GRAPHQL_ASSUMED_LIST_SIZE,
      rateLimit: { points: env.GRAPHQL_RATE_LIMIT_POINTS, windowMs: env.GRAPHQL_RATE_LIMIT_WINDOW_MS },
    },
    publicUrl: env.PUBLIC_URL ?? null,
    notifications: {
      webhook:
        env.NOTIFY_WEBHOOK_URL && env.NOTIFY_WEBHOOK_SECRET
          ? { url: env.NOTIFY_WEBHOOK_URL, secret: env.NOTIFY_WEBHOOK_SECRET, timeoutMs: env.NOTIFY_WEBHOOK_TIMEOUT_MS }
          : null,
      maxAttempts: env.NOTIFY_MAX_ATTEMPTS,
      pollIntervalMs: env.NOTIFY_POLL_INTERVAL_MS,
      backoffBaseMs: env.NOTIFY_BACKOFF_BASE_MS,
      leaseMs: env.NOTIFY_LEASE_MS,
    },
    cluster: { redisUrl: env.REDIS_URL ?? null, serverId: env.SERVER_ID ?? randomUUID(), channelPrefix: env.REDIS_CHANNEL_PREFIX },
    metrics: { token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null, open: env.NODE_ENV !== 'production' },
  };
}

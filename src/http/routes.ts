import express, { type ErrorRequestHandler, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DEMO_PEOPLE, type DemoPerson } from '../auth/demo-people.js';
import { devTokenRequestSchema, type DevIssuer } from '../auth/dev-issuer.js';
import type { IssuerConfig } from '../config/config.js';
import { isDatabaseUnavailable } from '../db/outage.js';
import { reportOutage } from '../errors/outage.js';
import type { Logger } from '../logging/logger.js';
import { sectionsJsonSchema } from '../documents/section-schema.js';

/**
 * `GET /healthz`: the process is up (it stays 200 while the database is down: restarting this
 * server would not bring the database back). `GET /readyz`: the database answers and every
 * migration is applied; 503 otherwise, so a load balancer sends traffic elsewhere meanwhile.
 */
export function healthRoutes(orm: MikroORM, logger: Logger): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length) {
        res.status(503).json({ status: 'not ready', reason: 'migrations pending', pending: pending.map((m) => m.name) });
        return;
      }
      res.json({ status: 'ready' });
    } catch (error) {
      // Probes come every few seconds: an outage is logged once per burst, anything else each time.
      if (isDatabaseUnavailable(error)) reportOutage(logger, 'database', error, { during: 'readyz' });
      else logger.warn({ event: 'readyz.failed', err: error });
      res.status(503).json({ status: 'not ready', reason: 'database unreachable' });
    }
  });
  return router;
}

/** `GET /schema/sections.schema.json`: the JSON Schema of sections' content (docs/graphql.md), public like the SDL. */
export function schemaRoutes(): Router {
  const router = express.Router();
  const body = sectionsJsonSchema();
  router.get('/schema/sections.schema.json', (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(body, null, 2));
  });
  return router;
}

/** What `GET /auth/sign-in-options` answers (docs/identity.md, "Sign-in options for clients"). */
export interface SignInOptions {
  /** Issuers a browser may sign in at: authorization code with PKCE as the given public client. */
  issuers: Array<{ kind: IssuerConfig['kind']; issuer: string; clientId: string; scope: string; audience: string; dpop: IssuerConfig['dpop'] }>;
  /** The development issuer, when it is on: where to mint a token, and the demo municipality's people. */
  development: { tokenUrl: string; people: DemoPerson[] } | null;
}

/**
 * `GET /auth/sign-in-options`: how a client signs a person in here, from the server's own settings,
 * so a browser app needs no configuration of its own. Public: client ids and scopes, never a secret.
 */
export function signInOptionsRoutes(issuers: readonly IssuerConfig[], devAuth: boolean): Router {
  const router = express.Router();
  const body: SignInOptions = {
    issuers: issuers.flatMap((issuer) =>
      issuer.browserClient
        ? [{ kind: issuer.kind, issuer: issuer.issuer, clientId: issuer.browserClient.clientId, scope: issuer.browserClient.scope, audience: issuer.audience, dpop: issuer.dpop }]
        : [],
    ),
    development: devAuth ? { tokenUrl: '/auth/dev-token', people: Object.values(DEMO_PEOPLE) } : null,
  };
  router.get('/auth/sign-in-options', (_req, res) => {
    res.set('cache-control', 'no-cache').json(body);
  });
  return router;
}

/** The development identity provider's endpoints; only mounted when DEV_AUTH is on. */
export function devAuthRoutes(devIssuer: DevIssuer): Router {
  const router = express.Router();
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.json(devIssuer.jwks);
  });
  router.post('/auth/dev-token', express.json({ limit: '10kb' }), async (req, res) => {
    const parsed = devTokenRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({
        error: 'BAD_USER_INPUT',
        message: 'Send JSON {"sub": "...", "name": "...", "kind": "citizen" | "personnel"}',
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`),
      });
      return;
    }
    res.json({ token: await devIssuer.mint(parsed.data) });
  });
  return router;
}

/** Bodies that are not JSON, or too large, get a clear GraphQL-shaped 4xx instead of an HTML page. */
export function bodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ event: 'http.error', err: error });
    const message =
      error?.type === 'entity.parse.failed' ? 'Request body is not valid JSON'
      : error?.type === 'entity.too.large' ? 'Request body is too large'
      : status === 500 ? 'Internal server error' : String(error?.message ?? 'Bad request');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };
}

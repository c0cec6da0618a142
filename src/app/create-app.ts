import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { createAuthenticator, type Authenticator } from '../auth/authenticator.js';
import { createDevIssuer } from '../auth/dev-issuer.js';
import { createTokenVerifier, trustConfiguredIssuer } from '../auth/token-verifier.js';
import { proofTargetOf } from '../auth/proof-target.js';
import { ConfigError, type Config } from '../config/config.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { closeOrm, openOrm, type MikroORM } from '../db/orm.js';
import { hotReadPoolOf, observeHotReadWaits } from '../db/prepared-statements.js';
import { prepareDatabase } from '../db/prepare-database.js';
import { EventBus } from '../events/event-bus.js';
import { ActorCache } from '../auth/actor-cache.js';
import { AccessLogWriter } from '../access-log/access-log-writer.js';
import { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import { registerRequestDeadlines } from '../requests/request.deadlines.js';
import { registerConsentExpiry } from '../consent/consent.expiry.js';
import { registerGuardianshipEnd } from '../people/guardianship.end.js';
import { CaseEventListener } from '../casework/case-event.listener.js';
import { PlanDeadlines } from '../casework/plan-deadlines.js';
import { createNotificationWorker } from '../notifications/notification.setup.js';
import type { NotificationWorker } from '../notifications/notification.worker.js';
import { createCollabEndpoint } from '../collab/collab.endpoint.js';
import { DocumentHub } from '../documents/document-hub.js';
import { planAccessLoader } from '../documents/plan-access.js';
import { documentStorage } from './document-wiring.js';
import { EvaluationVersions } from '../evaluations/evaluation-versions.js';
import { documentAuthorization } from '../policy/document-authorization.js';
import { Cluster } from '../cluster/cluster.js';
import { PlanReadCache } from '../plans/plan-read-cache.js';
import { archiveRoutes } from '../archive/archive.routes.js';
import { FinalArchiver } from '../archive/final-archiver.js';
import { routeUpgrades } from '../http/upgrade-router.js';
import { CORS_PATHS, httpCors } from '../http/cors.js';
import { graphiqlRoutes } from '../http/graphiql.js';
import { webAppRoutes } from '../http/web-app.js';
import { createApollo } from '../graphql/apollo.js';
import { createContext } from '../graphql/context.js';
import { buildSchema } from '../graphql/schema.js';
import { startSubscriptionServer } from '../graphql/subscriptions.js';
import { createGraphQLLimits } from '../graphql/limits.js';
import { createGraphQLRateLimit } from '../http/graphql-rate-limit.js';
import { bodyErrorHandler, devAuthRoutes, healthRoutes, schemaRoutes, signInOptionsRoutes } from '../http/routes.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { httpLogger } from '../logging/http-logger.js';
import { withRequestScope } from '../logging/request-scope.js';
import { AppMetrics, connectionPoolOf } from '../metrics/metrics.js';
import { graphqlOperationsPlugin } from '../metrics/graphql-operations.plugin.js';
import { metricsRoute, startMetricsServer } from '../metrics/metrics.routes.js';
import { outboxBacklog } from '../notifications/notification.backlog.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { ServiceDeps } from './services.js';

export interface App {
  server: http.Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  orm: MikroORM;
  authenticator: Authenticator;
  logger: Logger;
  /** Fires deadlines on its own timer; tests driving a manual clock call `runDue()` after moving it. */
  scheduler: DeadlineScheduler;
  /** Reads at once the plan dates that wait for a burst of document changes to settle (the seed calls it before moving its clock). */
  settleDeadlines(): Promise<void>;
  /** Pushes the notification outbox; null when no delivery is configured. Tests may call `runDue()`. */
  notificationWorker: NotificationWorker | null;
  /** Stops accepting, drains HTTP and WebSockets, closes the database, stops an embedded PostgreSQL. */
  dispose(): Promise<void>;
  /** What open connections hold right now; every figure returns to zero once they have all closed. */
  connectionStats(): ConnectionStats;
  /** Where Prometheus scrapes this server (docs/operations.md); null when `/metrics` is off. */
  metricsUrl: string | null;
}

export interface ConnectionStats {
  /** Event-bus listeners: one per open subscription (two for `planChanged`), plus the server's own. */
  eventListeners: number;
  graphqlWs: { connections: number; expiryTimers: number };
  collab: { connections: number; sockets: number; expiryTimers: number };
}

export interface AppOptions {
  /** @default the system clock */
  clock?: Clock;
  /** @default a JSON logger at the configured level */
  logger?: Logger;
  /** Where Samplan web's build is (src/http/web-app.ts); tests build it into a folder of their own. */
  webAppDir?: string;
}

/** A listener's EADDRINUSE as the variable to change, for `main.ts` to print without a stack; other errors as they are. */
function portInUse(error: unknown, variable: string, host: string, port: number): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return error;
  return new ConfigError([`${variable}: ${host}:${port} is already in use (another Samplan?); stop what listens there or set ${variable} to a free port`]);
}

/** Builds and starts the whole server; tests call it with port 0. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  const production = config.env === 'production';
  // This app's own registry: tests start several apps in one process (src/metrics/metrics.ts).
  const metrics = new AppMetrics();
  // Undo steps, newest first, for a failed start as much as for a clean stop.
  const undo: Array<{ step: string; run: () => Promise<void> }> = [];
  const runUndo = async () => {
    for (const { step, run } of undo.reverse()) {
      logger.debug({ event: 'shutdown.step', step });
      await run().catch((error: unknown) => logger.error({ event: 'shutdown.step_failed', step, err: error }));
    }
  };

  try {
    let ownerUrl: string;
    if (config.database.kind === 'external') {
      ownerUrl = config.database.url;
    } else {
      const embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger });
      undo.push({ step: 'embedded-postgres', run: () => embedded.stop() });
      ownerUrl = embedded.url;
    }

    // The owner migrates; the server then serves as a role that cannot erase the access log
    // (docs/deployment.md, "Database roles").
    const owner = await openOrm(ownerUrl, logger);
    const { url: databaseUrl } = await prepareDatabase(owner, config.database, logger).finally(() => closeOrm(owner));
    const orm = await openOrm(databaseUrl, logger);
    undo.push({ step: 'database', run: () => closeOrm(orm) });
    const pool = connectionPoolOf(orm);
    if (pool) metrics.watchPool(pool);
    metrics.watchHotReads(() => hotReadPoolOf(orm));
    observeHotReadWaits(orm, (seconds) => metrics.hotReadWaited(seconds));

    const devIssuer = config.devAuth ? await createDevIssuer({ keyFile: config.devIssuerKeyFile }) : null;
    const trusted = [...config.issuers.map((issuer) => trustConfiguredIssuer(issuer, logger)), ...(devIssuer?.trustedIssuers ?? [])];
    const clock = options.clock ?? systemClock;
    const events = new EventBus();
    const cluster = config.cluster.redisUrl ? new Cluster({ ...config.cluster, redisUrl: config.cluster.redisUrl, events, logger }) : null;
    const hub = new DocumentHub({
      orm,
      clock,
      events,
      logger,
      settings: {
        limits: { maxUpdateBytes: config.documents.maxUpdateBytes, maxStructs: 50_000 },
        maxDocumentBytes: config.documents.maxDocumentBytes,
        snapshotEvery: config.documents.snapshotEvery,
        idleUnloadMs: config.documents.idleUnloadMs,
        restAfterMs: config.documents.restAfterMs,
      },
      replication: cluster ?? undefined,
      storage: documentStorage,
      observer: metrics.documents,
      authorizer: documentAuthorization(planAccessLoader({ orm, clock, endedPlanReadDays: config.endedPlanReadDays })),
    });
    if (cluster) {
      await cluster.start(hub);
      // After the database in `undo`, so it runs before it; before the documents, so it runs after their last commit.
      undo.push({ step: 'cluster', run: () => cluster.stop() });
    }
    const scheduler = new DeadlineScheduler({ orm, clock, logger, intervalMs: config.schedulerIntervalMs, observer: metrics.scheduler });
    registerRequestDeadlines(scheduler, logger);
    registerConsentExpiry(scheduler, events);
    registerGuardianshipEnd(scheduler, events);
    const caseEvents = new CaseEventListener({ databaseUrl, orm, events, logger });
    await caseEvents.start();
    undo.push({ step: 'case-event-listener', run: () => caseEvents.stop() });
    const planDeadlines = new PlanDeadlines({ orm, hub, events, clock, logger, scheduler });
    const evaluationVersions = new EvaluationVersions({ hub, events, logger });
    undo.push({ step: 'plan-deadlines', run: () => planDeadlines.dispose() });
    const planReads = new PlanReadCache({ events, clock, link: cluster ? () => cluster.link() : undefined, observe: metrics.planRead });
    undo.push({ step: 'plan-read-cache', run: async () => planReads.dispose() });
    const deps: ServiceDeps = {
      clock,
      events,
      scheduler,
      documents: hub,
      knownIssuers: new Map(trusted.map((issuer) => [issuer.issuer, issuer.kind === 'citizen' ? 'CITIZEN' : 'PERSONNEL'] as const)),
      bootstrapAdmin: config.bootstrapAdmin,
      endedPlanReadDays: config.endedPlanReadDays,
      evaluationVersions,
      accessLogWriter: new AccessLogWriter(orm),
      planReads,
    };
    const actors = new ActorCache(events);
    undo.push({ step: 'actor-cache', run: async () => actors.dispose() });
    const authenticator = createAuthenticator(orm, createTokenVerifier(trusted), deps, logger, actors);
    const schema = buildSchema();
    const limits = createGraphQLLimits(config.graphql, { production });
    const rateLimit = await createGraphQLRateLimit({ ...config.graphql.rateLimit, redisUrl: config.cluster.redisUrl, keyPrefix: config.cluster.channelPrefix });
    undo.push({ step: 'graphql-rate-limit', run: () => rateLimit.dispose() });

    const expressApp = express();
    const server = http.createServer(expressApp);
    const collab = createCollabEndpoint({
      hub,
      authenticator,
      orm,
      logger,
      clock,
      maxConnectionsPerPerson: config.connections.maxPerPerson,
      apiUrl: config.apiUrl,
      pingIntervalMs: config.connections.collabPingIntervalMs,
      accessLog: deps.accessLogWriter,
    });
    // After the database in `undo`, so it runs before it: every document is committed and snapshotted first.
    undo.push({
      step: 'live-documents',
      run: async () => {
        await collab.dispose();
        await hub.dispose();
      },
    });
    // Pushed after the documents, so it stops first: a FINAL record being written reads its document.
    const finalArchiver = new FinalArchiver({ orm, hub, events, clock, logger });
    undo.push({ step: 'final-archiver', run: () => finalArchiver.dispose() });
    // Pushed after the documents too: a version being saved reads them.
    undo.push({ step: 'evaluation-versions', run: () => evaluationVersions.dispose() });
    // Plans queued for their dates to be read again, in the background; stopped before the documents go.
    planDeadlines.start();
    undo.push({ step: 'deadline-resync', run: () => planDeadlines.stopResync() });
    await finalArchiver.start();
    const subscriptions = startSubscriptionServer({
      path: '/graphql',
      schema,
      authenticator,
      contextFor: (actor) => createContext(orm, deps, actor),
      logger,
      production,
      limits,
      maxConnectionsPerPerson: config.connections.maxPerPerson,
      apiUrl: config.apiUrl,
    });
    routeUpgrades(server, { allowedOrigins: config.allowedOrigins, routes: [subscriptions, collab], logger });
    metrics.watch({
      connections: () => ({ graphqlWs: subscriptions.stats().connections, collab: collab.stats().connections }),
      loadedDocuments: () => hub.loadedDocuments(),
      restingDocuments: () => hub.restingDocuments(),
      quarantinedParts: () => hub.store.quarantinedParts,
      outboxBacklog: () => outboxBacklog(orm, clock.now()),
    }, logger);
    const apollo = createApollo({ schema, httpServer: server, logger, production, drainSubscriptions: subscriptions.dispose, stopGracePeriodMillis: config.shutdownTimeoutMs, limits, observe: graphqlOperationsPlugin(metrics) });
    await apollo.start();
    // Apollo's drain closes the HTTP server and graphql-ws; it goes after the database in `undo`, so it runs first.
    undo.push({ step: 'http-and-websockets', run: () => apollo.stop() });
    // Pushed after, so it runs first: Apollo's drain ends every socket without a request, upgraded
    // ones included, with no close frame (editors would see 1006); they get 1001 first.
    undo.push({ step: 'live-connections', run: () => collab.dispose() });

    expressApp.disable('x-powered-by');
    expressApp.use(httpLogger(logger));
    const scrape = metricsRoute(metrics.registry, config.metrics);
    if (scrape) expressApp.use(scrape);
    expressApp.use(healthRoutes(orm, logger));
    expressApp.use(schemaRoutes());
    expressApp.use(webAppRoutes(options.webAppDir));
    expressApp.use(CORS_PATHS, ...httpCors(config.allowedOrigins));
    expressApp.use(signInOptionsRoutes(config.issuers, devIssuer !== null));
    if (devIssuer) expressApp.use(devAuthRoutes(devIssuer));
    // Before Apollo: a browser's GET /graphql gets the IDE, everything else GraphQL.
    if (config.graphqlIde) expressApp.use(graphiqlRoutes());
    expressApp.use(
      '/graphql',
      express.json({ limit: '1mb' }),
      withRequestScope(),
      expressMiddleware(apollo, {
        context: async ({ req }) =>
          createContext(orm, deps, await rateLimit.admit(req.ip, () => authenticator.actorFromAuthorization(req.headers.authorization, proofTargetOf(req, config.apiUrl)))),
      }),
    );
    expressApp.use(archiveRoutes({ orm, authenticator, clock, logger, endedPlanReadDays: config.endedPlanReadDays, apiUrl: config.apiUrl }));
    expressApp.use(bodyErrorHandler(logger));

    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(portInUse(error, 'PORT', config.host, config.port)));
      server.listen(config.port, config.host, () => resolve());
    });
    scheduler.start();
    // After the database in `undo`, so it runs before it: no deadline fires into a closing pool.
    undo.push({ step: 'scheduler', run: () => scheduler.stop() });
    const notificationWorker = createNotificationWorker(config, { orm, clock, logger, onOutcome: metrics.notificationOutcome });
    if (notificationWorker) {
      notificationWorker.start();
      // After the database in `undo`, so it runs before it: deliveries in flight are aborted and left to their lease.
      undo.push({ step: 'notification-worker', run: () => notificationWorker.stop() });
    }
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const metricsServer = await startMetricsServer(metrics.registry, config.metrics, config.host, logger).catch((error: unknown) => {
      throw portInUse(error, 'METRICS_PORT', config.host, config.metrics.port ?? 0);
    });
    if (metricsServer) undo.push({ step: 'metrics-server', run: () => metricsServer.close() });
    const metricsUrl = metricsServer?.url ?? (scrape ? `${url}/metrics` : null);
    logger.info({ event: 'server.started', url, graphql: `${url}/graphql`, devAuth: config.devAuth, database: config.database.kind });

    let disposing: Promise<void> | undefined;
    return {
      server,
      url,
      orm,
      authenticator,
      logger,
      scheduler,
      settleDeadlines: () => planDeadlines.settle(),
      notificationWorker,
      metricsUrl,
      connectionStats: () => ({ eventListeners: events.listenerCount(), graphqlWs: subscriptions.stats(), collab: collab.stats() }),
      dispose: () =>
        (disposing ??= (async () => {
          logger.info({ event: 'server.stopping' });
          await runUndo();
          logger.info({ event: 'server.stopped' });
        })()),
    };
  } catch (error) {
    await runUndo();
    throw error;
  }
}

import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerObserver } from '../casework/deadline.scheduler.js';
import type { DocumentObserver } from '../documents/document-metrics.js';
import type { DocumentPart } from '../documents/document.template.js';
import type { Logger } from '../logging/logger.js';
import type { OutboxBacklog } from '../notifications/notification.backlog.js';
import type { DeliveryOutcome } from '../notifications/notification.worker.js';
import type { PlanRowsSource } from '../plans/plan-read-cache.js';

/** Where the figures read at scrape time come from; each is asked only when Prometheus scrapes. */
export interface MetricSources {
  connections(): { graphqlWs: number; collab: number };
  loadedDocuments(): Record<DocumentPart, number>;
  restingDocuments(): Record<DocumentPart, number>;
  quarantinedParts(): number;
  outboxBacklog(): Promise<OutboxBacklog>;
}

/** The part of a tarn pool (knex's, under MikroORM) the pool metrics need. */
export interface ObservedPool {
  on(event: 'acquireRequest' | 'acquireFail', listener: (eventId: number) => void): unknown;
  on(event: 'acquireSuccess', listener: (eventId: number, resource: unknown) => void): unknown;
  numPendingAcquires(): number;
  numUsed(): number;
  numFree(): number;
}

/** Label values a GraphQL operation is filed under, bounded (src/metrics/graphql-operations.plugin.ts). */
export interface OperationLabels {
  operationName: string;
  operationType: 'query' | 'mutation' | 'subscription' | 'unknown';
  outcome: 'success' | 'error';
}

const SECONDS_FAST = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SECONDS_REQUEST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 400];

/**
 * This app instance's metrics, in a registry of its own (tests start several apps in one process,
 * and prom-client's default registry is global). The parts of the server are handed observers
 * (`documents`, `scheduler`, `notificationOutcome`) and never import prom-client themselves;
 * figures that already exist somewhere (connections, loaded documents, the outbox) are read when
 * Prometheus scrapes. Every metric is listed in docs/operations.md.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly #updatesAccepted = new Counter({ name: 'samplan_document_updates_accepted_total', help: 'Changes to plan documents that passed inspection and the policy, by door (live: /collab; server: GraphQL and the server\'s own moves).', labelNames: ['door'] as const, registers: [this.registry] });
  readonly #updatesRefused = new Counter({ name: 'samplan_document_updates_refused_total', help: 'Changes to plan documents refused, by reason (forbidden, invalid, wrong_document, document_full, incomplete) and door.', labelNames: ['reason', 'door'] as const, registers: [this.registry] });
  readonly #commitSeconds = new Histogram({ name: 'samplan_document_commit_duration_seconds', help: 'From a document\'s batch of accepted changes leaving memory to its commit returning (group commit included).', buckets: SECONDS_FAST, registers: [this.registry] });
  readonly #commitEntries = new Histogram({ name: 'samplan_document_commit_batch_entries', help: 'Changes in one document\'s committed batch.', buckets: COUNTS, registers: [this.registry] });
  readonly #groupSeconds = new Histogram({ name: 'samplan_document_group_commit_duration_seconds', help: 'One group-commit statement (the changes of many documents in one round trip), by outcome.', labelNames: ['outcome'] as const, buckets: SECONDS_FAST, registers: [this.registry] });
  readonly #groupDocuments = new Histogram({ name: 'samplan_document_group_commit_documents', help: 'Documents whose batches shared one group-commit statement.', buckets: COUNTS, registers: [this.registry] });
  readonly #groupEntries = new Histogram({ name: 'samplan_document_group_commit_entries', help: 'Changes written by one group-commit statement.', buckets: COUNTS, registers: [this.registry] });
  readonly #syncAnswers = new Counter({ name: 'samplan_document_sync_answers_total', help: 'Sync answers to joining clients, by whether each was encoded from the document or served from memory (an earlier joiner with the same state vector, or the snapshot the document was loaded from).', labelNames: ['source'] as const, registers: [this.registry] });
  readonly #wakes = new Counter({ name: 'samplan_document_wakes_total', help: 'Resting documents that built their Y.Doc again to be changed or read (DOC_REST_AFTER_MS): many against few edits means documents rest too soon.', registers: [this.registry] });
  readonly #planReads = new Counter({ name: 'samplan_plan_reads_total', help: "plan(id) reads of GraphQL queries, by where the plan's rows came from: kept (an earlier read's, no statement of its own) or read (from the database).", labelNames: ['source'] as const, registers: [this.registry] });
  readonly #operationSeconds = new Histogram({ name: 'samplan_graphql_operation_duration_seconds', help: 'GraphQL operations over HTTP, from request to response, by operation name (anonymous, unknown and other collapse), type and outcome.', labelNames: ['operation_name', 'operation_type', 'outcome'] as const, buckets: SECONDS_REQUEST, registers: [this.registry] });
  readonly #hotReadWait = new Histogram({ name: 'samplan_db_hot_read_wait_seconds', help: "Time a hot read waited for a connection of its own pool.", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers: [this.registry] });
  readonly #poolWait = new Histogram({ name: 'samplan_db_pool_acquire_wait_seconds', help: 'Time a query waited for a connection of the database pool.', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers: [this.registry] });
  readonly #poolFailures = new Counter({ name: 'samplan_db_pool_acquire_failures_total', help: 'Connection requests the database pool could not serve (timed out or the connection failed).', registers: [this.registry] });
  readonly #deliveries = new Counter({ name: 'samplan_notification_deliveries_total', help: 'Notification delivery attempts by outcome (delivered, retry: failed and rescheduled, failed: given up).', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly #roundLate = new Histogram({ name: 'samplan_scheduler_round_lateness_seconds', help: 'How late the deadline scheduler\'s timed rounds started against their plan (event-loop and round overruns).', buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60], registers: [this.registry] });
  readonly #firingLate = new Histogram({ name: 'samplan_deadline_firing_lateness_seconds', help: 'How long after its due (or warning) time a deadline fired, by phase.', labelNames: ['phase'] as const, buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 86_400], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Handed to the document core (DocumentHubDeps.observer). */
  readonly documents: DocumentObserver = {
    updateAccepted: (door) => this.#updatesAccepted.inc({ door }),
    updateRefused: (reason, door) => this.#updatesRefused.inc({ reason, door }),
    batchCommitted: (seconds, entries) => {
      this.#commitSeconds.observe(seconds);
      this.#commitEntries.observe(entries);
    },
    groupCommitted: (seconds, documents, entries, ok) => {
      this.#groupSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
      this.#groupDocuments.observe(documents);
      this.#groupEntries.observe(entries);
    },
    syncAnswered: (how) => this.#syncAnswers.inc({ source: how }),
    documentWoke: () => this.#wakes.inc(),
  };

  /** Handed to the deadline scheduler. */
  readonly scheduler: SchedulerObserver = {
    roundLate: (seconds) => this.#roundLate.observe(seconds),
    fired: (phase, lateSeconds) => this.#firingLate.observe({ phase }, lateSeconds),
  };

  /** Handed to the notification worker. */
  readonly notificationOutcome = (outcome: DeliveryOutcome): void => {
    this.#deliveries.inc({ outcome });
  };

  /** Handed to the plan read cache (src/plans/plan-read-cache.ts): one call per `plan(id)` of a query. */
  readonly planRead = (source: PlanRowsSource): void => {
    this.#planReads.inc({ source });
  };

  /** Called by the Apollo plugin once per operation. */
  graphqlOperation(labels: OperationLabels, seconds: number): void {
    this.#operationSeconds.observe({ operation_name: labels.operationName, operation_type: labels.operationType, outcome: labels.outcome }, seconds);
  }

  /** Gauges read at scrape time. A source that fails (the database down) keeps its last value and is logged at debug. */
  watch(sources: MetricSources, logger: Logger): void {
    const registers = [this.registry];
    new Gauge({
      name: 'samplan_open_connections', help: 'Open WebSocket connections admitted at each door (graphql-ws on /graphql, y-websocket on /collab).', labelNames: ['door'] as const, registers,
      collect() {
        const open = sources.connections();
        this.set({ door: 'graphql-ws' }, open.graphqlWs);
        this.set({ door: 'collab' }, open.collab);
      },
    });
    new Gauge({
      name: 'samplan_documents_loaded', help: 'Plan documents held in memory on this server, by part (main, restricted).', labelNames: ['part'] as const, registers,
      collect() {
        for (const [part, count] of Object.entries(sources.loadedDocuments())) this.set({ part }, count);
      },
    });
    new Gauge({
      name: 'samplan_documents_resting', help: 'Loaded plan documents resting on this server, by part: quiet, their committed state kept encoded instead of as a Y.Doc.', labelNames: ['part'] as const, registers,
      collect() {
        for (const [part, count] of Object.entries(sources.restingDocuments())) this.set({ part }, count);
      },
    });
    new Counter({
      name: 'samplan_document_quarantined_parts_total', help: 'Parts of stored documents this server set aside on load because they no longer integrate (docs/deployment.md).', registers,
      collect() {
        this.reset();
        this.inc(sources.quarantinedParts());
      },
    });
    // One read of the outbox serves its three gauges in a scrape.
    let backlog: Promise<OutboxBacklog | null> | null = null;
    const readBacklog = () => (backlog ??= sources.outboxBacklog().catch((error: unknown) => {
      logger.debug({ event: 'metrics.collect_failed', source: 'notification_outbox', err: error });
      return null;
    }).finally(() => setImmediate(() => (backlog = null))));
    const outboxGauge = (name: string, help: string, pick: (value: OutboxBacklog) => number) =>
      new Gauge({
        name, help, registers,
        async collect() {
          const value = await readBacklog();
          if (value) this.set(pick(value));
        },
      });
    outboxGauge('samplan_notification_outbox_pending', 'Notifications waiting to be sent (PENDING), due or not.', (value) => value.pending);
    outboxGauge('samplan_notification_outbox_due', 'PENDING notifications whose next attempt is due now.', (value) => value.due);
    outboxGauge('samplan_notification_outbox_oldest_due_seconds', 'How long the longest-waiting due notification has been due.', (value) => value.oldestDueSeconds);
  }

  /** A hot read waited `seconds` for a connection of its pool (src/db/prepared-statements.ts). */
  hotReadWaited(seconds: number): void {
    this.#hotReadWait.observe(seconds);
  }

  /** Reads the hot reads' pool at scrape time; `current` is null until its first read opens it. */
  watchHotReads(current: () => HotReadPool | null): void {
    const registers = [this.registry];
    new Gauge({
      name: 'samplan_db_hot_read_connections', help: "Connections of the hot reads' pool (generic plans), by state (used, free).", labelNames: ['state'] as const, registers,
      collect() {
        const pool = current();
        this.set({ state: 'used' }, pool ? pool.totalCount - pool.idleCount : 0);
        this.set({ state: 'free' }, pool?.idleCount ?? 0);
      },
    });
    new Gauge({
      name: 'samplan_db_hot_read_pending', help: "Hot reads waiting for a connection of their pool now.", registers,
      collect() {
        this.set(current()?.waitingCount ?? 0);
      },
    });
  }

  /** Times every wait for a connection of `pool` and reads its queue at scrape time. */
  watchPool(pool: ObservedPool): void {
    const requested = new Map<number, number>();
    pool.on('acquireRequest', (eventId) => requested.set(eventId, performance.now()));
    pool.on('acquireSuccess', (eventId) => {
      const started = requested.get(eventId);
      requested.delete(eventId);
      if (started !== undefined) this.#poolWait.observe((performance.now() - started) / 1000);
    });
    pool.on('acquireFail', (eventId) => {
      requested.delete(eventId);
      this.#poolFailures.inc();
    });
    const registers = [this.registry];
    new Gauge({
      name: 'samplan_db_pool_pending_acquires', help: 'Queries waiting for a connection of the database pool now.', registers,
      collect() {
        this.set(pool.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'samplan_db_pool_connections', help: 'Connections of the database pool, by state (used, free).', labelNames: ['state'] as const, registers,
      collect() {
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
      },
    });
  }
}

/** What the hot reads' pool shows of itself (a `pg` pool: src/db/prepared-statements.ts). */
export interface HotReadPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The pool MikroORM's knex draws connections from (src/db/orm.ts sets its size); null if it has none. */
export function connectionPoolOf(orm: MikroORM): ObservedPool | null {
  return (orm.em.getConnection().getKnex().client as { pool?: ObservedPool }).pool ?? null;
}

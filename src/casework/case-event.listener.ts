import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { caseEventFromRow, type CaseEventRow } from './case-event.read.js';

const CHANNEL = 'samplan_case_event';
const RETRY_MAX_MS = 10_000;

/**
 * Hears every committed case event, whichever server wrote it, and publishes it on this server's
 * EventBus for the caseEvents subscription. A trigger on `case_event` calls pg_notify, which
 * PostgreSQL delivers only when the inserting transaction commits. The connection is reopened
 * with backoff when it drops; events of that gap stay queryable through the dashboard's
 * `recentEvents`.
 */
export class CaseEventListener {
  #client: pg.Client | null = null;
  #stopped = false;
  #retryMs = 200;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { databaseUrl: string; orm: MikroORM; events: EventBus; logger: Logger }) {}

  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.deps.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) void this.#deliver(message.payload);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.#client = client;
    this.#retryMs = 200;
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = null;
    this.deps.logger.warn({ event: 'case_events.listener_lost', err: error });
    void client.end().catch(() => undefined);
    const retry = () => {
      this.#retryTimer = null;
      if (this.#stopped) return;
      this.#connect().catch((reason: unknown) => {
        this.deps.logger.warn({ event: 'case_events.listener_retry_failed', err: reason });
        this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
        this.#retryTimer = setTimeout(retry, this.#retryMs).unref();
      });
    };
    this.#retryTimer = setTimeout(retry, this.#retryMs).unref();
  }

  async #deliver(id: string): Promise<void> {
    try {
      const [row] = await this.deps.orm.em.fork().execute<CaseEventRow[]>('select * from "case_event" where "id" = ?', [id]);
      if (row) this.deps.events.publish('caseEvent', caseEventFromRow(row));
    } catch (error) {
      this.deps.logger.warn({ event: 'case_events.read_failed', id, err: error });
    }
  }
}

import { Redis } from 'ioredis';
import type { DocumentHub, DocumentReplication } from '../documents/document-hub.js';
import type { LoggedUpdate } from '../documents/document.store.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import {
  channelsFor,
  decodeDocumentMessage,
  decodePresenceMessage,
  encodeDocumentMessage,
  encodePresenceMessage,
} from './cluster-messages.js';
import { EventRelay } from './event-relay.js';

export interface ClusterOptions {
  /** redis:// or rediss:// URL of the Redis that carries messages between servers. */
  redisUrl: string;
  /** This server's id, to recognise (and skip) its own messages. */
  serverId: string;
  /** Starts every channel name: one deployment's servers share it. */
  channelPrefix: string;
  events: EventBus;
  logger: Logger;
}

/**
 * Several servers on one database: what one server commits, and the presence and events its
 * connections cause, reach the others through Redis pub/sub. Redis carries nothing PostgreSQL
 * does not hold: a message lost while Redis is down is repaired from the log when the link
 * comes back (and on the next message after a gap), so a publish that fails is only logged.
 */
export class Cluster implements DocumentReplication {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #relay: EventRelay;
  readonly #channels: ReturnType<typeof channelsFor>;
  #hub: DocumentHub | null = null;
  #connected = false;
  /** Counts the times the subscription stood again: events published while it did not may be lost. */
  #links = 0;
  #stopped = false;

  constructor(private readonly options: ClusterOptions) {
    this.#channels = channelsFor(options.channelPrefix);
    const common = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 2_000) };
    // No offline queue for publishing: a message that cannot go now is repaired from the log later.
    this.#publisher = new Redis(options.redisUrl, { ...common, enableOfflineQueue: false, connectionName: `samplan-pub-${options.serverId}` });
    // Subscribed by hand on every ready, so the resync runs only once the subscription stands.
    this.#subscriber = new Redis(options.redisUrl, { ...common, autoResubscribe: false, connectionName: `samplan-sub-${options.serverId}` });
    this.#relay = new EventRelay({ events: options.events, serverId: options.serverId, publish: (message) => this.#publish(this.#channels.events, message) });
    for (const connection of [this.#publisher, this.#subscriber]) {
      // ioredis reconnects on its own; errors are reported through `close` below.
      connection.on('error', () => undefined);
    }
    this.#subscriber.on('ready', () => void this.#subscribed());
    this.#subscriber.on('close', () => {
      if (!this.#connected || this.#stopped) return;
      this.#connected = false;
      options.logger.warn({ event: 'cluster.redis_disconnected', serverId: options.serverId });
    });
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message));
  }

  /** Starts sharing `hub`'s documents. Resolves once connected, or at once if Redis is not reachable yet. */
  async start(hub: DocumentHub): Promise<void> {
    this.#hub = hub;
    this.#relay.start();
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]).catch((error: unknown) => {
      this.options.logger.warn({ event: 'cluster.redis_unreachable', serverId: this.options.serverId, err: error });
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#relay.stop();
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  /**
   * Which unbroken stretch of hearing the other servers' events this is: a number that changes each
   * time the subscription stands again after Redis was out of reach, or null while it does not. What
   * is kept on the strength of events (src/plans/plan-read-cache.ts) is trusted only within one.
   */
  link(): number | null {
    return this.#connected ? this.#links : null;
  }

  publishCommitted(planId: string, change: LoggedUpdate): void {
    this.#publish(this.#channels.document, encodeDocumentMessage({ origin: this.options.serverId, planId, change }));
  }

  publishPresence(planId: string, update: Uint8Array): void {
    this.#publish(this.#channels.presence, encodePresenceMessage({ origin: this.options.serverId, planId, update }));
  }

  async #subscribed(): Promise<void> {
    try {
      await this.#subscriber.subscribe(...Object.values(this.#channels));
    } catch (error) {
      // The connection dropped again; the next `ready` tries again.
      this.options.logger.warn({ event: 'cluster.redis_subscribe_failed', serverId: this.options.serverId, err: error });
      return;
    }
    this.#connected = true;
    this.#links += 1;
    this.options.logger.info({ event: 'cluster.redis_connected', serverId: this.options.serverId });
    // Whatever was published while this server was not listening is in the log.
    const started = Date.now();
    await this.#hub?.resyncAll();
    this.options.logger.info({ event: 'cluster.resynced', serverId: this.options.serverId, ms: Date.now() - started });
  }

  #publish(channel: string, message: Buffer | string): void {
    if (this.#stopped) return;
    this.#publisher.publish(channel, message).catch((error: unknown) => {
      this.options.logger.debug({ event: 'cluster.publish_failed', channel, err: error });
    });
  }

  #receive(channel: string, message: Buffer): void {
    try {
      if (channel === this.#channels.document) {
        const decoded = decodeDocumentMessage(message);
        if (decoded && decoded.origin !== this.options.serverId) this.#hub?.receiveCommitted(decoded.planId, decoded.change);
      } else if (channel === this.#channels.presence) {
        const decoded = decodePresenceMessage(message);
        if (decoded && decoded.origin !== this.options.serverId) this.#hub?.receivePresence(decoded.planId, decoded.update);
      } else if (channel === this.#channels.events) {
        this.#relay.receive(message.toString('utf8'));
      }
    } catch (error) {
      this.options.logger.warn({ event: 'cluster.message_malformed', channel, err: error });
    }
  }
}

import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as encoding from 'lib0/encoding';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionStats } from '../src/app/create-app.js';
import { ERROR_TABLE } from '../src/errors/error-codes.js';
import { connectEditor, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/** Connections that end, however they end, leave nothing behind; one person cannot hold unbounded connections. */

const PING_MS = 400;
const TOO_MANY = ERROR_TABLE.TOO_MANY_REQUESTS.wsCloseCode;
const CAP = 3;

const PARTICIPANTS = 'subscription($p: ID!) { participantsChanged(planId: $p) { planId } }';
const PLAN_CHANGED = 'subscription($p: ID!) { planChanged(planId: $p) { seq } }';
const CASE_EVENTS = 'subscription($u: ID!) { caseEvents(unitId: $u) { id } }';

interface GqlConnection {
  client: Client;
  closes: number[];
  /** The client's socket once the server has acknowledged it. */
  socket(): WebSocket | null;
  /** Starts a subscription; returns what stops it (graphql-ws sends `complete`). */
  subscribe(query: string, variables: Record<string, unknown>): () => void;
}

function gqlConnection(t: TestApp, token: string): GqlConnection {
  let socket: WebSocket | null = null;
  const closes: number[] = [];
  const client = createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { token },
    lazy: false,
    retryAttempts: 0,
    on: { connected: (connected) => (socket = connected as WebSocket), closed: (event) => closes.push((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closes,
    socket: () => socket,
    subscribe: (query, variables) => client.subscribe({ query, variables }, { next: () => undefined, error: () => undefined, complete: () => undefined }),
  };
}

interface RawCollab {
  socket: WebSocket;
  /** Server messages so far: the first (sync step 1) proves the connection was admitted. */
  messages: number;
  pings: number;
  closed: Promise<number>;
}

/** A raw socket at /collab; `autoPong: false` makes a peer that has gone silent without closing. */
function rawCollab(t: TestApp, planId: string, token: string, options: { autoPong?: boolean } = {}): RawCollab {
  const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/collab/${planId}?token=${encodeURIComponent(token)}`, { autoPong: options.autoPong ?? true });
  const raw: RawCollab = { socket, messages: 0, pings: 0, closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))) };
  socket.on('message', () => (raw.messages += 1));
  socket.on('ping', () => (raw.pings += 1));
  socket.on('error', () => undefined);
  return raw;
}

/** y-websocket awareness for one made-up client id. */
function awareness(clientId: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, 1);
  encoding.writeVarString(inner, JSON.stringify(state));
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, 1);
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
  return encoding.toUint8Array(outer);
}

const idle = (listeners: number): ConnectionStats => ({
  eventListeners: listeners,
  graphqlWs: { connections: 0, expiryTimers: 0 },
  collab: { connections: 0, sockets: 0, expiryTimers: 0 },
});

describe('connection lifecycle', () => {
  let t: TestApp;
  let owner: SeededPerson;
  let relative: SeededPerson;
  let staff: SeededPerson;
  let plan: SeededPlan;
  let unitId: string;
  /** Event-bus listeners of the server itself, with nobody connected. */
  let base: number;

  beforeAll(async () => {
    t = await startTestApp({ MAX_CONNECTIONS_PER_PERSON: String(CAP), COLLAB_PING_INTERVAL_MS: String(PING_MS) });
    const seed = seedFor(t);
    owner = await seed.citizen('life-owner');
    relative = await seed.citizen('life-relative');
    const unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
    unitId = unit.id;
    staff = await seed.staff('life-kari', unit.id);
    plan = await seed.plan().withOwner(owner).withRelative(relative).create();
    base = t.app.connectionStats().eventListeners;
  });
  afterAll(() => t?.close());

  /** One round: CAP owner connections (participantsChanged + planChanged) and CAP staff connections (caseEvents), all live. */
  async function openRound(): Promise<{ connections: GqlConnection[]; stops: Array<() => void> }> {
    const connections = [
      ...Array.from({ length: CAP }, () => gqlConnection(t, owner.token)),
      ...Array.from({ length: CAP }, () => gqlConnection(t, staff.token)),
    ];
    const stops = connections.flatMap((connection, index) => index < CAP
      ? [connection.subscribe(PARTICIPANTS, { p: plan.id }), connection.subscribe(PLAN_CHANGED, { p: plan.id })]
      : [connection.subscribe(CASE_EVENTS, { u: unitId })]);
    // participantsChanged and planChanged: 2 listeners each (their events and their access watch); caseEvents: 1.
    await vi.waitFor(() => expect(t.app.connectionStats()).toEqual({
      ...idle(base + CAP * 4 + CAP),
      graphqlWs: { connections: 2 * CAP, expiryTimers: 2 * CAP },
    }), { timeout: 10_000 });
    return { connections, stops };
  }

  it('gives back every listener and timer when subscribers complete, and when they vanish', async () => {
    const rounds = 5;
    for (let round = 0; round < rounds; round += 1) {
      const { connections, stops } = await openRound();
      for (const stop of stops) stop();
      // Completed subscriptions release their listeners while their connections stay open.
      await vi.waitFor(() => expect(t.app.connectionStats()).toEqual({ ...idle(base), graphqlWs: { connections: 2 * CAP, expiryTimers: 2 * CAP } }));
      await Promise.all(connections.map((connection) => connection.client.dispose()));
      await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(base)));
    }
    for (let round = 0; round < rounds; round += 1) {
      const { connections } = await openRound();
      // No complete, no close frame: the TCP connection just ends.
      for (const connection of connections) connection.socket()!.terminate();
      await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(base)));
      await Promise.all(connections.map((connection) => connection.client.dispose()));
    }
  });

  it('drops a live editor that stops answering pings, and its presence with it', async () => {
    const reader: Editor = connectEditor(t, plan.id, owner.token);
    try {
      await reader.synced();
      const silent = rawCollab(t, plan.id, relative.token, { autoPong: false });
      await new Promise((resolve) => silent.socket.once('open', resolve));
      silent.socket.send(awareness(515151, { cursor: 1 }));
      await vi.waitFor(() => expect(reader.provider.awareness.getStates().has(515151)).toBe(true));
      const seenAt = Date.now();
      let droppedAt = 0;
      void silent.closed.then(() => (droppedAt = Date.now()));
      // Two intervals after it last answered, at most; a little slack for a busy machine.
      await vi.waitFor(() => expect(droppedAt).toBeGreaterThan(0), { timeout: 2 * PING_MS + 1_500, interval: 20 });
      console.info(`silent peer dropped ${droppedAt - seenAt} ms after it was seen (ping interval ${PING_MS} ms, pings it ignored: ${silent.pings})`);
      expect(silent.pings).toBeGreaterThan(0);
      await vi.waitFor(() => expect(reader.provider.awareness.getStates().has(515151)).toBe(false));
      // The honest editor answered the same pings and is still connected.
      expect(reader.provider.wsconnected).toBe(true);
      expect(reader.closes).toEqual([]);
      expect(t.app.connectionStats().collab).toEqual({ connections: 1, sockets: 1, expiryTimers: 1 });
    } finally {
      reader.destroy();
    }
    await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(base)));
  });

  it('refuses a person’s connection beyond the cap with 4429 over graphql-ws, and counts closes back down', async () => {
    const open = Array.from({ length: CAP }, () => gqlConnection(t, owner.token));
    await vi.waitFor(() => expect(open.every((connection) => connection.socket())).toBe(true));
    const extra = gqlConnection(t, owner.token);
    const other = gqlConnection(t, relative.token);
    try {
      await vi.waitFor(() => expect(extra.closes).toEqual([TOO_MANY]));
      await vi.waitFor(() => expect(other.socket()).not.toBeNull());
      await open.shift()!.client.dispose();
      await vi.waitFor(() => expect(t.app.connectionStats().graphqlWs.connections).toBe(CAP));
      const again = gqlConnection(t, owner.token);
      open.push(again);
      await vi.waitFor(() => expect(again.socket()).not.toBeNull());
      expect(again.closes).toEqual([]);
    } finally {
      await Promise.all([...open, extra, other].map((connection) => connection.client.dispose()));
    }
    await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(base)));
  });

  it('refuses a person’s connection beyond the cap with 4429 at /collab, and counts closes back down', async () => {
    const open = Array.from({ length: CAP }, () => rawCollab(t, plan.id, owner.token));
    await vi.waitFor(() => expect(open.every((raw) => raw.messages > 0)).toBe(true));
    const extra = rawCollab(t, plan.id, owner.token);
    const other = rawCollab(t, plan.id, relative.token);
    expect(await extra.closed).toBe(TOO_MANY);
    await vi.waitFor(() => expect(other.messages).toBeGreaterThan(0));
    const first = open.shift()!;
    first.socket.close();
    await first.closed;
    await vi.waitFor(() => expect(t.app.connectionStats().collab.connections).toBe(CAP));
    const again = rawCollab(t, plan.id, owner.token);
    open.push(again);
    await vi.waitFor(() => expect(again.messages).toBeGreaterThan(0));
    for (const raw of [...open, other]) raw.socket.close();
    await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(base)));
  });
});

describe('a server under connection churn, then shutdown', () => {
  let t: TestApp;
  let owner: SeededPerson;
  let plan: SeededPlan;

  beforeAll(async () => {
    t = await startTestApp({ MAX_CONNECTIONS_PER_PERSON: '1000' });
    const seed = seedFor(t);
    owner = await seed.citizen('churn-owner');
    plan = await seed.plan().withOwner(owner).create();
  });
  afterAll(() => t?.close());

  /** One wave: `size` graphql-ws clients (two subscriptions each) and `size` live-document sockets, half of each dropped abruptly. */
  async function wave(size: number): Promise<void> {
    const subscribers = Array.from({ length: size }, () => gqlConnection(t, owner.token));
    for (const subscriber of subscribers) {
      subscriber.subscribe(PARTICIPANTS, { p: plan.id });
      subscriber.subscribe(PLAN_CHANGED, { p: plan.id });
    }
    const editors = Array.from({ length: size }, () => rawCollab(t, plan.id, owner.token));
    await vi.waitFor(() => {
      const stats = t.app.connectionStats();
      expect(stats.graphqlWs.connections).toBe(size);
      expect(stats.collab.connections).toBe(size);
      expect(editors.every((editor) => editor.messages > 0)).toBe(true);
    }, { timeout: 20_000, interval: 50 });
    subscribers.forEach((subscriber, index) => (index % 2 ? subscriber.socket()!.terminate() : void subscriber.client.dispose()));
    editors.forEach((editor, index) => (index % 2 ? editor.socket.terminate() : editor.socket.close()));
    await Promise.all(editors.map((editor) => editor.closed));
    await Promise.all(subscribers.map((subscriber) => subscriber.client.dispose()));
  }

  it('holds nothing after hundreds of connections have come and gone, half of them abruptly', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const listeners = t.app.connectionStats().eventListeners;
    await wave(20); // warm caches and code paths before the baseline
    await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(listeners)));
    const before = heapUsed();
    const waves = 4;
    const size = 50;
    for (let index = 0; index < waves; index += 1) {
      await wave(size);
      await vi.waitFor(() => expect(t.app.connectionStats()).toEqual(idle(listeners)));
    }
    const after = heapUsed();
    const growth = after - before;
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.info(`churn: ${waves * size * 2} connections (half abrupt); heap used ${mb(before)} MB before, ${mb(after)} MB after, growth ${mb(growth)} MB (${Math.round(growth / (waves * size * 2))} bytes a connection)`);
    // Loose: the exact counts above are the real check; a leak of the reported ~30 KB a connection would be ~12 MB here.
    expect(growth).toBeLessThan(6 * 1024 * 1024);
  });

  it('closes live editors with 1001 when the server stops', async () => {
    const editor = connectEditor(t, plan.id, owner.token);
    const codes: number[] = [];
    editor.provider.on('connection-close', (event) => codes.push(event?.code ?? -1));
    try {
      await editor.synced();
      await t.close();
      await vi.waitFor(() => expect(codes[0]).toBe(1001));
    } finally {
      editor.destroy();
    }
  });
});

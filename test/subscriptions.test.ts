import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCode } from './helpers/graphql.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const SUBSCRIPTION = 'subscription($planId: ID!) { participantsChanged(planId: $planId) { planId change participantId planVersion participant { role person { id } } } }';

describe('subscriptions over graphql-ws', () => {
  let t: TestApp;
  let seed: ReturnType<typeof seedFor>;
  let plans: ReturnType<typeof plansFor>;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    seed = seedFor(t);
    plans = plansFor(t);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t?.close());

  /** A real graphql-ws client that records how its socket closed. */
  function connect(connectionParams: Record<string, unknown> | undefined) {
    const closes: Array<{ code: number; reason: string }> = [];
    const client = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      on: { closed: (event) => closes.push(event as { code: number; reason: string }) },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    return { client, closes };
  }

  function subscribe(client: Client, planId: string) {
    const events: any[] = [];
    const errors: unknown[] = [];
    let completed = false;
    const unsubscribe = client.subscribe(
      { query: SUBSCRIPTION, variables: { planId } },
      { next: (value) => events.push(value), error: (error) => errors.push(error), complete: () => (completed = true) },
    );
    return { events, errors, unsubscribe, isComplete: () => completed };
  }

  /** The subscription is live once the server has registered it: add fresh relatives until an event arrives. */
  async function addUntilHeard(owner: SeededPerson, planId: string, subscription: { events: unknown[] }): Promise<string[]> {
    const added: string[] = [];
    await vi.waitFor(async () => {
      if (!subscription.events.length) {
        const who = await seed.citizen(`relative-${Math.random().toString(36).slice(2)}`);
        await plans.addParticipant(owner, { planId, role: 'RELATIVE', person: { id: who.id } });
        added.push(who.id);
      }
      expect(subscription.events.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 200 });
    return added;
  }

  it('delivers a participant change made over HTTP to a subscriber with a valid token', async () => {
    const owner = await seed.citizen('sub-owner');
    const plan = await seed.plan().withOwner(owner).create();
    const { client } = connect({ token: owner.token });
    const subscription = subscribe(client, plan.id);
    const added = await addUntilHeard(owner, plan.id, subscription);
    const event = subscription.events[0].data.participantsChanged;
    expect(event).toMatchObject({ planId: plan.id, change: 'ADDED', participant: { role: 'RELATIVE' } });
    expect(added).toContain(event.participant.person.id);
    expect(event.planVersion).toBe(1 + added.indexOf(event.participant.person.id) + 1);
  });

  it('closes the socket with 4401 for a bad or missing token', async () => {
    for (const params of [{ token: 'garbage' }, { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, {}, undefined]) {
      const { closes } = connect(params);
      await vi.waitFor(() => expect(closes).toHaveLength(1));
      expect(closes[0]?.code, JSON.stringify(params)).toBe(4401);
    }
  });

  it('refuses a subscription to a plan the subscriber takes no part in', async () => {
    const owner = await seed.citizen('private-sub-owner');
    const snoop = await seed.citizen('snoop');
    const plan = await seed.plan().withOwner(owner).create();
    const { client } = connect({ token: snoop.token });
    const subscription = subscribe(client, plan.id);
    await vi.waitFor(() => expect(subscription.errors.length).toBe(1));
    expect(JSON.stringify(subscription.errors[0])).toContain('NOT_FOUND');
    // The barrier: the owner, subscribed on the same server, hears the plan's change; had the
    // snoop's subscription been live, the same event would have reached it by then.
    const witness = subscribe(connect({ token: owner.token }).client, plan.id);
    await addUntilHeard(owner, plan.id, witness);
    expect(subscription.events).toEqual([]);
  });

  it('ends the subscription of someone removed from the plan', async () => {
    const owner = await seed.citizen('removal-owner');
    const relative = await seed.citizen('removed-relative');
    const plan = await seed.plan().withOwner(owner).withRelative(relative).create();
    const { client } = connect({ token: relative.token });
    const subscription = subscribe(client, plan.id);
    await addUntilHeard(owner, plan.id, subscription);

    const removed = await plans.removeParticipant(owner, plan.participantIds[relative.sub]!);
    expect(removed.data?.removeParticipant.__typename).toBe('ParticipantRemoved');
    await vi.waitFor(() => expect(subscription.isComplete()).toBe(true));
    const last = subscription.events.at(-1);
    expect(errorCode(last)).toBe('FORBIDDEN');
    expect(last.data).toBeNull();
  });
});

describe('a raw client on the graphql-ws socket', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.token('raw-client');
  });
  afterAll(() => t?.close());

  /** Opens a raw socket speaking graphql-transport-ws, sends frames, and resolves with the close code. */
  function rawSession(frames: Array<string | Buffer>, { init = true } = {}): Promise<{ code: number; messages: string[] }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
      const messages: string[] = [];
      socket.on('open', () => {
        if (init) socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
        for (const frame of frames) socket.send(frame);
      });
      socket.on('message', (data) => messages.push(data.toString()));
      socket.on('close', (code) => resolve({ code, messages }));
      socket.on('error', reject);
      setTimeout(() => socket.close(1000), 3000).unref();
    });
  }

  it.each([
    ['a frame that is not JSON', ['{not json'], 4400],
    ['an unknown message type', [JSON.stringify({ type: 'exec', payload: {} })], 4400],
    ['a subscribe without an id', [JSON.stringify({ type: 'subscribe', payload: { query: '{ me { isAdmin } }' } })], 4400],
    ['a second connection_init', [JSON.stringify({ type: 'connection_init', payload: {} })], 4429],
  ] as const)('closes on %s', async (_case, frames, code) => {
    const { code: closed } = await rawSession([...frames]);
    expect(closed).toBe(code);
  });

  it('closes with 4401 on a subscribe before connection_init', async () => {
    const { code } = await rawSession([JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ me { isAdmin } }' } })], { init: false });
    expect(code).toBe(4401);
  });

  it('closes a frame over the size limit and keeps serving others', async () => {
    const huge = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ me { isAdmin } } #${'x'.repeat(2 * 1024 * 1024)}` } });
    const { code } = await rawSession([huge]);
    expect(code).toBe(1009);
    const response = await t.gql('{ me { isAdmin } }', {}, token);
    expect(response.data?.me).toEqual({ isAdmin: false });
  });
});

describe('WebSocket doors on shutdown and by origin', () => {
  it('refuses browsers from origins not on ALLOWED_ORIGINS', async () => {
    const t = await startTestApp({ ALLOWED_ORIGINS: 'https://app.samplan.test' });
    try {
      const attempt = (origin: string) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws', { origin });
          socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          socket.on('open', () => {
            socket.close();
            resolve(101);
          });
        });
      expect(await attempt('https://evil.example')).toBe(403);
      expect(await attempt('https://app.samplan.test')).toBe(101);
    } finally {
      await t.close();
    }
  });

  it('closes open subscription sockets with 1001 when the server stops', async () => {
    const t = await startTestApp();
    const token = await t.token('leaving');
    const closes: number[] = [];
    let connected = false;
    const client = createClient({
      url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token }, lazy: false, retryAttempts: 0,
      on: { connected: () => (connected = true), closed: (event) => closes.push((event as { code: number }).code) },
      onNonLazyError: () => undefined,
    });
    try {
      await vi.waitFor(() => expect(connected).toBe(true));
      await t.close();
      await vi.waitFor(() => expect(closes).toEqual([1001]));
    } finally {
      await client.dispose();
    }
  });
});

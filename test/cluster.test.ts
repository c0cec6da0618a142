import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { encodeDocumentMessage } from '../src/cluster/cluster-messages.js';
import { openOrm } from '../src/db/orm.js';
import { DocumentStore } from '../src/documents/document.store.js';
import { plansFor } from './helpers/plans.js';
import { startRedisProcess, type RedisProcess } from './helpers/redis-process.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { createTestDatabase } from './helpers/test-app.js';
import { documentStorage } from '../src/app/document-wiring.js';

/** The machine's Redis (CI has one running); TEST_REDIS_URL points elsewhere. */
const MACHINE_REDIS = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Two server processes on one database and one Redis, with a plan whose owner, coordinator and a
 * relative can edit. Each development issuer signs with its own key, so every person has a token
 * per server. The channel prefix is the run's own: other runs on the same Redis are not heard.
 */
function twoServers(redisUrl: () => string) {
  const cluster = {
    a: null as unknown as ServerProcess,
    b: null as unknown as ServerProcess,
    database: null as unknown as Awaited<ReturnType<typeof createTestDatabase>>,
    channelPrefix: `samplan-test-${randomBytes(4).toString('hex')}`,
    plan: null as unknown as SeededPlan,
    owner: null as unknown as SeededPerson,
    coordinator: null as unknown as SeededPerson,
    relative: null as unknown as SeededPerson,
    editors: [] as Editor[],
    clients: [] as Client[],
    /** Connects `who` through `server` (a given doc: a client moving over, keeping what it has). */
    async open(server: ServerProcess, who: SeededPerson, doc?: Y.Doc): Promise<Editor> {
      const token = server === cluster.a ? who.token : await server.client.token(who.sub, who.kind, `${who.sub} name`);
      const editor = connectEditor(server.client, cluster.plan.id, token, { doc });
      cluster.editors.push(editor);
      await editor.synced();
      return editor;
    },
  };

  beforeAll(async () => {
    cluster.database = await createTestDatabase();
    const env = { REDIS_URL: redisUrl(), REDIS_CHANNEL_PREFIX: cluster.channelPrefix };
    // Both at once on an empty database, as a deployment rolls out: one migrates, the other waits.
    [cluster.a, cluster.b] = await Promise.all([
      startServerProcess(cluster.database.url, { ...env, SERVER_ID: 'server-a' }),
      startServerProcess(cluster.database.url, { ...env, SERVER_ID: 'server-b' }),
    ]);
    const seed = seedFor(cluster.a.client);
    const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
    cluster.owner = await seed.citizen('ingrid');
    cluster.coordinator = await seed.staff('coordinator', unit.id);
    cluster.relative = await seed.citizen('erik');
    cluster.plan = await seed.plan().withOwner(cluster.owner).withCoordinator(cluster.coordinator, unit.id).withRelative(cluster.relative).create();
  });

  afterAll(async () => {
    for (const editor of cluster.editors) editor.destroy();
    await Promise.all(cluster.clients.map((client) => client.dispose()));
    for (const server of [cluster.a, cluster.b]) {
      if (server?.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    await cluster.database?.drop();
  });

  return cluster;
}

const goalText = (editor: Editor, index = 0) => (editor.doc.getArray('goals').get(index) as Y.Map<Y.Text>).get('text')!;
const everything = (editor: Editor) => editor.doc.toJSON();
const hasGoal = (editor: Editor, id: string) => editor.doc.getArray('goals').toJSON().some((goal: { id: string }) => goal.id === id);
const note = (editor: Editor) => editor.doc.getMap('period').get('note') as Y.Text | undefined;

async function logSeqs(databaseUrl: string, planId: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ seq: string }>('select seq from plan_update where plan_id = $1 order by seq', [planId]);
    return rows.map((row) => Number(row.seq));
  } finally {
    await db.end();
  }
}

describe("two servers on one database and the machine's Redis", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    const probe = new Redis(MACHINE_REDIS, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      throw new Error(`These tests need the machine's Redis at ${MACHINE_REDIS} (or TEST_REDIS_URL): ${(error as Error).message}`, { cause: error });
    } finally {
      probe.disconnect();
    }
  });
  const cluster = twoServers(() => MACHINE_REDIS);

  it('converges concurrent edits through both servers, with one gapless log', async () => {
    const { a, b } = cluster;
    const [onA, onB] = [await cluster.open(a, cluster.owner), await cluster.open(b, cluster.coordinator)];
    onA.doc.getArray('goals').push([newEntry({ id: 'g1', text: text('Walk to the shop') })]);
    onB.doc.getMap('period').set('start', '2026-12-01');
    await vi.waitFor(() => {
      expect(onA.doc.getMap('period').get('start')).toBe('2026-12-01');
      expect(hasGoal(onB, 'g1')).toBe(true);
    });
    // Both type at once, into the same text and (B) into another section too.
    for (let round = 0; round < 30; round++) {
      goalText(onA).insert(0, 'a');
      goalText(onB).insert(goalText(onB).length, 'b');
      onB.doc.getMap('period').set('end', `2027-01-${String(round + 1).padStart(2, '0')}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => {
      expect(goalText(onA).toString()).toBe(`${'a'.repeat(30)}Walk to the shop${'b'.repeat(30)}`);
      expect(onA.doc.getMap('period').get('end')).toBe('2027-01-30');
      expect(everything(onB)).toEqual(everything(onA));
    }, { timeout: 15_000 });
    expect(onA.closes).toEqual([]);
    expect(onB.closes).toEqual([]);
    // A fresh reader on each server gets the same from memory there.
    const [freshA, freshB] = [await cluster.open(a, cluster.relative), await cluster.open(b, cluster.relative)];
    await vi.waitFor(() => expect([everything(freshA), everything(freshB)]).toEqual([everything(onA), everything(onA)]));
    // Both servers wrote into one log, numbered without a gap or a repeat.
    const seqs = await logSeqs(cluster.database.url, cluster.plan.id);
    expect(seqs.length).toBeGreaterThan(60);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it('delivers document and participant events to subscriptions on the other server, and closes a removed participant there', async () => {
    const { a, b } = cluster;
    const ownerOnB = await b.client.token(cluster.owner.sub, cluster.owner.kind, `${cluster.owner.sub} name`);
    const client = createClient({ url: b.client.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: ownerOnB }, lazy: false, retryAttempts: 0, onNonLazyError: () => undefined });
    cluster.clients.push(client);
    const heard = { planChanged: [] as Array<{ data?: { planChanged: { sections: string[] } } }>, participantsChanged: [] as unknown[] };
    const failures: unknown[] = [];
    const sink = <T>(list: T[]) => ({ next: (value: T) => list.push(value), error: (error: unknown) => failures.push(error), complete: () => undefined });
    client.subscribe({ query: 'subscription($p: ID!) { planChanged(planId: $p) { seq sections } }', variables: { p: cluster.plan.id } }, sink(heard.planChanged));
    client.subscribe({ query: 'subscription($p: ID!) { participantsChanged(planId: $p) { change } }', variables: { p: cluster.plan.id } }, sink(heard.participantsChanged));

    // The subscriptions are live once server B has registered them: edit through A until B's subscriber hears it.
    const onA = await cluster.open(a, cluster.owner);
    await vi.waitFor(() => {
      if (!heard.planChanged.length) onA.doc.getArray('log').push([newEntry({ id: crypto.randomUUID(), personId: cluster.owner.id, text: text('Called the GP') })]);
      expect(failures).toEqual([]);
      expect(heard.planChanged.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 200 });
    expect(heard.planChanged[0]?.data?.planChanged.sections).toContain('log');

    const seed = seedFor(a.client);
    const removedLater = await seed.citizen(`relative-${Date.now()}`);
    const plans = plansFor(a.client);
    const added = await plans.addParticipant(cluster.owner, { planId: cluster.plan.id, role: 'RELATIVE', person: { id: removedLater.id } });
    const participantId = added.data!.addParticipant.participant.id as string;
    await vi.waitFor(() => expect(heard.participantsChanged.length).toBeGreaterThan(0));

    // Removed through A, their live connection on B is closed by B.
    const removedOnB = await cluster.open(b, removedLater);
    const removed = await plans.removeParticipant(cluster.owner, participantId);
    expect(removed.errors).toBeUndefined();
    await vi.waitFor(() => expect(removedOnB.closes.map((close) => close.code)).toContain(4403));
    removedOnB.provider.disconnect();
  });

  it('shows presence across servers, named by the server each person is connected to', async () => {
    const { a, b } = cluster;
    const [onA, onB] = [await cluster.open(a, cluster.owner), await cluster.open(b, cluster.coordinator)];
    for (const editor of [onA, onB]) editor.provider.awareness.setLocalStateField('user', { name: 'Whoever I say' });
    const seenBy = (editor: Editor, other: Editor) => (editor.provider.awareness.getStates().get(other.doc.clientID) as { user?: { personId: string; name: string } } | undefined)?.user;
    await vi.waitFor(() => {
      expect(seenBy(onB, onA)).toMatchObject({ personId: cluster.owner.id, name: `${cluster.owner.sub} name` });
      expect(seenBy(onA, onB)).toMatchObject({ personId: cluster.coordinator.id, name: `${cluster.coordinator.sub} name` });
    });
    // Leaving on A clears them on B too.
    onA.provider.disconnect();
    await vi.waitFor(() => expect(seenBy(onB, onA)).toBeUndefined());
  });

  it('notices a gap in the sequence and reads what it missed from the log', async () => {
    const { a, b } = cluster;
    const [onA, onB] = [await cluster.open(a, cluster.owner), await cluster.open(b, cluster.coordinator)];
    await vi.waitFor(() => expect(everything(onB)).toEqual(everything(onA)));
    // A commit no server announced, as if its Redis message had been lost: written straight to the log.
    const orm = await openOrm(cluster.database.url);
    try {
      const head = (await logSeqs(cluster.database.url, cluster.plan.id)).at(-1) ?? 0;
      const silent = new Y.Doc();
      silent.getArray('goals').insert(0, [newEntry({ id: 'g-silent', text: text('Committed without a message') })]);
      await new DocumentStore(orm, documentStorage).append(cluster.plan.id, [{ authorId: cluster.owner.id, sections: ['goals'], update: Y.encodeStateAsUpdate(silent), at: new Date(), door: 'GRAPHQL' }], head);
    } finally {
      await orm.close();
    }
    // A's next commit finds it in the log before its own; B hears A's commit, one past what it has, and reads the gap.
    onA.doc.getArray('goals').push([newEntry({ id: 'g-next', text: text('Announced') })]);
    await vi.waitFor(() => {
      for (const editor of [onA, onB]) expect([hasGoal(editor, 'g-silent'), hasGoal(editor, 'g-next')]).toEqual([true, true]);
      expect(everything(onB)).toEqual(everything(onA));
    });
  });

  it('ignores what no Samplan server would publish on its channels, and a forged update ahead of the log', async () => {
    const { a, b } = cluster;
    const onA = await cluster.open(a, cluster.owner);
    const onB = await cluster.open(b, cluster.coordinator);
    const intruder = new Redis(MACHINE_REDIS);
    try {
      for (const channel of ['document', 'presence', 'events']) {
        await intruder.publish(`${cluster.channelPrefix}:${channel}`, Buffer.from([1, 200, 200, 200, 200, 200]));
        await intruder.publish(`${cluster.channelPrefix}:${channel}`, 'not json {');
      }
      await intruder.publish(`${cluster.channelPrefix}:events`, JSON.stringify({ origin: 'x', topic: 'caseEvent', event: {} }));
      // A well-formed update claiming a sequence the log does not hold: the gap is read from the
      // log, which has nothing there, so the claimed content is never applied.
      const forger = new Y.Doc();
      forger.getArray('goals').push([newEntry({ id: 'g-forged', text: text('Never written by anyone') })]);
      const change = { seq: 1_000_000, authorId: cluster.owner.id, sections: ['goals'], at: new Date(), update: Y.encodeStateAsUpdate(forger) };
      await intruder.publish(`${cluster.channelPrefix}:document`, encodeDocumentMessage({ origin: 'intruder', planId: cluster.plan.id, change }));
    } finally {
      intruder.disconnect();
    }
    // Both servers still work together.
    onA.doc.getArray('goals').push([newEntry({ id: 'g-after-garbage', text: text('Still here') })]);
    await vi.waitFor(() => expect(hasGoal(onB, 'g-after-garbage')).toBe(true));
    for (const editor of [onA, onB]) expect(hasGoal(editor, 'g-forged')).toBe(false);
    expect(everything(onB)).toEqual(everything(onA));
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it('keeps every update a client received when a server is killed mid-edit, and its clients carry on through the other', async () => {
    const { a, b } = cluster;
    const typist = await cluster.open(b, cluster.coordinator);
    const observer = await cluster.open(b, cluster.relative);
    const onA = await cluster.open(a, cluster.owner);
    if (!note(typist)) typist.doc.getMap('period').set('note', text(''));
    const start = note(typist)!.length;
    let typed = 0;
    const typing = setInterval(() => note(typist)!.insert(start + typed, String(typed++ % 10)), 3);
    try {
      await vi.waitFor(() => expect(note(observer)?.length ?? 0).toBeGreaterThan(start + 100), { timeout: 20_000 });
      b.child.kill('SIGKILL');
      await b.exited;
    } finally {
      clearInterval(typing);
    }
    await vi.waitFor(() => expect(observer.provider.wsconnected).toBe(false));
    // Whatever the observer received had been committed: it must survive B's death.
    const received = Y.decodeStateVector(Y.encodeStateVector(observer.doc));

    // The load balancer sends both clients to A; they keep their documents (and the typist its unsent typing).
    for (const editor of [typist, observer]) editor.provider.destroy();
    const movedTypist = await cluster.open(a, cluster.coordinator, typist.doc);
    await cluster.open(a, cluster.relative, observer.doc);
    const reader = await cluster.open(a, cluster.owner);
    await vi.waitFor(() => {
      const stored = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
      for (const [client, clock] of received) {
        if (client !== observer.doc.clientID) expect(stored.get(client) ?? 0, `client ${client}`).toBeGreaterThanOrEqual(clock);
      }
      expect(note(reader)?.length).toBe(start + typed);
      expect(everything(reader)).toEqual(everything(movedTypist));
      expect(everything(onA)).toEqual(everything(movedTypist));
    }, { timeout: 15_000 });
    const seqs = await logSeqs(cluster.database.url, cluster.plan.id);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 1) + index));
  });
});

/**
 * Restarting the machine's Redis would cut off everything else that uses it, so this test
 * restarts a redis-server of its own (the same Debian binary) under the two servers.
 */
describe('two servers while their Redis restarts', { timeout: 60_000 }, () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedisProcess();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const cluster = twoServers(() => redis.url);

  it('converges edits made on both servers while Redis was down, from the log, once it is back', async () => {
    const { a, b } = cluster;
    const [onA, onB] = [await cluster.open(a, cluster.owner), await cluster.open(b, cluster.coordinator)];
    onA.doc.getArray('goals').push([newEntry({ id: 'g-before', text: text('Before the outage') })]);
    await vi.waitFor(() => expect(hasGoal(onB, 'g-before')).toBe(true));

    await redis.stop();
    onA.doc.getArray('goals').push([newEntry({ id: 'g-outage', text: text('Written while Redis was down') })]);
    onB.doc.getMap('period').set('end', '2027-06-30');
    // Both commits reach PostgreSQL: a fresh reader on A sees B's change, read from the log when it joins.
    await vi.waitFor(async () => {
      const reader = await cluster.open(a, cluster.relative);
      try {
        expect(reader.doc.getMap('period').get('end')).toBe('2027-06-30');
      } finally {
        reader.destroy();
      }
    }, { timeout: 10_000, interval: 300 });
    await redis.start();
    await vi.waitFor(() => {
      expect(onA.doc.getMap('period').get('end')).toBe('2027-06-30');
      expect(hasGoal(onB, 'g-outage')).toBe(true);
      expect(everything(onB)).toEqual(everything(onA));
    }, { timeout: 15_000 });

    // And the link works as before.
    onB.doc.getArray('goals').push([newEntry({ id: 'g-after', text: text('After the outage') })]);
    await vi.waitFor(() => expect(hasGoal(onA, 'g-after')).toBe(true));
    const seqs = await logSeqs(cluster.database.url, cluster.plan.id);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it('reads no plan from rows a server kept before or while its link to the others was down', async () => {
    const { a, b } = cluster;
    const planId = cluster.plan.id;
    const plans = plansFor(a.client);
    const seed = seedFor(a.client);
    const [first, second] = [await seed.citizen(`first-${Date.now()}`), await seed.citizen(`second-${Date.now()}`)];
    const participantIds: string[] = [];
    for (const who of [first, second]) {
      const added = await plans.addParticipant(cluster.owner, { planId, role: 'RELATIVE', person: { id: who.id } });
      participantIds.push(added.data!.addParticipant.participant.id as string);
    }
    const tokensOnB = new Map<SeededPerson, string>();
    for (const who of [first, second, cluster.owner]) tokensOnB.set(who, await b.client.token(who.sub, who.kind, `${who.sub} name`));
    const readOnB = async (who: SeededPerson) => {
      const answer = (await b.client.gql('query($id: ID!) { plan(id: $id) { id } }', { id: planId }, tokensOnB.get(who))) as { data?: { plan: { id: string } | null } };
      return answer.data?.plan?.id ?? null;
    };
    // B keeps the plan's rows with both relatives in them (read twice: the second from what B kept).
    await vi.waitFor(async () => {
      for (const who of [first, second]) expect(await readOnB(who)).toBe(planId);
    });
    for (const who of [first, second]) expect(await readOnB(who)).toBe(planId);

    // Down: the first is removed through A, and B never hears of it. B trusts nothing it kept
    // while it cannot hear, so the removal shows on B as soon as B knows its link is down.
    await redis.stop();
    const removed = await plans.removeParticipant(cluster.owner, participantIds[0]!);
    expect(removed.errors).toBeUndefined();
    await vi.waitFor(async () => expect(await readOnB(first)).toBeNull(), { timeout: 10_000, interval: 100 });

    // Back: B is linked again once an edit through A reaches it. The second was removed while the
    // link was down, after B last read the plan: what B kept before the outage is not used.
    const onA = await cluster.open(a, cluster.owner);
    const onB = await cluster.open(b, cluster.owner);
    expect(await readOnB(second)).toBe(planId);
    const removedToo = await plans.removeParticipant(cluster.owner, participantIds[1]!);
    expect(removedToo.errors).toBeUndefined();
    await redis.start();
    await vi.waitFor(() => {
      if (!hasGoal(onB, 'g-linked')) onA.doc.getArray('goals').push([newEntry({ id: `g-linked`, text: text('Linked again') })]);
      expect(hasGoal(onB, 'g-linked')).toBe(true);
    }, { timeout: 15_000, interval: 300 });
    expect(await readOnB(second)).toBeNull();
    expect(await readOnB(cluster.owner)).toBe(planId);
  });
});

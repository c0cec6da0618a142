import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app/create-app.js';
import { DEV_ISSUERS, parseConfig } from '../src/config/config.js';
import { enqueueNotification } from '../src/notifications/notification.outbox.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

const SECRET = 'test-webhook-secret-that-is-long-enough';
const PUBLIC_URL = 'https://samplan.example.no/app';
const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean) { notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
  totalCount unreadCount pageInfo { hasNextPage endCursor } edges { cursor node { id kind link createdAt readAt deliveryStatus } } } }`;
const MARK_READ = 'mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }';

interface Receipt {
  id: string;
  signature: string;
  raw: string;
  body: { id: string; kind: string; link: string; recipient: { id: string; issuer: string; subject: string }; createdAt: string };
}

/** A real webhook receiver on a free port; `answer` decides each response's status (a promise that never settles hangs). */
async function startReceiver() {
  const receipts: Receipt[] = [];
  let answer: (receipt: Receipt) => number | Promise<number> = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const receipt: Receipt = { id: String(req.headers['samplan-notification-id']), signature: String(req.headers['samplan-signature']), raw, body: JSON.parse(raw) };
      receipts.push(receipt);
      void Promise.resolve(answer(receipt)).then((status) => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    receipts,
    answerWith(next: typeof answer) {
      answer = next;
    },
    forSubject: (subject: string) => receipts.filter((receipt) => receipt.body.recipient.subject === subject),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Checks the signature as a receiver would, with nothing but the shared secret. */
function verifySignature(receipt: Receipt, secret: string): number {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(receipt.signature);
  if (!match) throw new Error(`malformed signature header: ${receipt.signature}`);
  const expected = createHmac('sha256', secret).update(`${match[1]}.${receipt.raw}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))) throw new Error('signature does not match');
  return Number(match[1]);
}

const deliveryEnv = (receiver: Receiver, extra: Record<string, string> = {}) => ({
  NOTIFY_WEBHOOK_URL: receiver.url,
  NOTIFY_WEBHOOK_SECRET: SECRET,
  NOTIFY_POLL_INTERVAL_MS: '20',
  NOTIFY_BACKOFF_BASE_MS: '10',
  ...extra,
});

async function row(app: App, id: string) {
  const [found] = await app.orm.em.fork().execute<Array<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date }>>(
    'select "status", "attempts", "last_error", "next_attempt_at" from "notification" where "id" = ?',
    [id],
  );
  return found;
}

describe('notification delivery over a signed webhook, and the inbox', () => {
  let t: TestApp;
  let receiver: Receiver;
  let seed: ReturnType<typeof seedFor>;
  let owner: SeededPerson;
  let planId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({ ...deliveryEnv(receiver), PUBLIC_URL });
    seed = seedFor(t);
    owner = await seed.citizen('ingrid');
    planId = (await seed.plan().withOwner(owner).titled('Ingrids plan: secret goals').create()).id;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const invite = (who: SeededPerson) => plansFor(t).addParticipant(owner, { planId, role: 'RELATIVE', person: { id: who.id } });

  it('pushes a PLAN_INVITATION signed, with an absolute link and no plan content', async () => {
    const erik = await seed.citizen('erik');
    expect((await invite(erik)).errors).toBeUndefined();

    await vi.waitFor(() => expect(receiver.forSubject('erik')).toHaveLength(1));
    const [receipt] = receiver.forSubject('erik');
    expect(Math.abs(verifySignature(receipt!, SECRET) - Date.now() / 1000)).toBeLessThan(60);
    expect(() => verifySignature(receipt!, 'another-secret-of-at-least-32-chars')).toThrow(/does not match/);
    expect(receipt!.body).toEqual({
      id: receipt!.id,
      kind: 'PLAN_INVITATION',
      link: `${PUBLIC_URL}/plans/${planId}`,
      recipient: { id: erik.id, issuer: DEV_ISSUERS.citizen, subject: 'erik' },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(receipt!.raw).not.toMatch(/secret goals|Ingrid|erik name/);

    const inbox = await t.gql(INBOX, {}, erik.token);
    expect(inbox.data?.notifications.edges).toEqual([
      { cursor: expect.any(String), node: { id: receipt!.id, kind: 'PLAN_INVITATION', link: `/plans/${planId}`, createdAt: expect.any(String), readAt: null, deliveryStatus: 'DELIVERED' } },
    ]);
  });

  it('retries with backoff after failures: 500, 500, then delivered on the third attempt', async () => {
    const attemptsById = new Map<string, number>();
    receiver.answerWith((receipt) => {
      const attempt = (attemptsById.get(receipt.id) ?? 0) + 1;
      attemptsById.set(receipt.id, attempt);
      return attempt <= 2 ? 500 : 200;
    });
    const astrid = await seed.citizen('astrid');
    await invite(astrid);

    await vi.waitFor(async () => {
      const id = receiver.forSubject('astrid')[0]?.id ?? '';
      expect(await row(t.app, id)).toMatchObject({ status: 'DELIVERED', attempts: 3, last_error: null });
    });
    expect(receiver.forSubject('astrid')).toHaveLength(3);
    receiver.answerWith(() => 200);
  });

  it('gives up as FAILED after NOTIFY_MAX_ATTEMPTS, keeping the reason and the inbox entry', async () => {
    const other = await startReceiver();
    other.answerWith(() => 503);
    const config = parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: t.databaseUrl, DEV_AUTH: 'false', ...deliveryEnv(other, { NOTIFY_MAX_ATTEMPTS: '2' }) });
    // A second server with its own receiver: whichever server claims first delivers, so stop ours meanwhile.
    await t.app.notificationWorker?.stop();
    const failing = await createApp(config);
    try {
      const id = await enqueueFor(failing, owner.id, 'failing');
      await vi.waitFor(async () => expect(await row(failing, id)).toMatchObject({ status: 'FAILED', attempts: 2, last_error: 'webhook answered HTTP 503' }));
      expect(other.receipts.filter((receipt) => receipt.id === id)).toHaveLength(2);
      const inbox = await t.gql(INBOX, { first: 1 }, owner.token);
      expect(inbox.data?.notifications.edges[0].node).toMatchObject({ id, deliveryStatus: 'FAILED' });
    } finally {
      await failing.dispose();
      await other.close();
    }
  });

  it("shows each person only their own notifications, pages them, and marks only one's own read", async () => {
    const [erik, stranger] = [await seed.citizen('erik'), await seed.citizen('stranger')];
    const erikInbox = await t.gql(INBOX, {}, erik.token);
    const erikId: string = erikInbox.data?.notifications.edges[0].node.id;
    expect((await t.gql(INBOX, {}, stranger.token)).data?.notifications).toMatchObject({ totalCount: 0, unreadCount: 0, edges: [] });

    const refused = await t.gql(MARK_READ, { id: erikId }, stranger.token);
    expect(errorCode(refused)).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(MARK_READ, { id: '00000000-0000-4000-8000-000000000000' }, stranger.token))).toBe('NOT_FOUND');
    expect((await t.gql(INBOX, {}, erik.token)).data?.notifications.unreadCount).toBe(1);

    const marked = await t.gql(MARK_READ, { id: erikId }, erik.token);
    expect(marked.data?.markNotificationRead).toEqual({ id: erikId, readAt: expect.any(String) });
    expect((await t.gql(INBOX, { unreadOnly: true }, erik.token)).data?.notifications).toMatchObject({ totalCount: 0, unreadCount: 0, edges: [] });

    // Ingrid has the FAILED one from above; two more make three, paged two at a time, newest first.
    await enqueueFor(t.app, owner.id, 'page-a');
    await enqueueFor(t.app, owner.id, 'page-b');
    const first = (await t.gql(INBOX, { first: 2 }, owner.token)).data?.notifications;
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const second = (await t.gql(INBOX, { first: 2, after: first.pageInfo.endCursor }, owner.token)).data?.notifications;
    expect(second).toMatchObject({ pageInfo: { hasNextPage: false } });
    const ids = [...first.edges, ...second.edges].map((edge: { node: { id: string } }) => edge.node.id);
    expect(new Set(ids).size).toBe(3);
    expect(errorCode(await t.gql(INBOX, { after: 'not-a-cursor' }, owner.token))).toBe('BAD_USER_INPUT');
  });
});

describe('notifications survive restarts and are sent once across servers', () => {
  it('keeps a notification through a restart while the receiver is down, and delivers it after', async () => {
    const receiver = await startReceiver();
    receiver.answerWith(() => 503);
    const clock = new ManualClock('2026-11-23T09:00:00Z');
    const t = await startTestApp(deliveryEnv(receiver, { NOTIFY_BACKOFF_BASE_MS: '60000' }), { clock });
    try {
      const person = await seedFor(t).citizen('kari');
      const id = await enqueueFor(t.app, person.id, 'down', clock.now());
      await vi.waitFor(async () => expect(await row(t.app, id)).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'webhook answered HTTP 503' }));

      await t.restart();
      receiver.answerWith(() => 200);
      // The backoff has not run out on the app's clock: nothing is sent yet.
      await t.app.notificationWorker?.runDue();
      expect(receiver.receipts).toHaveLength(1);
      clock.advance(60_001);
      await vi.waitFor(async () => expect(await row(t.app, id)).toMatchObject({ status: 'DELIVERED', attempts: 2 }));
      expect(receiver.receipts.map((receipt) => receipt.id)).toEqual([id, id]);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('sends a notification again after its lease when the server stopped mid-delivery', async () => {
    const receiver = await startReceiver();
    receiver.answerWith(() => new Promise<number>(() => undefined));
    const clock = new ManualClock('2026-11-23T09:00:00Z');
    const t = await startTestApp(deliveryEnv(receiver, { NOTIFY_LEASE_MS: '120000' }), { clock });
    try {
      const person = await seedFor(t).citizen('ola');
      const id = await enqueueFor(t.app, person.id, 'lease', clock.now());
      await vi.waitFor(() => expect(receiver.receipts).toHaveLength(1));

      // Stopping aborts the hanging delivery and leaves the row leased, as a crash would.
      await t.restart();
      receiver.answerWith(() => 200);
      expect(await row(t.app, id)).toMatchObject({ status: 'PENDING', attempts: 0 });
      await t.app.notificationWorker?.runDue();
      expect(receiver.receipts).toHaveLength(1);
      clock.advance(120_001);
      await vi.waitFor(async () => expect(await row(t.app, id)).toMatchObject({ status: 'DELIVERED', attempts: 1 }));
      expect(receiver.receipts.map((receipt) => receipt.id)).toEqual([id, id]);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('delivers each notification exactly once when two servers share the database', async () => {
    const receiver = await startReceiver();
    // Slow answers keep both servers' rounds overlapping.
    receiver.answerWith(() => new Promise<number>((resolve) => setTimeout(() => resolve(200), 15)));
    const env = deliveryEnv(receiver, { NOTIFY_POLL_INTERVAL_MS: '10' });
    const t = await startTestApp(env);
    const second = await createApp(parseConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: t.databaseUrl, DEV_AUTH: 'false', ...env }));
    try {
      const person = await seedFor(t).citizen('many');
      const ids = await Promise.all(Array.from({ length: 30 }, (_, index) => enqueueFor(index % 2 ? t.app : second, person.id, `many-${index}`)));
      await vi.waitFor(async () => {
        const [{ delivered }] = await t.app.orm.em.fork().execute<[{ delivered: string }]>(`select count(*) as "delivered" from "notification" where "status" = 'DELIVERED'`);
        expect(Number(delivered)).toBe(30);
      }, { timeout: 20_000 });
      const receiptsById = new Map<string, number>();
      for (const receipt of receiver.receipts) receiptsById.set(receipt.id, (receiptsById.get(receipt.id) ?? 0) + 1);
      expect([...receiptsById.keys()].sort()).toEqual([...ids].sort());
      expect([...receiptsById.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await second.dispose();
      await t.close();
      await receiver.close();
    }
  });
});

/** Writes a notification straight to the outbox, as any module's transaction does; resolves with its id. */
async function enqueueFor(app: App, recipientId: string, key: string, at = new Date()): Promise<string> {
  const em = app.orm.em.fork();
  await enqueueNotification(em, { recipientId, kind: 'EVALUATION_DUE', link: '/plans', dedupeKey: `test:${key}` }, at);
  const [found] = await em.execute<Array<{ id: string }>>('select "id" from "notification" where "dedupe_key" = ?', [`test:${key}`]);
  return found!.id;
}

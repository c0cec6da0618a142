import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consentFor, subscribeTo } from './helpers/consent.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/*
 * A consent's validUntil is when access ends, at every door, to within a second (docs/consent.md):
 * on the real clock, with the scheduler far off, so only the instant itself can end it.
 */

const PLAN_CHANGED = 'subscription($planId: ID!) { planChanged(planId: $planId) { seq } }';
const PARTICIPANTS_CHANGED = 'subscription($planId: ID!) { participantsChanged(planId: $planId) { change } }';
const SECTIONS = 'query($id: ID!) { plan(id: $id) { sections { key content } } }';
const ARCHIVE = 'mutation($id: ID!) { archivePlan(planId: $id) { urls { json } } }';
/** How far after validUntil a door may still answer: the bound. */
const WITHIN_MS = 1_000;

let t: TestApp;
const editors: Editor[] = [];
const clients: Array<{ client: { dispose(): void | Promise<void> } }> = [];

beforeAll(async () => {
  // The reads below probe without pause for seconds: on a fast run they outnumber the per-person
  // rate limit (1,200 points in 10 s), which would answer TOO_MANY_REQUESTS. That door has tests
  // of its own; here it is raised so every probe asks the policy.
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000', GRAPHQL_RATE_LIMIT_POINTS: '1000000' });
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await Promise.all(clients.map(({ client }) => client.dispose()));
  await t?.close();
});

describe('a consent that runs out while the participant is connected', () => {
  it('serves no content after validUntil: reads, archive downloads, the live document and subscriptions all end', async () => {
    const seed = seedFor(t);
    const consent = consentFor(t);
    const homeCare = await seed.organization('Home care');
    const owner = await seed.citizen('ragna');
    const nurse = await seed.staff('nils', homeCare.id);
    const plan = await seed.plan().withOwner(owner).withProvider(nurse, homeCare.id).create();
    const archived = await t.gql(ARCHIVE, { id: plan.id }, owner.token);
    const archiveUrl = `${t.url}${archived.data!.archivePlan.urls.json as string}`;

    // Everything is open and live before the deadline is set.
    const ownerEditor = connectEditor(t, plan.id, owner.token);
    const nurseEditor = connectEditor(t, plan.id, nurse.token);
    editors.push(ownerEditor, nurseEditor);
    await Promise.all([ownerEditor.synced(), nurseEditor.synced()]);
    const planChanged = subscribeTo(t, nurse.token, PLAN_CHANGED, { planId: plan.id });
    const participantsChanged = subscribeTo(t, nurse.token, PARTICIPANTS_CHANGED, { planId: plan.id });
    clients.push(planChanged, participantsChanged);
    let warmUp = 0;
    await vi.waitFor(() => {
      ownerEditor.doc.getArray('goals').push([newEntry({ id: `warm-${warmUp++}`, text: text('warm up') })]);
      expect(planChanged.events.length).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 300 });

    // The nurse's participation is renewed to end shortly: from then on only the clock ends it.
    const validUntil = Date.now() + 5_000;
    const renewed = await consent.give(owner.token, { participantId: plan.participantIds[nurse.sub], scope: 'PARTICIPATE', validUntil: new Date(validUntil).toISOString() });
    expect(renewed.errors).toBeUndefined();
    await vi.waitFor(() => expect(participantsChanged.events.length).toBeGreaterThan(0));

    // The owner keeps writing across the deadline, each entry stamped with when it was written.
    const received = new Map<string, number>();
    nurseEditor.doc.getArray<{ get(key: string): unknown }>('goals').observe((event) => {
      for (const item of event.changes.added) {
        for (const entry of item.content.getContent() as Array<{ get(key: string): unknown }>) received.set(String(entry.get('id')), Date.now());
      }
    });
    let nurseClosedAt: number | null = null;
    nurseEditor.provider.on('connection-close', () => (nurseClosedAt ??= Date.now()));
    const writer = setInterval(() => ownerEditor.doc.getArray('goals').push([newEntry({ id: `at-${Date.now()}`, text: text('written') })]), 50);

    // Reads and downloads are probed without pause until well past the deadline.
    const probes: Array<{ door: string; startedAt: number; served: boolean }> = [];
    try {
      while (Date.now() < validUntil + WITHIN_MS + 500) {
        const startedAt = Date.now();
        const [read, download] = await Promise.all([
          t.gql(SECTIONS, { id: plan.id }, nurse.token),
          fetch(archiveUrl, { headers: { authorization: `Bearer ${nurse.token}` } }),
        ]);
        probes.push({ door: 'graphql', startedAt, served: Boolean(read.data?.plan?.sections) });
        if (!read.data?.plan) expect(errorCode(read)).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
        probes.push({ door: 'archive', startedAt, served: download.status === 200 });
        await download.arrayBuffer();
      }
    } finally {
      clearInterval(writer);
    }

    // Barrier: each door did serve the nurse before the deadline, so a refusal after it means something.
    for (const door of ['graphql', 'archive']) {
      expect(probes.some((probe) => probe.door === door && probe.served && probe.startedAt < validUntil)).toBe(true);
      // Exact at the request doors: nothing asked at or after validUntil was served.
      expect(probes.filter((probe) => probe.door === door && probe.startedAt >= validUntil && probe.served)).toEqual([]);
    }

    // The live document: closed within the bound, and nothing written after the deadline ever arrived.
    await vi.waitFor(() => expect(nurseEditor.closes.map((close) => close.code)).toContain(4403));
    expect(nurseClosedAt).not.toBeNull();
    expect(nurseClosedAt!).toBeGreaterThanOrEqual(validUntil);
    expect(nurseClosedAt! - validUntil).toBeLessThan(WITHIN_MS);
    const writtenBeforeDeadline = [...received.keys()].filter((id) => id.startsWith('at-') && Number(id.slice(3)) < validUntil);
    expect(writtenBeforeDeadline.length).toBeGreaterThan(0);
    // Exact here too: whatever would go out at or past the instant waits for the re-check
    // (src/documents/peer-gate.ts), so nothing written from then on reaches the nurse.
    const lateArrivals = [...received].filter(([id, at]) => id.startsWith('at-') && (Number(id.slice(3)) >= validUntil || at >= validUntil + WITHIN_MS));
    expect(lateArrivals).toEqual([]);

    // Subscriptions: both ended with FORBIDDEN, by the clock, with no event after the deadline.
    for (const subscription of [planChanged, participantsChanged]) {
      await vi.waitFor(() => expect(subscription.isDone()).toBe(true));
      expect(errorCode(subscription.events.at(-1))).toBe('FORBIDDEN');
    }

    // The person still reads everything; the nurse comes back only with a new consent.
    expect((await t.gql(SECTIONS, { id: plan.id }, owner.token)).data?.plan.sections.length).toBeGreaterThan(0);
    expect(errorCode(await t.gql(SECTIONS, { id: plan.id }, nurse.token))).toBe('NOT_FOUND');
  });
});

import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentLoadError, DocumentStore, type CommitEntry } from '../src/documents/document.store.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { documentStorage } from '../src/app/document-wiring.js';

/**
 * The update log: its group commit (src/documents/log-writer.ts) and its load, driven through a
 * DocumentStore of its own on the app's database, as a second server's would be.
 */
describe('the update log', () => {
  let t: TestApp;
  let store: DocumentStore;
  let owner: SeededPerson;

  beforeAll(async () => {
    t = await startTestApp();
    store = new DocumentStore(t.app.orm, documentStorage);
    owner = await seedFor(t).citizen('group-commit-owner');
  });
  afterAll(async () => {
    await t?.close();
  });

  const newPlan = async () => (await seedFor(t).plan().withOwner(await seedFor(t).citizen(`owner-${randomUUID()}`)).create()).id;
  const entry = (text: string): CommitEntry => {
    const doc = new Y.Doc();
    doc.getMap('period').set('note', new Y.Text(text));
    return { authorId: owner.id, sections: ['period'], update: Y.encodeStateAsUpdate(doc), at: new Date(), door: 'GRAPHQL' };
  };
  const seqsOf = async (planId: string) =>
    (await t.app.orm.em.fork().execute<Array<{ seq: string }>>('select seq from plan_update where plan_id = ? order by seq', [planId])).map((row) => Number(row.seq));

  it('numbers each plan gaplessly when many plans (and a plan twice) commit at once', async () => {
    const plans = await Promise.all(Array.from({ length: 6 }, newPlan));
    // Everyone at once, each plan several times: more than the transactions in flight, so most wait and share one.
    const results = await Promise.all(plans.flatMap((planId) => Array.from({ length: 4 }, (_, index) => store.append(planId, [entry(`${index}a`), entry(`${index}b`)], 0).then((result) => ({ planId, ...result })))));
    for (const planId of plans) {
      expect(await seqsOf(planId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const firsts = results.filter((result) => result.planId === planId).map((result) => result.firstSeq).sort((a, b) => a - b);
      expect(firsts).toEqual([1, 3, 5, 7]);
      // A batch that found others' rows past its known head is handed them, to apply before its own.
      for (const result of results.filter((candidate) => candidate.planId === planId)) {
        expect(result.missed.updates.map((update) => update.seq)).toEqual(Array.from({ length: result.firstSeq - 1 }, (_, index) => index + 1));
      }
    }
    // Access log and attribution rows came with them.
    const [written] = await t.app.orm.em.fork().execute<Array<{ count: string }>>(`select count(*) as count from access_log where plan_id = ? and action = 'WRITE'`, [plans[0]]);
    expect(Number(written!.count)).toBe(8);
  });

  it("fails only the failing plan's batch when batches of several plans shared a transaction", async () => {
    const [a, b, c] = await Promise.all([newPlan(), newPlan(), newPlan()]);
    const missingPlan = randomUUID();
    // The first two start their own transactions at once; the next two wait and go in together.
    const appends = [a!, b!, c!, missingPlan].map((planId) => store.append(planId, [entry('x')], 0));
    const settled = await Promise.allSettled(appends);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(await seqsOf(c!)).toEqual([1]);
    expect(await seqsOf(missingPlan)).toEqual([]);
  });

  it('loads the snapshot and the rows after it, and refuses a log that lost rows', async () => {
    const [whole, holed, cut] = await Promise.all([newPlan(), newPlan(), newPlan()]);
    for (const planId of [whole!, holed!, cut!]) await store.append(planId, [entry('a'), entry('b'), entry('c')], 0);
    const state = Y.encodeStateAsUpdate(new Y.Doc());
    expect(await store.writeSnapshot(whole!, 2, state, new Date())).toBe(true);
    const loaded = await store.load(whole!);
    expect({ headSeq: loaded.headSeq, snapshotSeq: loaded.snapshotSeq, tailCount: loaded.tailCount, parts: loaded.updates.length }).toEqual({ headSeq: 3, snapshotSeq: 2, tailCount: 1, parts: 2 });

    const em = t.app.orm.em.fork();
    await em.execute('delete from plan_update where plan_id = ? and seq = 2', [holed]);
    await expect(store.load(holed!)).rejects.toThrow(DocumentLoadError);
    await expect(store.load(holed!)).rejects.toThrow(/gap before seq 3/);
    // The newest row gone: the attribution, never compacted, still names it.
    await em.execute('delete from plan_update where plan_id = ? and seq = 3', [cut]);
    await expect(store.load(cut!)).rejects.toThrow(/ends at seq 2, but changes up to 3 were committed/);
    await expect(store.load(randomUUID())).rejects.toThrow(/not found/i);
  });
});

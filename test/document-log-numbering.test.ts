import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentStorage } from '../src/app/document-wiring.js';
import { openOrm, type MikroORM } from '../src/db/orm.js';
import { DocumentStore, type CommitEntry } from '../src/documents/document.store.js';
import type { DocumentId } from '../src/documents/document-id.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Two servers' stores (each its own ORM, pool and group commit) appending to the same documents at
 * once, as a plan edited through two servers is: every document's log must come out gapless and
 * without duplicates, each store must learn exactly what the other committed before its batch
 * (`missed`), and every entry must have its access-log row and its attribution.
 */
describe('numbering the log from its head row, across servers', () => {
  let t: TestApp;
  let otherOrm: MikroORM;
  let stores: [DocumentStore, DocumentStore];
  let author: SeededPerson;

  beforeAll(async () => {
    t = await startTestApp();
    otherOrm = await openOrm(t.databaseUrl);
    stores = [new DocumentStore(t.app.orm, documentStorage), new DocumentStore(otherOrm, documentStorage)];
    author = await seedFor(t).citizen('numbering-author');
  });
  afterAll(async () => {
    await otherOrm?.close();
    await t?.close();
  });

  const entry = (label: string): CommitEntry => {
    const doc = new Y.Doc();
    doc.getMap('period').set('note', new Y.Text(label));
    return { authorId: author.id, sections: ['period'], update: Y.encodeStateAsUpdate(doc), at: new Date(), door: 'LIVE' };
  };
  const sql = <T>(query: string, params: unknown[]) => t.app.orm.em.fork().execute<T[]>(query, params);

  it('stays gapless and complete for any interleaving of batches', async () => {
    await fc.assert(fc.asyncProperty(
      // Per store and document: the sizes of the batches it commits, one after another (as a LiveDocument does).
      fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), { minLength: 4, maxLength: 4 }),
      async (batches) => {
        const planId = (await seedFor(t).plan().withOwner(await seedFor(t).citizen(`numbering-${randomUUID()}`)).create()).id;
        const documents: DocumentId[] = [planId as DocumentId, `${planId}/restricted` as DocumentId];
        // Streams: (store 0, main), (store 0, restricted), (store 1, main), (store 1, restricted).
        const seen = await Promise.all(batches.map(async (sizes, stream) => {
          const store = stores[stream >> 1]!;
          const documentId = documents[stream & 1]!;
          let known = 0;
          const own: number[] = [];
          for (const size of sizes) {
            const result = await store.append(documentId, Array.from({ length: size }, (_, index) => entry(`${stream}.${index}`)), known);
            // What this copy learns must join up with what it had: the missed rows, then its own batch.
            const missed = result.missed.updates.map((update) => update.seq);
            expect(missed).toEqual(Array.from({ length: result.firstSeq - 1 - known }, (_, index) => known + 1 + index));
            for (let offset = 0; offset < size; offset += 1) own.push(result.firstSeq + offset);
            known = result.firstSeq + size - 1;
          }
          return { documentId, own };
        }));
        for (const [part, documentId] of [['main', documents[0]!], ['restricted', documents[1]!]] as const) {
          const mine = seen.filter((stream) => stream.documentId === documentId).flatMap((stream) => stream.own).sort((a, b) => a - b);
          const total = batches.filter((_, stream) => (stream & 1) === (part === 'main' ? 0 : 1)).flat().reduce((sum, size) => sum + size, 0);
          expect(mine).toEqual(Array.from({ length: total }, (_, index) => index + 1));
          const logged = (await sql<{ seq: string }>('select seq from plan_update where plan_id = ? and part = ? order by seq', [planId, part])).map((row) => Number(row.seq));
          expect(logged).toEqual(mine);
          const [head] = await sql<{ head: string }>('select head from plan_log_head where plan_id = ? and part = ?', [planId, part]);
          expect(Number(head!.head)).toBe(total);
          const [attributed] = await sql<{ changes: string; first: string; last: string }>(
            'select sum(changes) as changes, min(first_seq) as first, max(last_seq) as last from plan_change where plan_id = ? and part = ?',
            [planId, part],
          );
          expect([Number(attributed!.changes), Number(attributed!.first), Number(attributed!.last)]).toEqual([total, 1, total]);
        }
        const [rows] = await sql<{ n: string }>(`select count(*) as n from access_log where plan_id = ? and action = 'WRITE' and door = 'LIVE'`, [planId]);
        expect(Number(rows!.n)).toBe(batches.flat().reduce((sum, size) => sum + size, 0));
      },
    ), { numRuns: 12 });
  });
});

/**
 * How the cost of checking one incoming change grows with the document. The server inspects
 * every update before applying it (src/documents/update-inspector.ts); that must cost time in
 * proportion to the update, not to the plan. Printed beside a baseline measured in the same run:
 * the obvious alternative of applying the update to a scratch copy of the document and diffing.
 *
 * One workload of `npm run bench` (the original benchmark, unchanged in what it measures).
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { defineSections } from '../../src/documents/document.template.js';
import { inspectUpdate } from '../../src/documents/update-inspector.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';

const SIZES = [100, 1_000, 10_000, 50_000];
const ROUNDS = 200;

function planWithEntries(entries: number): Y.Doc {
  const doc = new Y.Doc();
  defineSections(doc);
  const goals = doc.getArray<Y.Map<unknown>>('goals');
  doc.transact(() => {
    for (let index = 0; index < entries; index += 1) {
      goals.push([new Y.Map<unknown>([['id', `g${index}`], ['text', new Y.Text(`Goal number ${index}, written out a little`)]])]);
    }
  });
  return doc;
}

/** One keystroke in the middle entry's text, as a client would send it. */
function keystroke(doc: Y.Doc): Uint8Array {
  const client = new Y.Doc();
  defineSections(client);
  Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(client);
  const goals = client.getArray<Y.Map<Y.Text>>('goals');
  goals.get(Math.floor(goals.length / 2)).get('text')!.insert(5, 'x');
  return Y.encodeStateAsUpdate(client, before);
}

function microseconds(run: () => void, rounds: number): number {
  for (let index = 0; index < Math.min(rounds, 20); index += 1) run(); // warm up
  const started = performance.now();
  for (let index = 0; index < rounds; index += 1) run();
  return ((performance.now() - started) / rounds) * 1000;
}

export async function runUpdateInspection(report: BenchReport): Promise<void> {
  progress.phase(`update inspection: one keystroke against documents of ${SIZES.join(', ')} entries`);
  const rows: Array<Record<string, string | number>> = [];
  for (const size of SIZES) {
    const doc = planWithEntries(size);
    const update = keystroke(doc);
    const inspect = microseconds(() => {
      const result = inspectUpdate(doc, update);
      if (!result.ok) throw new Error(result.reason);
    }, ROUNDS);
    const baseline = microseconds(() => {
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
      Y.applyUpdate(scratch, update);
    }, Math.max(3, Math.round(ROUNDS / (size / 100))));
    rows.push({ entries: size, 'document bytes': Y.encodeStateAsUpdate(doc).byteLength, 'update bytes': update.byteLength, 'inspect µs': inspect.toFixed(1), 'baseline (copy + apply) µs': baseline.toFixed(0), 'baseline / inspect': (baseline / inspect).toFixed(0) });
    doc.destroy();
  }
  const first = Number(rows[0]!['inspect µs']);
  const last = Number(rows[rows.length - 1]!['inspect µs']);
  report.note(`Inspecting a keystroke: ${first} µs at ${SIZES[0]} entries, ${last} µs at ${SIZES[SIZES.length - 1]} entries (×${(last / first).toFixed(1)} for a ×${SIZES[SIZES.length - 1]! / SIZES[0]!} larger document).`);
  progress.done();
  report.add('2b. update inspection cost against document size', rows, rows);
}

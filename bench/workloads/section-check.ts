import * as Y from 'yjs';
import { defineSections } from '../../src/documents/document.template.js';
import { inspectUpdate } from '../../src/documents/update-inspector.js';
import type { BenchOptions } from '../lib/options.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { round } from '../lib/stats.js';

const ENTRIES = 20;
/** Each round is a few tens of milliseconds; the best of many is what the code costs without the machine's noise. */
const ROUNDS = 15;

/** A client document after `edits` keystrokes spread over a few entries, and the keystrokes that follow. */
function typedDocument(edits: number, measured: number): { state: Uint8Array; keystrokes: Uint8Array[] } {
  const client = new Y.Doc();
  defineSections(client);
  const goals = client.getArray<Y.Map<unknown>>('goals');
  client.transact(() => {
    for (let index = 0; index < ENTRIES; index += 1) goals.push([new Y.Map<unknown>([['id', `g${index}`], ['text', new Y.Text('')]])]);
  });
  const textOf = (edit: number) => goals.get(edit % ENTRIES).get('text') as Y.Text;
  for (let edit = 0; edit < edits; edit += 1) textOf(edit).insert(textOf(edit).length, 'x');
  const state = Y.encodeStateAsUpdate(client);
  const keystrokes: Uint8Array[] = [];
  client.on('update', (update: Uint8Array) => keystrokes.push(update));
  for (let edit = 0; edit < measured; edit += 1) textOf(edit).insert(Math.floor(textOf(edit).length / 2), 'y');
  client.destroy();
  return { state, keystrokes };
}

/** CPU seconds (user + system) spent applying every keystroke to a fresh copy of the server's document. */
function cpuFor(state: Uint8Array, keystrokes: Uint8Array[], check: boolean): number {
  const doc = new Y.Doc();
  defineSections(doc);
  Y.applyUpdate(doc, state);
  const before = process.cpuUsage();
  for (const update of keystrokes) {
    if (check) {
      const inspection = inspectUpdate(doc, update);
      if (!inspection.ok) throw new Error(inspection.reason);
    }
    Y.applyUpdate(doc, update);
  }
  const used = process.cpuUsage(before);
  doc.destroy();
  return (used.user + used.system) / 1e6;
}

/** Workload 2: what the section check adds to each update, in-process: inspect + apply against apply only. */
export async function runSectionCheck(report: BenchReport, options: BenchOptions): Promise<void> {
  const { documentEdits, measuredEdits } = options.sectionCheck;
  progress.phase(`section check: ${measuredEdits} keystrokes on a ${documentEdits}-edit document`);
  const { state, keystrokes } = typedDocument(documentEdits, measuredEdits);
  // Alternate and repeat so JIT warm-up and GC fall on both sides alike; keep the best of each.
  const checked: number[] = [];
  const unchecked: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    unchecked.push(cpuFor(state, keystrokes, false));
    checked.push(cpuFor(state, keystrokes, true));
    progress.status(`round ${round + 1}/${ROUNDS}`);
  }
  const checkedUs = (Math.min(...checked) / keystrokes.length) * 1e6;
  const uncheckedUs = (Math.min(...unchecked) / keystrokes.length) * 1e6;
  const ratio = checkedUs / uncheckedUs;
  progress.done();
  const result = { documentEdits, documentBytes: state.byteLength, keystrokes: keystrokes.length, applyOnlyMicros: round(uncheckedUs, 2), inspectAndApplyMicros: round(checkedUs, 2), ratio: round(ratio, 2) };
  report.add('2. section check cost (CPU per update, in-process)', result, [{
    'document edits': documentEdits,
    'document bytes': state.byteLength,
    'apply only µs': result.applyOnlyMicros,
    'inspect + apply µs': result.inspectAndApplyMicros,
    ratio: result.ratio,
  }]);
  report.target({ workload: 'section check', goal: '≤ 1.3× CPU of applying unchecked', measured: `${ratio.toFixed(2)}×`, met: ratio <= 1.3 });
}

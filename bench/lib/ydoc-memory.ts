/**
 * The loaded-plan floor (bench/workloads/memory.ts): run as a child with `--expose-gc`, it reads
 * length-prefixed Yjs states from the file named on its command line, holds each in a bare
 * `Y.Doc`, and prints what one such document costs once garbage is collected: the least any
 * server keeping the plan as a Yjs document in memory can hold.
 */
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const bytes = readFileSync(process.argv[2]!);
const states: Uint8Array[] = [];
for (let offset = 0; offset < bytes.byteLength;) {
  const length = bytes.readUInt32LE(offset);
  states.push(bytes.subarray(offset + 4, offset + 4 + length));
  offset += 4 + length;
}
const used = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { js: usage.heapUsed + usage.external, rss: usage.rss };
};
const before = used();
const docs = states.map((state) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
});
const after = used();
process.stdout.write(JSON.stringify({
  documents: docs.length,
  encodedBytes: states.reduce((sum, state) => sum + state.byteLength, 0) / states.length,
  jsBytesPerDocument: (after.js - before.js) / docs.length,
  rssBytesPerDocument: (after.rss - before.rss) / docs.length,
}));

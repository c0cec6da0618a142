/**
 * One status line on stderr, rewritten in place while a workload runs (plain lines when stderr is
 * not a terminal, so CI logs stay readable). Results go to stdout, so `npm run bench > out.txt` works.
 */
const interactive = process.stderr.isTTY === true;
let started = Date.now();
let lastPlain = 0;

export function phase(name: string): void {
  started = Date.now();
  if (interactive) process.stderr.write('\r\x1b[K');
  process.stderr.write(`▶ ${name}\n`);
}

export function status(text: string): void {
  const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  if (interactive) {
    process.stderr.write(`\r\x1b[K  ${elapsed}s  ${text}`);
  } else if (Date.now() - lastPlain > 5_000) {
    lastPlain = Date.now();
    process.stderr.write(`  ${elapsed}s  ${text}\n`);
  }
}

export function done(text = 'done'): void {
  if (interactive) process.stderr.write('\r\x1b[K');
  process.stderr.write(`  ✓ ${text} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}

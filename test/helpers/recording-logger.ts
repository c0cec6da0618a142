import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A logger that keeps every record, to see what the server did (loads, unloads, errors). */
export function recordingLogger(level: pino.Level = 'debug') {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), records };
}

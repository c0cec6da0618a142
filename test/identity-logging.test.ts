import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.js';
import { nationalIdentityNumber } from './helpers/fake-issuer.js';

describe('the log and national identity numbers', () => {
  it('redacts them as fields and masks them inside messages and errors', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ logLevel: 'info' }, destination);
    const number = nationalIdentityNumber('240594', 117);
    const synthetic = nationalIdentityNumber('240594', 117, true);
    logger.info({ event: 'x', nationalIdentityNumber: number, claims: { pid: synthetic } });
    logger.error({ event: 'y', err: new Error(`insert into "person" values ('${number}') - duplicate key`) }, `about ${synthetic}`);
    // Other digits stay: timestamps, counts, twelve-digit numbers.
    logger.info({ event: 'z', count: 12345678901234, text: '123456789012' });
    const log = lines.join('');
    expect(log).not.toContain(number);
    expect(log).not.toContain(synthetic);
    expect(log).toContain('[national identity number]');
    expect(log).toContain('12345678901234');
    expect(log).toContain('123456789012');
  });
});

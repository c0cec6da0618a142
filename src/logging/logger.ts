import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { maskNationalIdentityNumbers } from '../people/national-identity-number.js';

export type { Logger };

/**
 * One JSON line per event. Callers log ids and outcomes, never names, tokens or plan content:
 * the log is not a place for personal data.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  /** @default stdout (command-line tools keep stdout for their output and log to stderr) */
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'samplan' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'nationalIdentityNumber', '*.nationalIdentityNumber', 'pid', '*.pid'], censor: '[redacted]' },
    // Last line of defence: a national identity number inside a message (a driver error quoting its SQL) is masked too.
    hooks: { streamWrite: maskNationalIdentityNumbers },
  };
  return destination ? pino(options, destination) : pino(options);
}

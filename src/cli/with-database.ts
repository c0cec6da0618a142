import { pino } from 'pino';
import { parseConfig, type Config } from '../config/config.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { closeOrm, openOrm, type MikroORM } from '../db/orm.js';
import { createLogger, type Logger } from '../logging/logger.js';

/**
 * Runs a command-line task against the configured database (the embedded one when DATABASE_URL
 * is unset), then closes everything, exiting non-zero with a clear message on failure.
 */
export async function withDatabase(task: (orm: MikroORM, logger: Logger, config: Config) => Promise<void>): Promise<void> {
  const config = parseConfig();
  // stdout is the command's own output (verify-access-log's lines, to keep elsewhere): logs go to stderr.
  const logger = createLogger(config, pino.destination(2));
  const embedded =
    config.database.kind === 'embedded'
      ? await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.port, logger })
      : null;
  try {
    const orm = await openOrm(embedded?.url ?? (config.database as { url: string }).url, logger);
    try {
      await task(orm, logger, config);
    } finally {
      await closeOrm(orm);
    }
  } finally {
    await embedded?.stop();
  }
}

export function runCli(task: () => Promise<void>): void {
  task().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

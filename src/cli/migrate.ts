import { prepareDatabase } from '../db/prepare-database.js';
import { runCli, withDatabase } from './with-database.js';

/** Migrates as the owner and grants the serving role its privileges, as a starting server does. */
runCli(() =>
  withDatabase(async (orm, logger, config) => {
    const { applied } = await prepareDatabase(orm, config.database, logger);
    process.stderr.write(applied.length ? `Applied ${applied.length} migration(s).\n` : 'Database is up to date.\n');
  }),
);

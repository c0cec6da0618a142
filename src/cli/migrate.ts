import { migrate } from '../db/orm.js';
import { runCli, withDatabase } from './with-database.js';

runCli(() =>
  withDatabase(async (orm, logger) => {
    const applied = await migrate(orm, logger);
    process.stderr.write(applied.length ? `Applied ${applied.length} migration(s).\n` : 'Database is up to date.\n');
  }),
);

import { migrate } from '../db/orm.js';
import { runCli, withDatabase } from './with-database.js';

/** Brings the database up to date, then writes a migration for whatever the entities add. */
runCli(() =>
  withDatabase(async (orm, logger) => {
    await migrate(orm, logger);
    const result = await orm.getMigrator().createMigration();
    if (!result.diff.up.length) {
      process.stderr.write('Entities and database agree: no migration written.\n');
      return;
    }
    process.stderr.write(`Wrote migrations/${result.fileName}. Review it, then add it to migrations/index.ts.\n`);
  }),
);

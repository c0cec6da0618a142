import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logging/logger.js';
import { migrationsList } from '../../migrations/index.js';
import { entities } from './entities.js';

export type { MikroORM };

/** The ORM settings shared by the server and the CLI tools. */
export function ormOptions(url: string, logger?: Logger): Options {
  return defineConfig({
    clientUrl: url,
    entities,
    extensions: [Migrator],
    forceUtcTimezone: true,
    // Each request forks its own EntityManager; a global one would leak state between requests.
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    migrations: {
      tableName: 'mikro_orm_migrations',
      // Migrations are listed explicitly, so no file globbing is needed at run time.
      migrationsList,
      path: 'migrations',
      pathTs: 'migrations',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      // No schema snapshot files: new migrations are diffed against the migrated database itself.
      snapshot: false,
    },
    logger: (message) => logger?.debug({ event: 'orm', message }),
    debug: false,
  });
}

export async function openOrm(url: string, logger?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormOptions(url, logger));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM, logger: Logger): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  for (const migration of applied) logger.info({ event: 'migration.applied', name: migration.name });
  return applied.map((migration) => migration.name);
}

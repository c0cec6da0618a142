import { DataloaderType, MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { migrationsList } from '../../migrations/index.js';
import { entities } from './entities.js';
import { grantServingRole } from './database-roles.js';
import { closeHotReads } from './prepared-statements.js';

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
    // References loaded in the same tick (a GraphQL list's participants' persons) are fetched in one query.
    dataloader: DataloaderType.REFERENCE,
    // em.create runs the entities' onCreate hooks at once (src/db/entity-properties.ts): a new
    // entity has its id, defaults and nulls before it is flushed.
    processOnCreateHooksEarly: true,
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

/** Closes the ORM and the pool its hot reads run on (src/db/prepared-statements.ts). */
export async function closeOrm(orm: MikroORM): Promise<void> {
  await closeHotReads(orm);
  await orm.close();
}

/** Session advisory-lock key held while migrating ('SAMPLAN' in hex, truncated). */
const MIGRATION_LOCK = 0x53414d50;

/**
 * Applies pending migrations; returns the names applied. Several servers may start at once on one
 * database (docs/deployment.md): one migrates while the others wait on a lock, then find nothing
 * left to do. The lock lives on a connection of its own and ends with it, even if this process dies.
 * With `servingRole`, that role is then granted what the server needs on every table, under the
 * same lock (src/db/database-roles.ts).
 */
export async function migrate(orm: MikroORM, logger: Logger, options: { servingRole?: string } = {}): Promise<string[]> {
  const lock = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    for (const migration of applied) logger.info({ event: 'migration.applied', name: migration.name });
    if (options.servingRole) await grantServingRole(lock, options.servingRole);
    return applied.map((migration) => migration.name);
  } finally {
    await lock.end();
  }
}

import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { assertServingRoleCannotErase, servingLogin, type ServingLogin } from './database-roles.js';
import { migrate, type MikroORM } from './orm.js';

/**
 * Makes the database ready to serve: the serving role can log in, the owner has applied every
 * migration and granted that role its privileges, and the role cannot erase the access log.
 * Returns where to connect to serve, and the migrations applied.
 */
export async function prepareDatabase(owner: MikroORM, database: Config['database'], logger: Logger): Promise<ServingLogin & { applied: string[] }> {
  const ownerUrl = owner.config.get('clientUrl')!;
  const login = await servingLogin(ownerUrl, database.kind === 'external' ? database.appUrl : undefined, logger);
  const applied = await migrate(owner, logger, { servingRole: login.role });
  await assertServingRoleCannotErase(login, ownerUrl);
  return { ...login, applied };
}

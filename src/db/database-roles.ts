import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { ACCESS_LOG_SERVING_PRIVILEGES, SERVING_ROLE_CHECK_SQL, whyRoleCouldErase, type ServingRoleCheck } from '../access-log/access-log.roles.js';
import type { Logger } from '../logging/logger.js';

/**
 * Two roles (docs/deployment.md, "Database roles"): the owner, which owns the tables and runs the
 * migrations (DATABASE_URL, or `postgres` in the embedded PostgreSQL), and the role the server
 * serves as, which owns nothing and may not erase the access log. That one is DATABASE_APP_URL's
 * user when it is set, else `samplan_app`, made here by the owner.
 */
export const DERIVED_SERVING_ROLE = 'samplan_app';

export interface ServingLogin {
  /** Where the server connects to serve. */
  url: string;
  role: string;
}

/** PostgreSQL's answer when a login is refused: no such role, or a wrong password. */
const LOGIN_REFUSED = new Set(['28000', '28P01']);
/** The owner may not create or alter roles (no CREATEROLE). */
const INSUFFICIENT_PRIVILEGE = '42501';
/** Two servers making or changing the role at once (roles are shared by every database of a server). */
const ROLE_RACE = new Set(['42710', '23505', 'XX000']);

/**
 * The login the server serves with. With DATABASE_APP_URL, the role a DBA made. Without it,
 * `samplan_app` on the owner's server and database, with a password derived from the owner's
 * (so every server of a deployment computes the same one without storing it); if that login is
 * refused, the owner makes the role or sets its password (it needs CREATEROLE). Safe when several
 * servers, or test databases of one PostgreSQL, start at once.
 */
export async function servingLogin(
  ownerUrl: string,
  appUrl: string | undefined,
  logger: Logger,
  /** @default samplan_app (tests name a role of their own to watch it being made) */
  derivedRole: string = DERIVED_SERVING_ROLE,
): Promise<ServingLogin> {
  if (appUrl) return { url: appUrl, role: decodeURIComponent(new URL(appUrl).username) };
  const url = new URL(ownerUrl);
  const password = derivedPassword(decodeURIComponent(url.password), derivedRole);
  url.username = derivedRole;
  url.password = password;
  const login = { url: url.toString(), role: derivedRole };
  if (!(await loginRefused(login.url))) return login;
  // Missing (or made by another server meanwhile, with the same password): make it. Still
  // refused: it exists with another password, so set this one.
  const statements = ['create', 'alter'].map((verb) => (client: pg.Client) =>
    client.query(`${verb} role ${client.escapeIdentifier(derivedRole)} with login password ${client.escapeLiteral(scramVerifier(password))}`));
  let refused: Error | null = null;
  for (const statement of statements) {
    await asOwner(ownerUrl, statement).catch((error: unknown) => {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      throw new Error(
        `DATABASE_URL's role ${decodeURIComponent(new URL(ownerUrl).username)} may not create the serving role ${derivedRole} or set its password: it lacks CREATEROLE. ` +
          `Grant it CREATEROLE, or make a serving role and set DATABASE_APP_URL (docs/deployment.md, "Database roles").`,
        { cause: error },
      );
    });
    refused = await loginRefused(login.url);
    if (!refused) {
      logger.info({ event: 'database.serving_role_ready', role: derivedRole });
      return login;
    }
  }
  throw new Error(`Cannot log in as ${derivedRole} to serve (${refused?.message}). Make a serving role and set DATABASE_APP_URL (docs/deployment.md, "Database roles").`, { cause: refused });
}

/**
 * Gives the serving role what it needs on every table, and no more on the access log and the
 * migrations table. Run by the owner after each migration run (under the migration lock, so
 * servers starting together do it one at a time), so tables new migrations made are covered.
 * One statement list, one implicit transaction: no moment where the role holds more.
 */
export async function grantServingRole(owner: pg.Client, role: string): Promise<void> {
  const who = owner.escapeIdentifier(role);
  const limited = { ...ACCESS_LOG_SERVING_PRIVILEGES, mikro_orm_migrations: ['select'] };
  await owner.query(
    [
      `grant usage on schema public to ${who}`,
      `revoke all on all tables in schema public from ${who}`,
      `revoke all on all sequences in schema public from ${who}`,
      `grant select, insert, update, delete on all tables in schema public to ${who}`,
      `grant usage, select on all sequences in schema public to ${who}`,
      ...Object.keys(limited).map((table) => `revoke all on table ${owner.escapeIdentifier(table)} from ${who}`),
      ...Object.entries(limited).map(([table, privileges]) => `grant ${privileges.join(', ')} on table ${owner.escapeIdentifier(table)} to ${who}`),
    ].join(';\n'),
  );
}

/**
 * Refuses to serve as a role that could erase or change the access log (a superuser, its owner,
 * src/access-log/access-log.roles.ts says which else), or on another database than the one the
 * owner migrated and guards.
 */
export async function assertServingRoleCannotErase(login: ServingLogin, ownerUrl: string): Promise<void> {
  const identity = (client: pg.Client) => client.query<DatabaseIdentity>(DATABASE_IDENTITY_SQL).then(({ rows }) => rows[0]!);
  const owner = await withClient(ownerUrl, identity);
  await withClient(login.url, async (client) => {
    const serving = await identity(client);
    if (serving.database !== owner.database || serving.cluster !== owner.cluster) {
      throw new Error(`DATABASE_APP_URL must name the same database as DATABASE_URL: it names ${serving.database}, DATABASE_URL ${owner.database}${serving.cluster === owner.cluster ? '' : ' on another server'}.`);
    }
    const { rows } = await client.query<ServingRoleCheck>(SERVING_ROLE_CHECK_SQL);
    const why = rows[0] ? whyRoleCouldErase(rows[0]) : `${login.role} was not found`;
    if (why) throw new Error(`The server may not serve as a database role that can erase the access log: ${why}. Serve as a role without it (docs/deployment.md, "Database roles").`);
  });
}

/** Which database a connection is on: its name, and the PostgreSQL cluster's identifier. */
const DATABASE_IDENTITY_SQL = 'select current_database() as database, system_identifier::text as cluster from pg_control_system()';
interface DatabaseIdentity {
  database: string;
  cluster: string;
}

/** Runs `task` on a client of its own, closed afterwards whatever happens. */
export async function withClient<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** The error when a login is refused, null when it works; anything else (server down) is thrown. */
async function loginRefused(url: string): Promise<(Error & { code?: string }) | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return null;
  } catch (error) {
    if (LOGIN_REFUSED.has((error as { code?: string }).code ?? '')) return error as Error;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function asOwner(ownerUrl: string, task: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await task(client);
  } catch (error) {
    // Another server got there first; the next login attempt shows whether it is enough.
    if (!ROLE_RACE.has((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await client.end();
  }
}

/** The same for every server holding the owner's password; with a passwordless owner (trust) it only needs to be stable. */
function derivedPassword(ownerPassword: string, role: string): string {
  return createHmac('sha256', ownerPassword).update(`samplan serving role ${role}`).digest('base64url');
}

/**
 * A SCRAM-SHA-256 verifier (RFC 5802, as PostgreSQL stores it), so the password itself never
 * reaches the server or its statement log. The password is ASCII, which SASLprep leaves as is.
 */
function scramVerifier(password: string): string {
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

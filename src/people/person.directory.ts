import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Identity } from '../auth/token-verifier.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import sql, { type Sql } from 'sql-template-tag';
import { entityFromRow } from '../db/entity-rows.js';
import { readRows, writeRow } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';
import { groupedLoader } from '../db/grouped-loader.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../logging/logger.js';
import type { PeopleDeps } from './person-ref.js';
import { unauthenticated } from '../errors/error-codes.js';
import { Person } from './person.entity.js';

/**
 * Display names by person id, for a door with no request-scoped services that shows who is there
 * (the live document's presence): one prepared statement for all of `ids`. An id with no person
 * is absent from the map.
 */
export async function displayNamesOf(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await readRows<{ id: string; display_name: string }>(em, sql`select "id", "display_name" from "person" where "id" = any(${sqlArray(ids)}::uuid[])`);
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/**
 * The one person `where` names (by a unique key), as a managed entity: a prepared read, since it
 * runs at sign-ins (by national identity number, when the token carries one).
 */
async function personWhere(em: EntityManager, where: Sql): Promise<Person | null> {
  const [row] = await readRows<Record<string, unknown> & { id: string }>(em, sql`select * from "person" where ${where} limit 1`);
  return row ? entityFromRow(em, Person, row) : null;
}

const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

type PersonRow = Record<string, unknown> & { id: string; issuer: string | null; subject: string | null };

/** Issuer and subject as one map key; the NUL between them appears in neither (PostgreSQL's text holds no NUL). */
const subjectKey = (issuer: string | null, subject: string | null) => `${issuer}\u0000${subject}`;

/**
 * The person table's part in sign-ins with tokens this server has not seen yet, grouped as a
 * group commit groups (`groupedLoader`): sign-ins that arrive while the database is busy with
 * earlier ones share the next statement. A join storm's 200 are a few dozen statements, not 600, and its "last
 * seen" a few dozen commits, not 200.
 */
export interface PersonSignIns {
  /** The person row an issuer and subject name, or null. */
  bySubject: DataLoader<{ issuer: string; subject: string }, PersonRow | null>;
  /** Sets "last seen" of a person to the clock's now (one statement, committed on its own). */
  seen: DataLoader<string, void>;
}

export function personSignIns(orm: MikroORM, clock: Clock): PersonSignIns {
  return {
    bySubject: groupedLoader(async (keys) => {
      const rows = await readRows<PersonRow>(
        orm.em.fork(),
        sql`select * from "person" where ("issuer", "subject") in (select * from unnest(${sqlArray(keys.map((key) => key.issuer))}::text[], ${sqlArray(keys.map((key) => key.subject))}::text[]))`,
      );
      const found = new Map(rows.map((row) => [subjectKey(row.issuer, row.subject), row]));
      // Each caller gets a row of its own: it becomes an entity of that caller's EntityManager.
      return keys.map((key) => {
        const row = found.get(subjectKey(key.issuer, key.subject));
        return row ? { ...row } : null;
      });
    }),
    seen: groupedLoader(async (personIds) => {
      await writeRow(orm.em.fork(), sql`update "person" set "last_seen_at" = ${clock.now()} where "id" = any(${sqlArray(personIds)}::uuid[])`);
      return personIds.map(() => undefined);
    }),
  };
}

export interface SignedInPerson {
  person: Person;
  /**
   * "Last seen" being written (at most hourly): the caller awaits it beside its own reads (the
   * memberships), so a sign-in waits on one round trip for both, not two in turn.
   */
  lastSeenWritten: Promise<void>;
  /** The token's name replaced the one the person had (committed): others now see them by it. */
  renamed: boolean;
}

/** A person's name until a token or an invitation gives one: ID-porten's tokens carry none (docs/identity.md). */
export const UNKNOWN_NAME = 'Ukjent navn';

/**
 * The person a verified token names, found or created on first sign-in (docs/identity.md, "Who a
 * person is"): by national identity number when the token carries one, since ID-porten's `sub`
 * differs per client; else by issuer and subject. A person first known by issuer and subject gets
 * the number recorded; one invited by number gets the issuer and subject of their first sign-in.
 * Their name is kept current when the token has one, and the configured first administrator promoted.
 */
export async function personOfIdentity(
  uow: UnitOfWork,
  identity: Identity,
  deps: Pick<PeopleDeps, 'clock' | 'bootstrapAdmin'>,
  signIns: PersonSignIns,
  logger?: Logger,
): Promise<SignedInPerson> {
  try {
    return await findOrCreate(uow.em, identity, deps, signIns, logger);
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    // The same person signing in twice at once (two clients, two tabs): the other request made the row.
    uow.em.clear();
    return findOrCreate(uow.em, identity, deps, signIns, logger);
  }
}

async function findOrCreate(
  em: EntityManager,
  identity: Identity,
  deps: Pick<PeopleDeps, 'clock' | 'bootstrapAdmin'>,
  signIns: PersonSignIns,
  logger?: Logger,
): Promise<SignedInPerson> {
  const now = deps.clock.now();
  const { issuer, subject, nationalIdentityNumber: number } = identity;
  const subjectRow = await signIns.bySubject.load({ issuer, subject });
  const bySubject = subjectRow ? entityFromRow(em, Person, subjectRow) : null;
  const byNumber = number ? await personWhere(em, sql`"kind" = ${identity.kind} and "national_identity_number" = ${number}`) : null;
  let person: Person;
  let created = false;
  if (byNumber) {
    person = byNumber;
    if (bySubject && bySubject.id !== byNumber.id) {
      // Two rows for one human: one by subject from before the number was known, one invited by
      // number. The number decides; the other row is left as it is for an operator to look at.
      logger?.warn({ event: 'person.identity_split', personId: byNumber.id, otherPersonId: bySubject.id, issuer });
    } else if (person.issuer === null) {
      person.issuer = issuer;
      person.subject = subject;
    }
  } else if (bySubject) {
    person = bySubject;
    if (number && bySubject.nationalIdentityNumber && bySubject.nationalIdentityNumber !== number) {
      // The issuer now gives this account another number (a D-nummer replaced by a fødselsnummer, or
      // a mistake): Samplan does not move a person's plans between numbers on its own.
      logger?.warn({ event: 'person.identity_conflict', personId: bySubject.id, issuer });
      throw unauthenticated('Your identity provider now gives another national identity number for this account; ask your coordinating unit to resolve it');
    }
    if (number) person.nationalIdentityNumber = number;
  } else {
    created = true;
    person = em.create(Person, {
      issuer,
      subject,
      nationalIdentityNumber: number,
      displayName: identity.displayName ?? UNKNOWN_NAME,
      kind: identity.kind,
      lastSeenAt: now,
    });
  }
  const isBootstrapAdmin = deps.bootstrapAdmin?.issuer === issuer && deps.bootstrapAdmin.subject === subject;
  const stale = !person.lastSeenAt || now.getTime() - person.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;
  // A token without a name (ID-porten's) leaves the name the person has (from an invitation, or set by themself).
  // A person made just now is in no plan yet: nobody saw another name.
  const renamed = !created && identity.displayName !== null && person.displayName !== identity.displayName;
  if (identity.displayName !== null) person.displayName = identity.displayName;
  if (person.kind === 'PERSONNEL') person.hprNumber = identity.hprNumber;
  if (isBootstrapAdmin) person.isAdmin = true;
  // The identity's own changes: usually none, and then no statement at all.
  await em.flush();
  // When they were last seen, at most hourly, as a statement of its own (shared with the sign-ins
  // that arrive together): in the flush it would cost a transaction (three round trips) at every
  // first sign-in of the hour, which was most of a join storm's database work after a restart.
  // (The entity returned keeps the time it was read with: nothing after sign-in reads it.)
  const lastSeenWritten = stale ? signIns.seen.load(person.id) : Promise.resolve();
  return { person, lastSeenWritten, renamed };
}

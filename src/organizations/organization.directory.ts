import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import sql from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';
import { groupedLoader } from '../db/grouped-loader.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { Actor } from '../policy/actor.js';
import { Organization, type MembershipRole, type OrganizationKind } from './organization.entity.js';

/*
 * What the organizations module tells other modules about units and their staff, for code that
 * runs inside their transactions or in scheduler handlers with no actor: ids and kinds only.
 */

/** Staff of a unit (person ids, oldest membership first), to notify. */
export async function staffIdsOf(uow: UnitOfWork, unitId: string): Promise<string[]> {
  const rows = await uow.em.execute<Array<{ person_id: string }>>(
    'select "person_id" from "membership" where "organization_id" = ? order by "created_at", "id"',
    [unitId],
  );
  return rows.map((row) => row.person_id);
}

/** The coordinating unit of a municipality (kommunenummer), or null when it has none. */
export async function coordinatingUnitIdOf(uow: UnitOfWork, municipality: string): Promise<string | null> {
  const [row] = await uow.em.execute<Array<{ id: string }>>(
    `select "id" from "organization" where "kind" = 'COORDINATING_UNIT' and "municipality" = ? order by "created_at", "id" limit 1`,
    [municipality],
  );
  return row?.id ?? null;
}

/** The unit of `id`, or null when there is none. */
export async function unitById(uow: UnitOfWork, id: string): Promise<Organization | null> {
  return uow.em.findOne(Organization, id);
}

/**
 * The memberships the policy needs to know about a person (their actor's `memberships`): one
 * prepared read, asked for every event a unit's subscriber hears (and, batched, at every sign-in:
 * {@link membershipsAtSignIn}), so no entities are made of it.
 */
export async function membershipFactsOf(uow: UnitOfWork, personId: string): Promise<Actor['memberships']> {
  return (await membershipFactsByPerson(uow.em, [personId])).get(personId) ?? [];
}

/**
 * The memberships of people signing in, grouped (`groupedLoader`): those that arrive while the
 * database is busy with earlier ones share the next read. A sign-in with a token this server has
 * not seen asks for them, and a join storm brings 200 at once.
 */
export function membershipsAtSignIn(orm: MikroORM): DataLoader<string, Actor['memberships']> {
  return groupedLoader(async (personIds) => {
    const found = await membershipFactsByPerson(orm.em.fork(), personIds);
    return personIds.map((personId) => found.get(personId) ?? []);
  });
}

async function membershipFactsByPerson(em: EntityManager, personIds: readonly string[]): Promise<Map<string, Actor['memberships']>> {
  const rows = await readRows<{ person_id: string; organization_id: string; kind: OrganizationKind; role: MembershipRole; municipality: string | null }>(
    em,
    sql`select m."person_id", m."organization_id", o."kind", m."role", o."municipality"
          from "membership" m join "organization" o on o."id" = m."organization_id"
         where m."person_id" = any(${sqlArray(personIds)}::uuid[])`,
  );
  const byPerson = new Map<string, Array<Actor['memberships'][number]>>();
  for (const row of rows) {
    const memberships = byPerson.get(row.person_id) ?? [];
    memberships.push({ organizationId: row.organization_id, organizationKind: row.kind, role: row.role, municipality: row.municipality ?? null });
    byPerson.set(row.person_id, memberships);
  }
  return byPerson;
}

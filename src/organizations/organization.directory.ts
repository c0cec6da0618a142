import sql from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
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
 * prepared read, asked at every sign-in with a token this server has not seen and for every event
 * a unit's subscriber hears, so no entities are made of it.
 */
export async function membershipFactsOf(uow: UnitOfWork, personId: string): Promise<Actor['memberships']> {
  const rows = await readRows<{ organization_id: string; kind: OrganizationKind; role: MembershipRole; municipality: string | null }>(
    uow.em,
    sql`select m."organization_id", o."kind", m."role", o."municipality"
          from "membership" m join "organization" o on o."id" = m."organization_id"
         where m."person_id" = ${personId}::uuid`,
  );
  return rows.map((row) => ({ organizationId: row.organization_id, organizationKind: row.kind, role: row.role, municipality: row.municipality ?? null }));
}

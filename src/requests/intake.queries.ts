import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Staff of a unit, to notify. Read directly (not through OrganizationService.members) because it
 * runs inside other transactions and scheduler handlers with no actor; it exposes ids only.
 */
export async function staffIdsOf(em: EntityManager, unitId: string): Promise<string[]> {
  const rows = await em.execute<Array<{ person_id: string }>>(
    'select "person_id" from "membership" where "organization_id" = ? order by "created_at", "id"',
    [unitId],
  );
  return rows.map((row) => row.person_id);
}

/** The coordinating unit of a municipality (kommunenummer), or null when it has none. */
export async function coordinatingUnitIdOf(em: EntityManager, municipality: string): Promise<string | null> {
  const [row] = await em.execute<Array<{ id: string }>>(
    `select "id" from "organization" where "kind" = 'COORDINATING_UNIT' and "municipality" = ? order by "created_at", "id" limit 1`,
    [municipality],
  );
  return row?.id ?? null;
}

import type { PlanKind, PlanStatus } from './plan.entity.js';

/**
 * A plan as a read of it sees it: the GraphQL `Plan` type's mapper, and what the policy's facts are
 * built from. Each reference is the id it names. A `Plan` entity is one; a plan read makes it from
 * its row and never an entity, which cost the ORM's work (hydrating every column, its identity map,
 * its snapshot, the accessors of its references) on every read of a plan: 9% of the main thread
 * of a plan query (bench/README.md). What changes a plan loads the entity.
 */
export interface PlanModel {
  id: string;
  /** The person the plan is for. */
  owner: { id: string };
  title: string;
  status: PlanStatus;
  kind: PlanKind;
  createdAt: Date;
  updatedAt: Date;
  endedAt?: Date | null;
  endedBy?: { id: string } | null;
  endReason?: string | null;
  /** The coordinating unit that oversees the plan; null for a plan a person made on their own. */
  unit?: { id: string } | null;
  archivedAt?: Date | null;
  version: number;
}

/** A row of the `plan` table, columns as they are or as `json_agg` wrote them. */
export interface PlanRow {
  id: string;
  owner_id: string;
  title: string;
  status: PlanStatus;
  kind: PlanKind;
  created_at: Date | string;
  updated_at: Date | string;
  ended_at: Date | string | null;
  ended_by_id: string | null;
  end_reason: string | null;
  unit_id: string | null;
  archived_at: Date | string | null;
  version: number;
}

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
const refOrNull = (id: string | null): { id: string } | null => (id === null ? null : { id });

/** The model of a {@link PlanRow}: timestamps as dates, as the entity would hold them. */
export function planFromRow(row: PlanRow): PlanModel {
  return {
    id: row.id,
    owner: { id: row.owner_id },
    title: row.title,
    status: row.status,
    kind: row.kind,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    endedAt: dateOrNull(row.ended_at),
    endedBy: refOrNull(row.ended_by_id),
    endReason: row.end_reason,
    unit: refOrNull(row.unit_id),
    archivedAt: dateOrNull(row.archived_at),
    version: row.version,
  };
}

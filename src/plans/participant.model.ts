import type { ParticipantRole } from './plan.entity.js';

/**
 * A participation as a read of a plan sees it: the GraphQL `Participant` type's mapper, and what
 * the policy's facts are built from. Each reference is the id it names. A `Participant` entity is
 * one; a plan read makes them from its row and never an entity, which would cost the ORM's work
 * (its identity map, its snapshot, an accessor for every column) on every read of a plan
 * (bench/README.md). What changes a participation loads the entity.
 */
export interface ParticipantModel {
  id: string;
  plan: { id: string };
  person: { id: string };
  role: ParticipantRole;
  /** The unit a provider or coordinator acts for. */
  organization?: { id: string } | null;
  activeFrom: Date;
  activeTo?: Date | null;
  removedAt?: Date | null;
}

/** A row of the `participant` table, columns as they are or as `json_agg` wrote them. */
export interface ParticipantRow {
  id: string;
  plan_id: string;
  person_id: string;
  role: ParticipantRole;
  organization_id: string | null;
  active_from: Date | string;
  active_to: Date | string | null;
  removed_at: Date | string | null;
}

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** The model of a {@link ParticipantRow}: timestamps as dates, as the entity would hold them. */
export function participantFromRow(row: ParticipantRow): ParticipantModel {
  return {
    id: row.id,
    plan: { id: row.plan_id },
    person: { id: row.person_id },
    role: row.role,
    organization: row.organization_id === null ? null : { id: row.organization_id },
    activeFrom: new Date(row.active_from),
    activeTo: dateOrNull(row.active_to),
    removedAt: dateOrNull(row.removed_at),
  };
}

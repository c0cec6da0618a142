import type { CaseEvent, CaseEventKind } from './case-event.js';

export interface CaseEventRow {
  id: string;
  unit_id: string;
  kind: CaseEventKind;
  plan_id: string | null;
  request_id: string | null;
  person_id: string | null;
  actor_id: string | null;
  at: Date;
  detail: Record<string, string | number | boolean | null>;
}

export function caseEventFromRow(row: CaseEventRow): CaseEvent {
  return {
    id: String(row.id),
    unitId: row.unit_id,
    kind: row.kind,
    planId: row.plan_id,
    requestId: row.request_id,
    personId: row.person_id,
    actorId: row.actor_id,
    at: new Date(row.at),
    detail: row.detail ?? {},
  };
}

import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { PlanVersion } from '../documents/document.entity.js';

/** A recorded evaluation of a plan (DOMAIN.md rule 9): when, who took part, what came of it. */
export class Evaluation {
  id: string = randomUUID();
  plan: Ref<Plan>;
  /** The day the evaluation took place, `yyyy-mm-dd`. */
  date: string;
  /** Persons who took part in the evaluation. */
  participantIds: string[];
  outcome: string;
  recordedBy: Ref<Person>;
  /** The automatic EVALUATION version of the document the entry made. */
  version: Ref<PlanVersion> | null = null;
  /** The id of the entry in the document's `evaluations` section. */
  entryId: string;
  createdAt: Date;

  constructor(init: { plan: Ref<Plan>; date: string; participantIds: string[]; outcome: string; recordedBy: Ref<Person>; entryId: string; createdAt: Date }) {
    this.plan = init.plan;
    this.date = init.date;
    this.participantIds = init.participantIds;
    this.outcome = init.outcome;
    this.recordedBy = init.recordedBy;
    this.entryId = init.entryId;
    this.createdAt = init.createdAt;
  }
}

export const EvaluationSchema = new EntitySchema<Evaluation>({
  class: Evaluation,
  tableName: 'evaluation',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    date: { type: 'date' },
    participantIds: { type: 'string[]', columnType: 'uuid[]' },
    outcome: { type: 'text' },
    recordedBy: { kind: 'm:1', entity: () => Person, ref: true },
    version: { kind: 'm:1', entity: () => PlanVersion, ref: true, nullable: true },
    entryId: { type: 'text' },
    createdAt: { type: 'datetime' },
  },
});

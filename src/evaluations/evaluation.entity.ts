import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { PlanVersion } from '../documents/document.entity.js';

/** A recorded evaluation of a plan (docs/domain.md rule 9): when, who took part, what came of it. */
export const Evaluation = defineEntity({
  name: 'Evaluation',
  tableName: 'evaluation',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    /** The day the evaluation took place, `yyyy-mm-dd`. */
    date: p.date(),
    /** Persons who took part in the evaluation. */
    participantIds: p.type('string[]').$type<string[]>().columnType('uuid[]'),
    outcome: p.text(),
    recordedBy: p.manyToOne(Person).ref(),
    /** The automatic EVALUATION version of the document the entry made. */
    version: startsNull(p.manyToOne(PlanVersion).ref().nullable()),
    /** The id of the entry in the document's `evaluations` section. */
    entryId: p.text(),
    createdAt: p.type('datetime'),
  },
});
export type Evaluation = InferEntity<typeof Evaluation>;

import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from './person.entity.js';

/**
 * What the guardianship rests on, checked outside Samplan by whoever records it: parental
 * responsibility (foreldreansvar), an appointment by the county governor or a court under the
 * guardianship act (vergemål), or something else, described in the reference.
 */
export const GUARDIANSHIP_BASES = ['PARENT', 'COURT_APPOINTED', 'OTHER'] as const;
export type GuardianshipBasis = (typeof GUARDIANSHIP_BASES)[number];

/**
 * A legal representative (parent of a child, appointed guardian) of a person. Recorded by an
 * administrator or the coordinating unit of the ward's municipality (docs/guardianship.md).
 */
export class Guardianship {
  id: string = randomUUID();
  guardian: Ref<Person>;
  ward: Ref<Person>;
  recordedBy: Ref<Person>;
  basis: GuardianshipBasis;
  /** Where the basis can be checked: a case number, the appointing decision, a birth certificate seen. */
  basisReference: string;
  createdAt: Date = new Date();

  constructor(init: { guardian: Ref<Person>; ward: Ref<Person>; recordedBy: Ref<Person>; basis: GuardianshipBasis; basisReference: string }) {
    this.guardian = init.guardian;
    this.ward = init.ward;
    this.recordedBy = init.recordedBy;
    this.basis = init.basis;
    this.basisReference = init.basisReference;
  }
}

export const GuardianshipSchema = new EntitySchema<Guardianship>({
  class: Guardianship,
  tableName: 'guardianship',
  uniques: [{ name: 'guardianship_guardian_ward_unique', properties: ['guardian', 'ward'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    guardian: { kind: 'm:1', entity: () => Person, ref: true, deleteRule: 'cascade' },
    ward: { kind: 'm:1', entity: () => Person, ref: true, deleteRule: 'cascade' },
    recordedBy: { kind: 'm:1', entity: () => Person, ref: true },
    basis: { type: 'text' },
    basisReference: { type: 'text' },
    createdAt: { type: 'datetime' },
  },
});

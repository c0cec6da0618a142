import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from './person.entity.js';

/**
 * A legal representative (parent of a child, appointed guardian) of a person. Recorded by the
 * coordinating unit or an administrator after checking the legal basis outside Samplan.
 */
export class Guardianship {
  id: string = randomUUID();
  guardian: Ref<Person>;
  ward: Ref<Person>;
  recordedBy: Ref<Person>;
  createdAt: Date = new Date();

  constructor(init: { guardian: Ref<Person>; ward: Ref<Person>; recordedBy: Ref<Person> }) {
    this.guardian = init.guardian;
    this.ward = init.ward;
    this.recordedBy = init.recordedBy;
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
    createdAt: { type: 'datetime' },
  },
});

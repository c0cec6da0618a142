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
  /** When it takes effect: a parent's from the child's birth, an appointment's from its decision. */
  validFrom: Date;
  /** When it ends by itself (a child turns 18, an appointment's term); null for no end on record. */
  validUntil: Date | null;
  /** Set when someone records that it no longer holds; the row stays for the trail. */
  revokedAt: Date | null = null;
  revokedBy: Ref<Person> | null = null;
  revocationReason: string | null = null;
  createdAt: Date = new Date();

  constructor(init: {
    guardian: Ref<Person>;
    ward: Ref<Person>;
    recordedBy: Ref<Person>;
    basis: GuardianshipBasis;
    basisReference: string;
    validFrom: Date;
    validUntil: Date | null;
  }) {
    this.guardian = init.guardian;
    this.ward = init.ward;
    this.recordedBy = init.recordedBy;
    this.basis = init.basis;
    this.basisReference = init.basisReference;
    this.validFrom = init.validFrom;
    this.validUntil = init.validUntil;
  }
}

export const GuardianshipSchema = new EntitySchema<Guardianship>({
  class: Guardianship,
  tableName: 'guardianship',
  // The one-per-pair rule is a partial unique index (revoked rows excluded): see the migration
  // Migration20261205000100GuardianshipPeriod, which MikroORM's `uniques` cannot express.
  properties: {
    id: { type: 'uuid', primary: true },
    guardian: { kind: 'm:1', entity: () => Person, ref: true, deleteRule: 'cascade' },
    ward: { kind: 'm:1', entity: () => Person, ref: true, deleteRule: 'cascade' },
    recordedBy: { kind: 'm:1', entity: () => Person, ref: true },
    basis: { type: 'text' },
    basisReference: { type: 'text' },
    validFrom: { type: 'datetime' },
    validUntil: { type: 'datetime', nullable: true },
    revokedAt: { type: 'datetime', nullable: true },
    revokedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    revocationReason: { type: 'text', nullable: true },
    createdAt: { type: 'datetime' },
  },
});

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdNow, startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
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
export const Guardianship = defineEntity({
  name: 'Guardianship',
  tableName: 'guardianship',
  // The one-per-pair rule is a partial unique index (revoked rows excluded): see the migration
  // Migration20261205000100GuardianshipPeriod, which MikroORM's `uniques` cannot express.
  properties: {
    id: uuidPrimaryKey(),
    guardian: p.manyToOne(Person).ref().deleteRule('cascade'),
    ward: p.manyToOne(Person).ref().deleteRule('cascade'),
    recordedBy: p.manyToOne(Person).ref(),
    basis: p.text().$type<GuardianshipBasis>(),
    /** Where the basis can be checked: a case number, the appointing decision, a birth certificate seen. */
    basisReference: p.text(),
    /** When it takes effect: a parent's from the child's birth, an appointment's from its decision. */
    validFrom: p.type('datetime'),
    /** When it ends by itself (a child turns 18, an appointment's term); null for no end on record. */
    validUntil: startsNull(p.type('datetime').nullable()),
    /** Set when someone records that it no longer holds; the row stays for the trail. */
    revokedAt: startsNull(p.type('datetime').nullable()),
    revokedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    revocationReason: startsNull(p.text().nullable()),
    createdAt: createdNow(),
  },
});
export type Guardianship = InferEntity<typeof Guardianship>;

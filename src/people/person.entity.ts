import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdNow, startsNull, uuidPrimaryKey } from '../db/entity-properties.js';

export type PersonKind = 'CITIZEN' | 'PERSONNEL';

/** Someone known to Samplan, identified by the OIDC issuer and subject that vouched for them. */
export const Person = defineEntity({
  name: 'Person',
  tableName: 'person',
  uniques: [{ name: 'person_issuer_subject_unique', properties: ['issuer', 'subject'] }],
  properties: {
    id: uuidPrimaryKey(),
    issuer: p.text(),
    subject: p.text(),
    displayName: p.text(),
    kind: p.text().$type<PersonKind>(),
    /** Health personnel register number, when a personnel token carries it. */
    hprNumber: startsNull(p.text().nullable()),
    isAdmin: p.boolean().default(false).onCreate(() => false),
    createdAt: createdNow(),
    lastSeenAt: startsNull(p.type('datetime').nullable()),
  },
});
export type Person = InferEntity<typeof Person>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdNow, startsNull, uuidPrimaryKey } from '../db/entity-properties.js';

export type PersonKind = 'CITIZEN' | 'PERSONNEL';

/**
 * Someone known to Samplan: by their national identity number when a token or an invitation gave
 * it, and by the OIDC issuer and subject that first vouched for them (docs/identity.md). A person
 * invited by number who has not signed in yet has neither issuer nor subject.
 */
export const Person = defineEntity({
  name: 'Person',
  tableName: 'person',
  uniques: [
    { name: 'person_issuer_subject_unique', properties: ['issuer', 'subject'] },
    // Per kind: a nurse who is also someone's relative is two persons, one per trust level.
    { name: 'person_kind_national_identity_number_unique', properties: ['kind', 'nationalIdentityNumber'] },
  ],
  properties: {
    id: uuidPrimaryKey(),
    issuer: startsNull(p.text().nullable()),
    subject: startsNull(p.text().nullable()),
    /** Fødselsnummer or D-nummer (ID-porten `pid`, HelseID `helseid://claims/identity/pid`). Never logged, never shown to others. */
    nationalIdentityNumber: startsNull(p.text().nullable()),
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

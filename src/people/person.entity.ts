import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';

export type PersonKind = 'CITIZEN' | 'PERSONNEL';

/** Someone known to Samplan, identified by the OIDC issuer and subject that vouched for them. */
export class Person {
  id: string = randomUUID();
  issuer: string;
  subject: string;
  displayName: string;
  kind: PersonKind;
  /** Health personnel register number, when a personnel token carries it. */
  hprNumber: string | null = null;
  isAdmin = false;
  createdAt: Date = new Date();
  lastSeenAt: Date | null = null;

  constructor(init: { issuer: string; subject: string; displayName: string; kind: PersonKind }) {
    this.issuer = init.issuer;
    this.subject = init.subject;
    this.displayName = init.displayName;
    this.kind = init.kind;
  }
}

export const PersonSchema = new EntitySchema<Person>({
  class: Person,
  tableName: 'person',
  uniques: [{ name: 'person_issuer_subject_unique', properties: ['issuer', 'subject'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    issuer: { type: 'text' },
    subject: { type: 'text' },
    displayName: { type: 'text' },
    kind: { type: 'text' },
    hprNumber: { type: 'text', nullable: true },
    isAdmin: { type: 'boolean', default: false },
    createdAt: { type: 'datetime' },
    lastSeenAt: { type: 'datetime', nullable: true },
  },
});

import { randomUUID } from 'node:crypto';
import { BigIntType, EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from '../people/person.entity.js';
import { Participant, Plan } from '../plans/plan.entity.js';
import type { DocumentPart } from './document.template.js';
import type { SectionGrantAccess } from './section-rights.js';

/** One accepted Yjs update, in the order the server applied it. Compacted into snapshots. */
export interface PlanUpdate {
  planId: string;
  part: DocumentPart;
  seq: number;
  authorId: string;
  sections: string[];
  update: Buffer;
  createdAt: Date;
}

export const PlanUpdateSchema = new EntitySchema<PlanUpdate>({
  name: 'PlanUpdate',
  tableName: 'plan_update',
  properties: {
    planId: { type: 'uuid', primary: true },
    part: { type: 'text', primary: true, default: 'main' },
    seq: { type: new BigIntType('number'), primary: true },
    authorId: { type: 'uuid' },
    sections: { type: 'text[]' },
    update: { type: 'blob' },
    createdAt: { type: 'datetime' },
  },
});

/** The whole document as of `seq`: load starts here and replays the log after it. */
export interface PlanSnapshot {
  planId: string;
  part: DocumentPart;
  seq: number;
  state: Buffer;
  createdAt: Date;
}

export const PlanSnapshotSchema = new EntitySchema<PlanSnapshot>({
  name: 'PlanSnapshot',
  tableName: 'plan_snapshot',
  properties: {
    planId: { type: 'uuid', primary: true },
    part: { type: 'text', primary: true, default: 'main' },
    seq: { type: new BigIntType('number'), primary: true },
    state: { type: 'blob' },
    createdAt: { type: 'datetime' },
  },
});

/**
 * Part of a stored document a load could not integrate (src/documents/document-load.ts), set aside
 * for an operator; one row per plan, source and seq. `update` is a Yjs update (format v1).
 */
export interface PlanDocumentQuarantine {
  planId: string;
  part: DocumentPart;
  source: 'SNAPSHOT' | 'LOG';
  seq: number;
  authorId: string | null;
  reason: string;
  update: Buffer;
  createdAt: Date;
}

export const PlanDocumentQuarantineSchema = new EntitySchema<PlanDocumentQuarantine>({
  name: 'PlanDocumentQuarantine',
  tableName: 'plan_document_quarantine',
  properties: {
    planId: { type: 'uuid', primary: true },
    part: { type: 'text', primary: true, default: 'main' },
    source: { type: 'text', primary: true },
    seq: { type: new BigIntType('number'), primary: true },
    authorId: { type: 'uuid', nullable: true },
    reason: { type: 'text' },
    update: { type: 'blob' },
    createdAt: { type: 'datetime' },
  },
});

/**
 * Who changed which section, per minute. Written with every commit and never compacted, so
 * attribution outlives the update log.
 */
export interface PlanChange {
  planId: string;
  /** The document the section is kept in (old changes of a section now restricted stay 'main'). */
  part: DocumentPart;
  section: string;
  personId: string;
  minute: Date;
  changes: number;
  firstSeq: number;
  lastSeq: number;
  lastAt: Date;
}

export const PlanChangeSchema = new EntitySchema<PlanChange>({
  name: 'PlanChange',
  tableName: 'plan_change',
  properties: {
    planId: { type: 'uuid', primary: true },
    part: { type: 'text', primary: true, default: 'main' },
    section: { type: 'text', primary: true },
    personId: { type: 'uuid', primary: true },
    minute: { type: 'datetime', primary: true },
    changes: { type: 'integer' },
    firstSeq: { type: new BigIntType('number') },
    lastSeq: { type: new BigIntType('number') },
    lastAt: { type: 'datetime' },
  },
});

export const VERSION_KINDS = ['NAMED', 'EVALUATION', 'CLOSED'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/** A saved state of the document: named by someone, or made when the plan is evaluated or closed. */
export class PlanVersion {
  id: string = randomUUID();
  plan: Ref<Plan>;
  label: string;
  kind: VersionKind;
  author: Ref<Person>;
  seq: number;
  state: Buffer;
  /** The restricted document as of `restrictedSeq`; null for versions saved before plans had one. */
  restrictedSeq: number | null;
  restrictedState: Buffer | null;
  createdAt: Date;

  constructor(init: {
    plan: Ref<Plan>;
    label: string;
    kind: VersionKind;
    author: Ref<Person>;
    seq: number;
    state: Buffer;
    restrictedSeq: number | null;
    restrictedState: Buffer | null;
    createdAt: Date;
  }) {
    this.plan = init.plan;
    this.label = init.label;
    this.kind = init.kind;
    this.author = init.author;
    this.seq = init.seq;
    this.state = init.state;
    this.restrictedSeq = init.restrictedSeq;
    this.restrictedState = init.restrictedState;
    this.createdAt = init.createdAt;
  }
}

export const PlanVersionSchema = new EntitySchema<PlanVersion>({
  class: PlanVersion,
  tableName: 'plan_version',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    label: { type: 'text' },
    kind: { type: 'text' },
    author: { kind: 'm:1', entity: () => Person, ref: true },
    seq: { type: new BigIntType('number') },
    state: { type: 'blob', lazy: true },
    restrictedSeq: { type: new BigIntType('number'), nullable: true },
    restrictedState: { type: 'blob', lazy: true, nullable: true },
    createdAt: { type: 'datetime' },
  },
});

/**
 * The person's (or guardian's) choice that one participant may read the plan's restricted part.
 * Revoking sets `revokedAt`; a participant holds at most one current grant.
 */
export class RestrictedReader {
  id: string = randomUUID();
  plan: Ref<Plan>;
  participant: Ref<Participant>;
  grantedBy: Ref<Person>;
  grantedAt: Date;
  revokedBy: Ref<Person> | null = null;
  revokedAt: Date | null = null;

  constructor(init: { plan: Ref<Plan>; participant: Ref<Participant>; grantedBy: Ref<Person>; grantedAt: Date }) {
    this.plan = init.plan;
    this.participant = init.participant;
    this.grantedBy = init.grantedBy;
    this.grantedAt = init.grantedAt;
  }
}

export const RestrictedReaderSchema = new EntitySchema<RestrictedReader>({
  class: RestrictedReader,
  tableName: 'restricted_reader',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    participant: { kind: 'm:1', entity: () => Participant, ref: true, deleteRule: 'cascade' },
    grantedBy: { kind: 'm:1', entity: () => Person, ref: true },
    grantedAt: { type: 'datetime' },
    revokedBy: { kind: 'm:1', entity: () => Person, ref: true, nullable: true },
    revokedAt: { type: 'datetime', nullable: true },
  },
});

/** A participant's right on one section, overriding the role's default. */
export class SectionGrant {
  id: string = randomUUID();
  plan: Ref<Plan>;
  person: Ref<Person>;
  section: string;
  access: SectionGrantAccess;
  grantedBy: Ref<Person>;
  createdAt: Date;

  constructor(init: { plan: Ref<Plan>; person: Ref<Person>; section: string; access: SectionGrantAccess; grantedBy: Ref<Person>; createdAt: Date }) {
    this.plan = init.plan;
    this.person = init.person;
    this.section = init.section;
    this.access = init.access;
    this.grantedBy = init.grantedBy;
    this.createdAt = init.createdAt;
  }
}

export const SectionGrantSchema = new EntitySchema<SectionGrant>({
  class: SectionGrant,
  tableName: 'section_grant',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    person: { kind: 'm:1', entity: () => Person, ref: true },
    section: { type: 'text' },
    access: { type: 'text' },
    grantedBy: { kind: 'm:1', entity: () => Person, ref: true },
    createdAt: { type: 'datetime' },
  },
});

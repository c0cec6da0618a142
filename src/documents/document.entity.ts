import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { startsNull, uuidPrimaryKey } from '../db/entity-properties.js';
import { Person } from '../people/person.entity.js';
import { Participant, Plan } from '../plans/plan.entity.js';
import type { DocumentPart } from './document.template.js';
import type { SectionGrantAccess } from '../policy/section-rules.js';

/** The document a row belongs to; rows from before plans had a restricted part are 'main'. */
const documentPart = () => p.text().$type<DocumentPart>().default('main');

/** One accepted Yjs update, in the order the server applied it. Compacted into snapshots. */
export const PlanUpdate = defineEntity({
  name: 'PlanUpdate',
  tableName: 'plan_update',
  properties: {
    planId: p.uuid().primary(),
    part: documentPart().primary(),
    seq: p.bigint('number').primary(),
    authorId: p.uuid(),
    sections: p.type('text[]').$type<string[]>(),
    update: p.type('blob').$type<Buffer>(),
    createdAt: p.type('datetime'),
  },
});
export type PlanUpdate = InferEntity<typeof PlanUpdate>;

/** The whole document as of `seq`: load starts here and replays the log after it. */
export const PlanSnapshot = defineEntity({
  name: 'PlanSnapshot',
  tableName: 'plan_snapshot',
  properties: {
    planId: p.uuid().primary(),
    part: documentPart().primary(),
    seq: p.bigint('number').primary(),
    state: p.type('blob').$type<Buffer>(),
    createdAt: p.type('datetime'),
  },
});
export type PlanSnapshot = InferEntity<typeof PlanSnapshot>;

/**
 * Part of a stored document a load could not integrate (src/documents/document-load.ts), set aside
 * for an operator; one row per plan, source and seq. `update` is a Yjs update (format v1).
 */
export const PlanDocumentQuarantine = defineEntity({
  name: 'PlanDocumentQuarantine',
  tableName: 'plan_document_quarantine',
  properties: {
    planId: p.uuid().primary(),
    part: documentPart().primary(),
    source: p.text().$type<'SNAPSHOT' | 'LOG'>().primary(),
    seq: p.bigint('number').primary(),
    authorId: p.uuid().nullable(),
    reason: p.text(),
    update: p.type('blob').$type<Buffer>(),
    createdAt: p.type('datetime'),
  },
});
export type PlanDocumentQuarantine = InferEntity<typeof PlanDocumentQuarantine>;

/**
 * Who changed which section, per minute. Written with every commit and never compacted, so
 * attribution outlives the update log.
 */
export const PlanChange = defineEntity({
  name: 'PlanChange',
  tableName: 'plan_change',
  properties: {
    planId: p.uuid().primary(),
    /** The document the section is kept in (old changes of a section now restricted stay 'main'). */
    part: documentPart().primary(),
    section: p.text().primary(),
    personId: p.uuid().primary(),
    minute: p.type('datetime').primary(),
    changes: p.integer(),
    firstSeq: p.bigint('number'),
    lastSeq: p.bigint('number'),
    lastAt: p.type('datetime'),
  },
});
export type PlanChange = InferEntity<typeof PlanChange>;

export const VERSION_KINDS = ['NAMED', 'EVALUATION', 'CLOSED'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/** A saved state of the document: named by someone, or made when the plan is evaluated or closed. */
export const PlanVersion = defineEntity({
  name: 'PlanVersion',
  tableName: 'plan_version',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    label: p.text(),
    kind: p.text().$type<VersionKind>(),
    author: p.manyToOne(Person).ref(),
    seq: p.bigint('number'),
    state: p.type('blob').$type<Buffer>().lazy(true, false),
    /** The restricted document as of `restrictedSeq`; null for versions saved before plans had one. */
    restrictedSeq: startsNull(p.bigint('number').nullable()),
    restrictedState: startsNull(p.type('blob').$type<Buffer>().lazy(true, false).nullable()),
    createdAt: p.type('datetime'),
  },
});
export type PlanVersion = InferEntity<typeof PlanVersion>;

/**
 * The person's (or guardian's) choice that one participant may read the plan's restricted part.
 * Revoking sets `revokedAt`; a participant holds at most one current grant.
 */
export const RestrictedReader = defineEntity({
  name: 'RestrictedReader',
  tableName: 'restricted_reader',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    participant: p.manyToOne(Participant).ref().deleteRule('cascade'),
    grantedBy: p.manyToOne(Person).ref(),
    grantedAt: p.type('datetime'),
    revokedBy: startsNull(p.manyToOne(Person).ref().nullable()),
    revokedAt: startsNull(p.type('datetime').nullable()),
  },
});
export type RestrictedReader = InferEntity<typeof RestrictedReader>;

/** A participant's right on one section, overriding the role's default. */
export const SectionGrant = defineEntity({
  name: 'SectionGrant',
  tableName: 'section_grant',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    person: p.manyToOne(Person).ref(),
    section: p.text(),
    access: p.text().$type<SectionGrantAccess>(),
    grantedBy: p.manyToOne(Person).ref(),
    createdAt: p.type('datetime'),
  },
});
export type SectionGrant = InferEntity<typeof SectionGrant>;

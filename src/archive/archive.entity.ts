import { randomUUID } from 'node:crypto';
import { BigIntType, EntitySchema, type Ref } from '@mikro-orm/core';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import type { ArchiveContent } from './archive-content.js';

/** INTERIM: archived during the plan's life; FINAL: the plan's state when it ended (one per plan). */
export const ARCHIVE_KINDS = ['INTERIM', 'FINAL'] as const;
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];

/** The complete plan as it was at one moment, kept as JSON so every download shows exactly that. */
export class ArchiveRecord {
  id: string = randomUUID();
  plan: Ref<Plan>;
  kind: ArchiveKind;
  createdBy: Ref<Person>;
  createdAt: Date;
  /** The document's committed sequence the record was made from. */
  documentSeq: number;
  record: ArchiveContent;

  constructor(init: { plan: Ref<Plan>; kind: ArchiveKind; createdBy: Ref<Person>; createdAt: Date; documentSeq: number; record: ArchiveContent }) {
    this.plan = init.plan;
    this.kind = init.kind;
    this.createdBy = init.createdBy;
    this.createdAt = init.createdAt;
    this.documentSeq = init.documentSeq;
    this.record = init.record;
  }
}

export const ArchiveRecordSchema = new EntitySchema<ArchiveRecord>({
  class: ArchiveRecord,
  tableName: 'archive_record',
  properties: {
    id: { type: 'uuid', primary: true },
    plan: { kind: 'm:1', entity: () => Plan, ref: true, deleteRule: 'cascade' },
    kind: { type: 'text' },
    createdBy: { kind: 'm:1', entity: () => Person, ref: true },
    createdAt: { type: 'datetime' },
    documentSeq: { type: new BigIntType('number') },
    // Lazy: listing records must not pull every record's whole plan.
    record: { type: 'json', lazy: true },
  },
});

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { uuidPrimaryKey } from '../db/entity-properties.js';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import type { ArchiveContent } from './archive-content.js';

/** INTERIM: archived during the plan's life; FINAL: the plan's state when it ended (one per plan). */
export const ARCHIVE_KINDS = ['INTERIM', 'FINAL'] as const;
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];

/** The complete plan as it was at one moment, kept as JSON so every download shows exactly that. */
export const ArchiveRecord = defineEntity({
  name: 'ArchiveRecord',
  tableName: 'archive_record',
  properties: {
    id: uuidPrimaryKey(),
    plan: p.manyToOne(Plan).ref().deleteRule('cascade'),
    kind: p.text().$type<ArchiveKind>(),
    createdBy: p.manyToOne(Person).ref(),
    createdAt: p.type('datetime'),
    /** The document's committed sequence the record was made from. */
    documentSeq: p.bigint('number'),
    // Lazy: listing records must not pull every record's whole plan.
    record: p.json<ArchiveContent>().lazy(true, false),
  },
});
export type ArchiveRecord = InferEntity<typeof ArchiveRecord>;

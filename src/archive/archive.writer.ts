import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent } from '../casework/case-event.js';
import type { DocumentHub } from '../documents/document-hub.js';
import { collectArchiveContent } from './archive-content.js';
import type { ArchiveKind } from './archive.entity.js';
import { unitOfWorkIn } from '../db/unit-of-work.js';
import { markArchived } from '../plans/plan.records.js';
import { PLANS_SQL } from '../plans/plan.read-model.js';

/**
 * Writes an archive record of a plan as it is committed now, in one transaction with its case
 * event. A FINAL record also marks the plan archived; there is at most one per plan (a unique
 * index), so servers and the start-up catch-up racing for the same plan write it once.
 * Returns the record's id, or the existing FINAL record's id when one was already there.
 */
export async function writeArchiveRecord(
  em: EntityManager,
  hub: DocumentHub,
  input: { planId: string; kind: ArchiveKind; createdById: string; at: Date },
): Promise<string> {
  const record = await collectArchiveContent(em, hub, { planId: input.planId, kind: input.kind, at: input.at, archivedById: input.createdById });
  return em.transactional(async (tx) => {
    const [inserted] = await tx.execute<Array<{ id: string }>>(
      `insert into "archive_record" ("id", "plan_id", "kind", "created_by_id", "created_at", "document_seq", "record")
       values (?, ?, ?, ?, ?, ?, ?::jsonb)
       on conflict ("plan_id") where "kind" = 'FINAL' do nothing
       returning "id"`,
      [randomUUID(), input.planId, input.kind, input.createdById, input.at, record.documentSeq, JSON.stringify(record)],
    );
    if (!inserted) {
      const [existing] = await tx.execute<Array<{ id: string }>>(`select "id" from "archive_record" where "plan_id" = ? and "kind" = 'FINAL'`, [input.planId]);
      return existing!.id;
    }
    if (input.kind === 'FINAL') {
      await markArchived(unitOfWorkIn(tx), input.planId, input.at);
    }
    const [plan] = await tx.execute<Array<{ unit_id: string | null; owner_id: string }>>(`select "unit_id", "owner_id" from (${PLANS_SQL}) "pl" where "plan_id" = ?`, [input.planId]);
    if (plan?.unit_id) {
      await recordCaseEvent(tx, {
        unitId: plan.unit_id,
        kind: 'PLAN_ARCHIVED',
        at: input.at,
        planId: input.planId,
        personId: plan.owner_id,
        actorId: input.createdById,
        detail: { recordId: inserted.id, archiveKind: input.kind },
      });
    }
    return inserted.id;
  });
}

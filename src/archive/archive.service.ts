import type { EntityManager } from '@mikro-orm/postgresql';
import type { DocumentHub } from '../documents/document-hub.js';
import type { PlanModel } from '../plans/plan.model.js';
import type { PlanService } from '../plans/plan.service.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseId } from '../shared/ids.js';
import { ArchiveRecord } from './archive.entity.js';
import { archiveUrl } from './archive.routes.js';
import { writeArchiveRecord } from './archive.writer.js';
import { emptyConnection, findPage, type PageArgs } from '../shared/connection.js';

export interface ArchiveDeps {
  clock: Clock;
  hub: DocumentHub;
  plans: PlanService;
}

/** Archive records for GraphQL: interim archiving by those who lead the plan, and the list of records. */
export class ArchiveService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: ArchiveDeps,
  ) {}

  /** Makes an INTERIM record of the plan as it is committed now (docs/domain.md rule 10). */
  async archive(planId: string): Promise<ArchiveRecord> {
    const plan = await this.deps.plans.get(planId);
    assertCan(this.actor, 'plan.archive', await this.deps.plans.facts(plan));
    const id = await writeArchiveRecord(this.em, this.deps.hub, { planId: plan.id, kind: 'INTERIM', createdById: this.actor.personId, at: this.deps.clock.now() });
    return this.em.findOneOrFail(ArchiveRecord, id);
  }

  /** The plan's records, newest first; empty for someone who may not download them. */
  async list(plan: PlanModel, args: PageArgs) {
    if (!can(this.actor, 'plan.downloadArchive', await this.deps.plans.facts(plan))) return emptyConnection<ArchiveRecord>();
    return findPage(this.em, ArchiveRecord, { plan: plan.id }, args, { createdAt: 'desc', id: 'desc' });
  }

  /** A record of a plan the viewer may download records of; null otherwise, so ids reveal nothing. */
  async find(id: string): Promise<ArchiveRecord | null> {
    const record = await this.em.findOne(ArchiveRecord, parseId(id, 'ArchiveRecord'));
    const plan = record && (await this.deps.plans.find(record.plan.id));
    return plan && can(this.actor, 'plan.downloadArchive', await this.deps.plans.facts(plan)) ? record : null;
  }

  urls(record: ArchiveRecord) {
    return {
      json: archiveUrl(record.plan.id, record.id, 'json'),
      html: archiveUrl(record.plan.id, record.id, 'html'),
      pdf: archiveUrl(record.plan.id, record.id, 'pdf'),
    };
  }
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent } from '../casework/case-event.js';
import type { DocumentHub } from '../documents/document-hub.js';
import type { DocumentService } from '../documents/document.service.js';
import { badInput } from '../errors/error-codes.js';
import type { PersonService } from '../people/person.service.js';
import type { PlanModel } from '../plans/plan.model.js';
import type { PlanService } from '../plans/plan.service.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseCalendarDate, todayInOslo } from '../shared/dates.js';
import { parseId } from '../shared/ids.js';
import { Evaluation } from './evaluation.entity.js';
import type { EvaluationVersions } from './evaluation-versions.js';

export interface EvaluationDeps {
  clock: Clock;
  hub: DocumentHub;
  plans: PlanService;
  documents: DocumentService;
  people: PersonService;
  versions: EvaluationVersions;
}

export interface RecordEvaluationInput {
  planId: string;
  /** `yyyy-mm-dd`, the day it took place (not in the future). */
  date: string;
  /** Persons who took part; each must take part in the plan. */
  participantIds: readonly string[];
  outcome: string;
}

const MAX_OUTCOME = 10_000;
const MAX_PARTICIPANTS = 100;

/**
 * Evaluations of a plan (docs/domain.md rule 9). Recording one is a change of the `evaluations`
 * section: it is allowed exactly to those who may edit that section, it adds an entry to the live
 * document (editors see it at once), and that entry makes the document's automatic EVALUATION
 * version, which the evaluation row links to.
 */
export class EvaluationService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: EvaluationDeps,
  ) {}

  async list(plan: PlanModel): Promise<Evaluation[]> {
    assertCan(this.actor, 'plan.readContent', await this.deps.plans.facts(plan));
    return this.em.find(Evaluation, { plan: plan.id }, { orderBy: { date: 'desc', createdAt: 'desc' } });
  }

  async participants(evaluation: Evaluation) {
    const people = await this.deps.people.byIds(evaluation.participantIds);
    return evaluation.participantIds.flatMap((id) => people.filter((person) => person.id === id));
  }

  async record(input: RecordEvaluationInput): Promise<Evaluation> {
    const plan = await this.deps.plans.get(input.planId);
    const access = await this.deps.hub.access(plan.id);
    // Asked before anything is written, the way a change of the section itself is asked.
    assertCan(this.actor, 'plan.editSection', { plan: access.plan, section: 'evaluations', grants: access.grantsByPerson.get(this.actor.personId) ?? {}, entry: null });
    const { date, participantIds, outcome } = await this.#validated(plan, input);

    // The row (and the unit's case event) commit in the same transaction as the entry, or neither does.
    const id = randomUUID();
    const at = this.deps.clock.now();
    const { seq } = await this.deps.documents.addEntry(
      { planId: plan.id, section: 'evaluations', fields: { date, text: outcome, personId: this.actor.personId } },
      async (uow, _seq, entryId) => {
        uow.em.create(Evaluation, { id, plan: plan.id, date, participantIds, outcome, recordedBy: this.actor.personId, entryId, createdAt: at });
        await uow.em.flush();
        if (plan.unit) {
          await recordCaseEvent(uow.em, {
            unitId: plan.unit.id,
            kind: 'EVALUATION_RECORDED',
            at,
            planId: plan.id,
            personId: plan.owner.id,
            actorId: this.actor.personId,
            detail: { evaluationId: id, date },
          });
        }
      },
    );
    // The entry's commit started the automatic version (src/evaluations/evaluation-versions.ts): the row points at it once saved.
    const versionId = await this.deps.versions.versionOf(plan.id, seq);
    if (versionId) await this.em.nativeUpdate(Evaluation, { id }, { version: versionId });
    return this.em.findOneOrFail(Evaluation, id, { refresh: true });
  }

  async #validated(plan: PlanModel, input: RecordEvaluationInput) {
    const date = parseCalendarDate(input.date, 'date');
    if (date > todayInOslo(this.deps.clock.now())) throw badInput('date is in the future: record an evaluation once it has taken place');
    const outcome = input.outcome.trim();
    if (!outcome || outcome.length > MAX_OUTCOME) throw badInput(`outcome must be 1 to ${MAX_OUTCOME} characters`);
    if (!input.participantIds.length || input.participantIds.length > MAX_PARTICIPANTS) {
      throw badInput(`participantIds must name 1 to ${MAX_PARTICIPANTS} persons who took part`);
    }
    const participantIds = [...new Set(input.participantIds.map((id) => parseId(id, 'Person')))];
    const takingPart = new Set((await this.deps.plans.participants(plan)).map((participant) => participant.person.id));
    const outsiders = participantIds.filter((id) => !takingPart.has(id));
    if (outsiders.length) throw badInput(`participantIds must be persons taking part in the plan; not: ${outsiders.join(', ')}`);
    return { date, participantIds, outcome };
  }
}

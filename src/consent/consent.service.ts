import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessCheck } from './access-watch.js';
import { badInput, notFound } from '../errors/error-codes.js';
import type { EventBus } from '../events/event-bus.js';
import type { PlanModel } from '../plans/plan.model.js';
import type { ParticipantModel } from '../plans/participant.model.js';
import { activateOnConsent, lockPlan, markAccessChanged, ownerParticipantId, participantsInRole } from '../plans/plan.records.js';
import { inUnitOfWork } from '../db/unit-of-work.js';
import type { PlanService } from '../plans/plan.service.js';
import type { Actor } from '../policy/actor.js';
import { speaksForPerson } from '../policy/consent-rules.js';
import { assertCan, can } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseId } from '../shared/ids.js';
import { Consent, isCurrent, type ConsentScope } from './consent.entity.js';
import { recordConsent, withdrawConsentRow } from './consent.records.js';
import { findPage, type PageArgs } from '../shared/connection.js';

export interface ConsentDeps {
  clock: Clock;
  events: EventBus;
  plans: PlanService;
}

export type WithdrawConsentResult =
  | { __typename: 'ConsentWithdrawn'; consent: Consent; plan: PlanModel | null }
  | { __typename: 'ConsentNotCurrent'; message: string; consent: Consent };

/**
 * Consent to the plan and to each participant's access (docs/domain.md rules 2 and h). Who may give and
 * withdraw is the policy's; every change re-checks open connections through `participantsChanged`.
 */
export class ConsentService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: ConsentDeps,
  ) {}

  async give(input: { participantId?: string | null; planId?: string | null; scope: ConsentScope; validUntil?: Date | null }): Promise<{ consent: Consent; plan: PlanModel }> {
    const now = this.deps.clock.now();
    if (input.validUntil && input.validUntil <= now) throw badInput('validUntil must be in the future');
    const { plan, participant } = await this.#target(input);
    assertCan(this.actor, 'consent.give', await this.deps.plans.facts(plan));

    const { consent, participantId, planVersion } = await inUnitOfWork(this.em, async (uow) => {
      const { em } = uow;
      const locked = await lockPlan(uow, plan.id);
      if (locked.status === 'ENDED') throw badInput('The plan has ended');
      const given = { plan: locked, givenById: this.actor.personId, validUntil: input.validUntil ?? null };
      const consent = await recordConsent(uow, { ...given, scope: input.scope, participant }, now);
      if (input.scope === 'PLAN') {
        // The person's consent to the plan is also consent to its coordinator.
        const coordinators = await participantsInRole(uow, locked.id, 'COORDINATOR');
        for (const coordinator of coordinators) {
          for (const scope of ['PARTICIPATE', 'CONFIDENTIAL_INFORMATION'] as const) {
            await recordConsent(uow, { ...given, scope, participant: { id: coordinator.id, personId: coordinator.person.id } }, now);
          }
        }
        activateOnConsent(uow, locked);
      }
      markAccessChanged(uow, locked, now);
      await em.flush();
      return { consent, participantId: participant?.id ?? (await ownerParticipantId(uow, locked.id)), planVersion: locked.version };
    });
    this.#published('CONSENT_GIVEN', plan.id, participantId, planVersion);
    // Read again: the consent may have changed the plan (its status, its version).
    return { consent: await this.em.findOneOrFail(Consent, consent.id), plan: await this.deps.plans.get(plan.id) };
  }

  async withdraw(consentId: string): Promise<WithdrawConsentResult> {
    const consent = await this.em.findOne(Consent, parseId(consentId, 'Consent'));
    const plan = consent && (await this.deps.plans.find(consent.plan.id));
    if (!consent || !plan) throw notFound('Consent');
    assertCan(this.actor, 'consent.withdraw', { plan: await this.deps.plans.facts(plan), consent: { scope: consent.scope, personId: consent.person.id } });
    const now = this.deps.clock.now();
    if (!isCurrent(consent, now)) return { __typename: 'ConsentNotCurrent', message: 'That consent is already withdrawn or has run out', consent };

    const { participantId, planVersion } = await inUnitOfWork(this.em, async (uow) => {
      const { em } = uow;
      // Also on an ended plan: withdrawal ends what is left of the participant's access (docs/consent.md).
      const locked = await lockPlan(uow, plan.id);
      const row = await em.findOneOrFail(Consent, consent.id);
      await withdrawConsentRow(uow, row, this.actor.personId, now);
      markAccessChanged(uow, locked, now);
      await em.flush();
      return { participantId: row.participant?.id ?? (await ownerParticipantId(uow, locked.id)), planVersion: locked.version };
    });
    this.#published('CONSENT_WITHDRAWN', plan.id, participantId, planVersion);
    // Someone who withdrew their own participation can no longer see the plan.
    return { __typename: 'ConsentWithdrawn', consent: await this.em.findOneOrFail(Consent, consent.id), plan: await this.deps.plans.find(plan.id) };
  }

  /** Every consent of the plan, newest first: participants only. */
  async ofPlan(plan: PlanModel, args: PageArgs) {
    assertCan(this.actor, 'plan.read', await this.deps.plans.facts(plan));
    return findPage(this.em, Consent, { plan: plan.id }, args, { givenAt: 'desc', id: 'asc' });
  }

  async ofParticipant(participant: ParticipantModel): Promise<Consent[]> {
    const plan = await this.deps.plans.get(participant.plan.id);
    assertCan(this.actor, 'plan.read', await this.deps.plans.facts(plan));
    return this.em.find(Consent, { participant: participant.id }, { orderBy: { givenAt: 'desc', id: 'asc' } });
  }

  /** The participant waits for the person's consent to take part. */
  async pending(participant: ParticipantModel): Promise<boolean> {
    if (speaksForPerson(participant.role)) return false;
    const rows = await this.em.find(Consent, { participant: participant.id, scope: 'PARTICIPATE', withdrawnAt: null, expiredAt: null });
    return !rows.some((row) => isCurrent(row, this.deps.clock.now()));
  }

  isCurrent(consent: Consent): boolean {
    return isCurrent(consent, this.deps.clock.now());
  }

  async viewerCanWithdraw(consent: Consent): Promise<boolean> {
    const plan = await this.deps.plans.find(consent.plan.id);
    if (!plan || !this.isCurrent(consent)) return false;
    return can(this.actor, 'consent.withdraw', { plan: await this.deps.plans.facts(plan), consent: { scope: consent.scope, personId: consent.person.id } });
  }

  /** Whether the viewer may see the plan's content now (fresh from the database, for subscriptions). */
  /** Whether the viewer may read the plan's content now, and when that may change by the clock. */
  async contentAccess(planId: string): Promise<AccessCheck> {
    const plan = await this.deps.plans.find(planId);
    if (!plan) return { allowed: false, changesAt: null };
    const facts = await this.deps.plans.facts(plan);
    return { allowed: can(this.actor, 'plan.readContent', facts), changesAt: facts.accessChangesAt ?? null };
  }

  async #target(input: { participantId?: string | null; planId?: string | null; scope: ConsentScope }) {
    if (input.scope === 'PLAN') {
      if (!input.planId || input.participantId) throw badInput('Consent to the plan names planId, and no participantId');
      return { plan: await this.deps.plans.get(input.planId), participant: null };
    }
    if (!input.participantId || input.planId) throw badInput(`Consent of scope ${input.scope} names participantId, and no planId`);
    const participant = await this.deps.plans.participantById(input.participantId);
    if (!participant || participant.removedAt) throw notFound('Participant');
    if (speaksForPerson(participant.role)) throw badInput('The person and their guardian need no consent of their own');
    const plan = await this.deps.plans.get(participant.plan.id);
    return { plan, participant: { id: participant.id, personId: participant.person.id } };
  }

  #published(change: 'CONSENT_GIVEN' | 'CONSENT_WITHDRAWN', planId: string, participantId: string, planVersion: number): void {
    this.em.clear();
    this.deps.plans.forgetParticipants();
    this.deps.events.publish('participantsChanged', { planId, change, participantId, planVersion });
  }
}

import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { loadPlanConsents } from '../consent/consent.standing.js';
import { consentStanding, statusUnderConsent, type PlanConsents } from '../policy/consent-rules.js';
import type { PlanFacts } from '../policy/policy.js';
import { Participant, Plan } from './plan.entity.js';

/** Participants with access at `now`: not removed, started, and not past their end date. */
export function activeParticipantFilter(now: Date) {
  return {
    removedAt: null,
    activeFrom: { $lte: now },
    $or: [{ activeTo: null }, { activeTo: { $gt: now } }],
  } satisfies FilterQuery<Participant>;
}

/** Facts from the plan, its participants active by date, and its current consents: who takes part is consent's call. */
export function factsFrom(plan: Plan, participants: readonly Participant[], consents: PlanConsents | undefined): PlanFacts {
  return {
    planId: plan.id,
    ownerId: plan.owner.id,
    status: statusUnderConsent(plan.status, consents),
    kind: plan.kind,
    participants: participants.flatMap((participant) => {
      const standing = consentStanding(participant, plan.status, consents);
      if (!standing.takesPart) return [];
      return [{ personId: participant.person.id, role: participant.role, organizationId: participant.organization?.id ?? null, readsContent: standing.readsContent }];
    }),
  };
}

/** The policy's facts about a plan as of `now`, for doors without a request (the live document). */
export async function loadPlanFacts(em: EntityManager, planId: string, now: Date): Promise<PlanFacts | null> {
  const plan = await em.findOne(Plan, planId);
  if (!plan) return null;
  const participants = await em.find(Participant, { plan: planId, ...activeParticipantFilter(now) });
  return factsFrom(plan, participants, (await loadPlanConsents(em, [planId], now)).get(planId));
}

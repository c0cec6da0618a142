import type { MikroORM } from '@mikro-orm/postgresql';
import { notFound } from '../errors/error-codes.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { loadPlanFacts } from '../plans/plan.with-facts.js';
import type { Clock } from '../shared/clock.js';
import { isSectionKey, type SectionKey } from './document.template.js';
import type { PlanAccess } from './live-document.contracts.js';
import { loadRestrictedReaderIds } from './restricted-readers.js';
import type { SectionGrantAccess } from '../policy/section-rules.js';

/**
 * Reads who may do what in a plan now, for the document core (its `DocumentAuthorizer.load`): the
 * plan's facts from the plans module, and this module's own section grants and restricted readers.
 */
export function planAccessLoader(deps: { orm: MikroORM; clock: Clock; endedPlanReadDays: number }): (planId: string) => Promise<PlanAccess> {
  return async (planId) => {
    const em = deps.orm.em.fork();
    // The three reads need only the plan's id: side by side, as the first connection to a plan
    // waits on them (a join storm's sign-ins queue ahead of each one on the pools).
    const [plan, rows, restrictedReaderIds] = await Promise.all([
      loadPlanFacts(withoutTransaction(em), planId, deps.clock.now(), deps.endedPlanReadDays),
      em.execute<Array<{ person_id: string; section: string; access: SectionGrantAccess }>>('select person_id, section, access from section_grant where plan_id = ?', [planId]),
      loadRestrictedReaderIds(em, planId),
    ]);
    if (!plan) throw notFound('Plan');
    const grantsByPerson = new Map<string, Partial<Record<SectionKey, SectionGrantAccess>>>();
    for (const row of rows) {
      if (!isSectionKey(row.section)) continue;
      grantsByPerson.set(row.person_id, { ...grantsByPerson.get(row.person_id), [row.section]: row.access });
    }
    return { plan, grantsByPerson, restrictedReaderIds };
  };
}

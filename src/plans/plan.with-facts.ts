import type { EntityManager } from '@mikro-orm/postgresql';
import sql from 'sql-template-tag';
import { planConsentRows, planConsentsFrom, type PlanConsentRow } from '../consent/consent.standing.js';
import { readRows } from '../db/prepared-statements.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { PlanFacts } from '../policy/policy.js';
import { sqlArray } from '../db/sql-array.js';
import { currentGuardianRows, currentGuardiansFrom, type CurrentGuardians, type GuardianshipRow } from '../people/guardianship.current.js';
import { personCardRows, personCardsFromRows, type PersonCard, type PersonCardRow } from '../people/person.rows.js';
import type { PlanConsents } from '../policy/consent-rules.js';
import { participantFromRow, type ParticipantModel, type ParticipantRow } from './participant.model.js';
import { planFromRow, type PlanModel, type PlanRow } from './plan.model.js';
import { accessChangeRows, accessChangesFrom, factsFrom, type AccessChangeRow } from './plan.facts.js';

/** Plans with everything their policy facts are built from, as of one instant. */
export interface PlansWithFacts {
  /** The plans found (an id with no plan is missing), as models: never entities (src/plans/plan.model.ts). */
  plans: Map<string, PlanModel>;
  /** Each plan's participants active at that instant: the owner first, then in the order they joined. */
  participants: Map<string, ParticipantModel[]>;
  /**
   * The cards of those participants' persons (what the GraphQL `Person` type shows), by id. They
   * are never made entities: no door of a plan read changes a person, and an entity each would
   * cost the ORM's work on every read of a plan (bench/README.md).
   */
  persons: Map<string, PersonCard>;
  consents: Map<string, PlanConsents>;
  /** When each plan's access changes by the clock alone (`loadAccessChangesAt`); missing when it does not. */
  accessChangesAt: Map<string, Date>;
  /** Each plan owner's current guardians, by owner. */
  guardians: Map<string, CurrentGuardians>;
}

/**
 * What {@link readPlanRows} reads, as PostgreSQL's JSON gives it: no entity, nothing bound to a
 * request, so the plan read cache (src/plans/plan-read-cache.ts) can keep it.
 */
export interface PlanReadRows {
  plans: PlanRow[];
  participants: ParticipantRow[];
  persons: PersonCardRow[];
  consents: PlanConsentRow[];
  access_changes: AccessChangeRow[];
  guardians: GuardianshipRow[];
}

/**
 * Plans, their active participants with their persons' cards, their consents, when their access changes
 * by the clock, and their owners' guardians, in one statement: what `plan(id)` and every check of
 * a plan's policy facts need, in one round trip instead of six. Each module's rows come from that
 * module's own SQL (consent, people), folded in with `json_agg`, and are read by that module's own
 * function, so the facts are those the separate loaders give (test/plan-with-facts.test.ts).
 * The plans and their participants are models and their persons cards, made from the rows and
 * never entities: a read of a plan changes none of them, and the ORM's work for them was the
 * largest part of the plan query's. Read through `em` (inside its transaction when it has one).
 */
export async function loadPlansWithFacts(em: EntityManager, planIds: readonly string[], now: Date): Promise<PlansWithFacts> {
  return plansWithFactsFrom(await readPlanRows(em, planIds, now), now);
}

/** The one statement behind {@link loadPlansWithFacts}: its rows, as of `now`. */
export async function readPlanRows(em: EntityManager, planIds: readonly string[], now: Date): Promise<PlanReadRows> {
  const planIdsOf = sql`array(select "id" from "pl")`;
  // One plan (every read of one plan) is its own text: PostgreSQL settles on a generic plan for it
  // after five runs and stops planning the statement at each bind, which took more time than
  // running it. With an array it keeps planning: a generic plan for an array of unknown length
  // costs more than any custom one.
  const onlyPlan = planIds.length === 1 ? planIds[0]! : null;
  const plansWanted = onlyPlan === null ? sql`"id" = any(${sqlArray(planIds)}::uuid[])` : sql`"id" = ${onlyPlan}::uuid`;
  const [row] = await readRows<PlanReadRows>(em, sql`
    with "pl" as (select * from "plan" where ${plansWanted}),
         "pa" as (select * from "participant" where "plan_id" in (select "id" from "pl")
                   and "removed_at" is null and "active_from" <= ${now} and ("active_to" is null or "active_to" > ${now}))
    select
      (select coalesce(json_agg("pl"), '[]') from "pl") as "plans",
      (select coalesce(json_agg("pa" order by "created_at", "id"), '[]') from "pa") as "participants",
      (select coalesce(json_agg("r"), '[]') from (${personCardRows(sql`array(select distinct "person_id" from "pa")`)}) "r") as "persons",
      (select coalesce(json_agg("r"), '[]') from (${planConsentRows(planIdsOf, now)}) "r") as "consents",
      (select coalesce(json_agg("r"), '[]') from (${accessChangeRows(planIdsOf, now)}) "r") as "access_changes",
      (select coalesce(json_agg("r"), '[]') from (${currentGuardianRows(sql`array(select "owner_id" from "pl")`, now)}) "r") as "guardians"`);
  return row!;
}

/**
 * The plans with their facts from rows read at an earlier instant or just now. Rows read at `t0`
 * give at `now` what rows read at `now` would, as long as `now` is before the plan's first access
 * change after `t0` (the rows' `access_changes`): test/access-clock.property.test.ts holds it.
 */
export function plansWithFactsFrom(result: PlanReadRows, now: Date): PlansWithFacts {
  const plans = new Map(result.plans.map((row) => [row.id, planFromRow(row)] as const));
  const participants = new Map([...plans.keys()].map((planId) => [planId, [] as ParticipantModel[]]));
  for (const data of result.participants) participants.get(data.plan_id)?.push(participantFromRow(data));
  // The owner first, then in the order people joined (the rows come in that order).
  for (const list of participants.values()) list.sort((a, b) => Number(b.role === 'OWNER') - Number(a.role === 'OWNER'));
  const found = [...plans.keys()];
  return {
    plans,
    participants,
    persons: new Map(personCardsFromRows(result.persons).map((card) => [card.id, card])),
    consents: planConsentsFrom(found, result.consents),
    accessChangesAt: accessChangesFrom(result.access_changes),
    guardians: currentGuardiansFrom([...new Set([...plans.values()].map((plan) => plan.owner.id))], result.guardians, now),
  };
}

/**
 * The policy's facts about a plan as of `now`, for doors without a request (the live document,
 * archive downloads), read through the caller's unit of work; `endedPlanReadDays` is config
 * `ENDED_PLAN_READ_DAYS`.
 */
export async function loadPlanFacts(uow: UnitOfWork, planId: string, now: Date, endedPlanReadDays: number): Promise<PlanFacts | null> {
  return planFactsFrom(await loadPlansWithFacts(uow.em, [planId], now), planId, now, endedPlanReadDays);
}

/** The policy's facts about one of the plans loaded, as of `now`; null when it was not found. */
export function planFactsFrom(loaded: PlansWithFacts, planId: string, now: Date, endedPlanReadDays: number): PlanFacts | null {
  const plan = loaded.plans.get(planId);
  if (!plan) return null;
  return factsFrom(plan, loaded.participants.get(planId) ?? [], {
    consents: loaded.consents.get(planId),
    accessChangesAt: loaded.accessChangesAt.get(planId) ?? null,
    guardians: loaded.guardians.get(plan.owner.id),
    ended: { now, readDays: endedPlanReadDays },
  });
}

/**
 * Until when rows of one plan read at some instant give, at any later instant, what rows read then
 * would: the plan's first change of access by the clock after the read (a participation's or a
 * consent's first or last day), or never (null). Guardianships are read whole and judged at use.
 */
export function rowsHoldUntil(rows: PlanReadRows): Date | null {
  const first = rows.access_changes[0];
  return first ? new Date(first.at) : null;
}

import { consentFor } from './consent.js';
import { expectData } from './graphql.js';
import { intakeFor } from './intake.js';
import { plansFor } from './plans.js';
import type { SeededPerson } from './seed.js';
import type { TestApp } from './test-app.js';

export interface SeededPlan {
  id: string;
  owner: SeededPerson;
  /** Participant ids by person sub, for everyone the builder was told of (auto-added guardians of others are left out). */
  participantIds: Record<string, string>;
  /** REQUESTED until the person consents to a plan someone else opened; ACTIVE otherwise. */
  status: string;
  /** The coordinating unit overseeing the plan, or null while Samplan cannot tell which. */
  coordinatingUnitId: string | null;
  /** The request the unit granted, for a plan made with `grantedBy`. */
  requestId?: string;
}

/** What a request the unit grants asked for. */
export interface RequestTerms {
  /**
   * Who asks: the person themselves, or a recorded guardian asking for their ward.
   * @default the plan's owner
   */
  askedBy?: SeededPerson;
  /** @default 'PLAN_AND_COORDINATOR' */
  wants?: 'PLAN_AND_COORDINATOR' | 'COORDINATOR_ONLY' | 'CHILD_COORDINATOR';
  /** Required for CHILD_COORDINATOR (YYYY-MM-DD). */
  childBirthDate?: string;
}

type Origin = { by: 'owner' } | { by: 'staff'; staff: SeededPerson } | { by: 'grant'; staff: SeededPerson; terms: RequestTerms };

interface Invite {
  who: SeededPerson;
  role: 'RELATIVE' | 'PROVIDER' | 'COORDINATOR' | 'GUARDIAN';
  organizationId?: string;
}

const CREATE_PLAN = `mutation($input: CreatePlanInput!) { createPlan(input: $input) {
  __typename ... on CreatePlanSuccess { plan { id } } ... on PlanAlreadyExists { message } } }`;
const PLAN_AS_SEEDED = 'query($id: ID!) { plan(id: $id) { status coordinatingUnit { id } participants { id person { id } } } }';

/**
 * A plan in the state a test needs, made through the public doors only (GraphQL as the people
 * involved), reading like the domain:
 *
 *     await seed.plan().withOwner(ola).withProvider(nurse, homeCare.id).withCoordinator(kari, unit.id).create()
 *     await seed.plan().withOwner(ola).openedBy(kari).withConsent().create()
 *     await seed.plan().withOwner(lise).grantedBy(kari, { askedBy: maria, wants: 'CHILD_COORDINATOR', childBirthDate }).create()
 *
 * In order: the plan is made (by the person, by unit staff, or by the unit granting a request),
 * the person (or guardian) consents if asked to, then invites everyone named with `with…`.
 */
export function planBuilder(t: TestApp) {
  return () => {
    let owner: SeededPerson | undefined;
    let title: string | undefined;
    let origin: Origin = { by: 'owner' };
    let consent: { by?: SeededPerson } | null = null;
    const invites: Invite[] = [];

    const builder = {
      withOwner(who: SeededPerson) {
        owner = who;
        return builder;
      },
      titled(text: string) {
        title = text;
        return builder;
      },
      /** Unit staff open the plan for the person: the unit oversees it, the staff member coordinates, and it waits for consent. */
      openedBy(staff: SeededPerson) {
        origin = { by: 'staff', staff };
        return builder;
      },
      /** The person (or their guardian, `askedBy`) asks the unit, and `staff` grants it: a case waiting for consent. */
      grantedBy(staff: SeededPerson, terms: RequestTerms = {}) {
        origin = { by: 'grant', staff, terms };
        return builder;
      },
      /**
       * The person consents to a plan someone else opened, which makes it ACTIVE; `by` a guardian
       * for a ward. The one who consents also invites the participants.
       */
      withConsent(by?: SeededPerson) {
        consent = by ? { by } : {};
        return builder;
      },
      withRelative(who: SeededPerson) {
        invites.push({ who, role: 'RELATIVE' });
        return builder;
      },
      withProvider(who: SeededPerson, organizationId: string) {
        invites.push({ who, role: 'PROVIDER', organizationId });
        return builder;
      },
      withCoordinator(who: SeededPerson, organizationId: string) {
        invites.push({ who, role: 'COORDINATOR', organizationId });
        return builder;
      },
      /** A guardian whose guardianship is recorded (`seed.guardianship`) takes part as GUARDIAN. */
      withGuardian(who: SeededPerson) {
        invites.push({ who, role: 'GUARDIAN' });
        return builder;
      },
      async create(): Promise<SeededPlan> {
        if (!owner) throw new Error('a plan needs withOwner()');
        const person = owner;
        const { planId, requestId } = await make(t, person, origin, title);
        const consentBy = consent ? (consent.by ?? person) : null;
        if (consentBy) {
          if (origin.by === 'owner') throw new Error('a plan the person makes runs on their own consent: leave out withConsent()');
          expectData(await consentFor(t).give(consentBy.token, { planId, scope: 'PLAN' }), 'giveConsent');
        }
        const inviter = consentBy ?? person;
        const plans = plansFor(t);
        for (const invite of invites) {
          const added = expectData(
            await plans.addParticipant(inviter, { planId, role: invite.role, organizationId: invite.organizationId, person: { id: invite.who.id } }),
            'addParticipant',
          );
          if (added['addParticipant'].__typename !== 'ParticipantAdded') throw new Error(`addParticipant answered ${added['addParticipant'].__typename}`);
        }

        const known = [person, ...invites.map((invite) => invite.who), ...(origin.by === 'owner' ? [] : [origin.staff]), ...(consentBy ? [consentBy] : [])];
        if (origin.by === 'grant' && origin.terms.askedBy) known.push(origin.terms.askedBy);
        const seen = expectData(
          await t.gql<{ plan: { status: string; coordinatingUnit: { id: string } | null; participants: Array<{ id: string; person: { id: string } }> } }>(
            PLAN_AS_SEEDED, { id: planId }, person.token),
          'plan',
        ).plan;
        const participantIds: Record<string, string> = {};
        for (const participant of seen.participants) {
          const who = known.find((candidate) => candidate.id === participant.person.id);
          if (who) participantIds[who.sub] = participant.id;
        }
        return {
          id: planId, owner: person, participantIds, status: seen.status, coordinatingUnitId: seen.coordinatingUnit?.id ?? null,
          ...(requestId ? { requestId } : {}),
        };
      },
    };
    return builder;
  };
}

async function make(t: TestApp, owner: SeededPerson, origin: Origin, title: string | undefined): Promise<{ planId: string; requestId?: string }> {
  if (origin.by === 'grant') {
    const intake = intakeFor(t);
    const { askedBy = owner, wants = 'PLAN_AND_COORDINATOR', childBirthDate } = origin.terms;
    const forSomeoneElse = askedBy.id !== owner.id;
    const submitted = expectData(
      await intake.submit(askedBy, { ...(forSomeoneElse ? { person: { id: owner.id } } : {}), source: forSomeoneElse ? 'GUARDIAN' : 'PERSON', wants, childBirthDate, title }),
      'submitRequest',
    );
    const requestId = submitted['submitRequest'].id as string;
    const decided = expectData(await intake.decide(origin.staff, { requestId, decision: 'GRANTED' }), 'decideRequest');
    if (decided['decideRequest'].__typename !== 'RequestDecided') throw new Error(`decideRequest answered ${decided['decideRequest'].__typename}`);
    return { planId: decided['decideRequest'].request.plan.id as string, requestId };
  }
  const byStaff = origin.by === 'staff';
  const created = expectData(
    await t.gql<{ createPlan: { __typename: string; plan?: { id: string } } }>(
      CREATE_PLAN,
      { input: { ...(byStaff ? { owner: { id: owner.id } } : {}), title: title ?? 'Test plan' } },
      byStaff ? origin.staff.token : owner.token,
    ),
    'createPlan',
  );
  if (!created.createPlan.plan) throw new Error(`createPlan answered ${created.createPlan.__typename}`);
  return { planId: created.createPlan.plan.id };
}

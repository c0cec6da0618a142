import DataLoader from 'dataloader';
import { Cursor, LockMode, UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import { recordCaseEvent } from '../casework/case-event.js';
import type { EventBus } from '../events/event-bus.js';
import type { Organization } from '../organizations/organization.entity.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { loadCurrentGuardians, type CurrentGuardians } from '../people/guardianship.current.js';
import type { Person } from '../people/person.entity.js';
import type { PersonCard } from '../people/person.rows.js';
import type { PersonRef, PersonService } from '../people/person.service.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can, roleIn, type PlanFacts } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseId, parseIdOrNull } from '../shared/ids.js';
import { unitOfWorkIn, withoutTransaction } from '../db/unit-of-work.js';
import { Participant, Plan, type ParticipantRole } from './plan.entity.js';
import type { ParticipantModel } from './participant.model.js';
import { checkConsentOnAdding, recordConsentOnAdding, type ConsentOnAddingInput } from '../consent/consent.on-adding.js';
import { recordConsent } from '../consent/consent.records.js';
import { loadPlanConsents, participantIdsTakingPart } from '../consent/consent.standing.js';
import type { PlanConsents } from '../policy/consent-rules.js';
import type { ParticipantChange } from './plan.events.js';
import { activeParticipantFilter, factsFrom, loadAccessChangesAt } from './plan.facts.js';
import { loadPlansWithFacts, plansWithFactsFrom, readPlanRows, type PlansWithFacts } from './plan.with-facts.js';
import type { PlanReadCache } from './plan-read-cache.js';
import type { PlanModel } from './plan.model.js';
import { assignUnitOfCoordinator, assignUnitOfMunicipality, recordCoordinatorAppointed } from './plan.opening.js';

export interface PlanDeps {
  clock: Clock;
  events: EventBus;
  people: PersonService;
  organizations: OrganizationService;
  /** Config `ENDED_PLAN_READ_DAYS`: who still reads an ended plan (docs/consent.md). */
  endedPlanReadDays: number;
  /** Plans' rows kept between requests, for `getForRead`. */
  readCache: PlanReadCache;
}

type VersionConflict = { __typename: 'VersionConflict'; message: string; currentVersion: number };
export type CreatePlanResult = { __typename: 'CreatePlanSuccess'; plan: PlanModel } | { __typename: 'PlanAlreadyExists'; message: string; existingPlan: PlanModel | null };
type AlreadyParticipant = { __typename: 'AlreadyParticipant'; message: string; participant: Participant };
export type AddParticipantResult =
  | { __typename: 'ParticipantAdded'; participant: Participant; plan: PlanModel }
  | AlreadyParticipant
  | VersionConflict;
export type RemoveParticipantResult = { __typename: 'ParticipantRemoved'; participantId: string; plan: PlanModel | null } | VersionConflict;
export type ChangeRoleResult = { __typename: 'ParticipantRoleChanged'; participant: Participant; plan: PlanModel } | VersionConflict;

export interface PlanPage {
  plans: Plan[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

export const MAX_PAGE_SIZE = 100;
/** Roles that act for an organization, and so must name one they are staff of. */
const ORGANIZATION_ROLES: readonly ParticipantRole[] = ['PROVIDER', 'COORDINATOR'];

/** A plan cursor holds the (createdAt, id) of the last plan seen; anything else is refused before it reaches SQL. */
function isPlanCursor(value: string): boolean {
  try {
    const decoded = Cursor.decode(value);
    return decoded.length === 2 && typeof decoded[1] === 'string' && parseIdOrNull(decoded[1]) !== null && !Number.isNaN(new Date(decoded[0] as string).getTime());
  } catch {
    return false;
  }
}

const versionConflict = (plan: PlanModel): VersionConflict => ({
  __typename: 'VersionConflict',
  message: `The plan has changed since version you saw; it is now at version ${plan.version}`,
  currentVersion: plan.version,
});

export class PlanService {
  /**
   * Plans by id, each read with its policy facts in one statement, which primes the four loaders
   * below: `plan(id)` and the checks on it cost one round trip, not six.
   */
  readonly #plans: DataLoader<string, PlanModel | null>;
  /** Active participants by plan, batched so a page of plans costs one query. */
  readonly #activeParticipants: DataLoader<string, ParticipantModel[]>;
  /** Current consents by plan (src/consent/), batched likewise. */
  readonly #consents: DataLoader<string, PlanConsents | undefined>;
  /** Each owner's current guardians (src/people), batched likewise: a guardian's powers end with the guardianship. */
  readonly #guardians: DataLoader<string, CurrentGuardians | undefined>;
  /** When each plan's access changes by the clock alone, batched likewise. */
  readonly #accessChangesAt: DataLoader<string, Date | null>;
  /** The facts built for each plan object this request holds (`facts`); forgotten with the rest. */
  #facts = new WeakMap<PlanModel, Promise<PlanFacts>>();
  /** The cards of the persons taking part in the plans read, by id: what `person` answers without the ORM. */
  readonly #personCards = new Map<string, PersonCard>();

  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: PlanDeps,
  ) {
    this.#plans = new DataLoader(async (planIds) => {
      const loaded = this.#primeWith(await loadPlansWithFacts(this.em, planIds, this.deps.clock.now()));
      return planIds.map((planId) => loaded.plans.get(planId) ?? null);
    });
    this.#activeParticipants = new DataLoader(async (planIds) => {
      const rows = await this.em.find(
        Participant,
        { plan: { $in: [...planIds] }, ...activeParticipantFilter(this.deps.clock.now()) },
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      // The owner first, then in the order people joined.
      rows.sort((a, b) => Number(b.role === 'OWNER') - Number(a.role === 'OWNER'));
      return planIds.map((planId): ParticipantModel[] => rows.filter((row) => row.plan.id === planId));
    });
    this.#consents = new DataLoader(async (planIds) => {
      const consents = await loadPlanConsents(withoutTransaction(this.em), planIds, this.deps.clock.now());
      return planIds.map((planId) => consents.get(planId));
    });
    this.#guardians = new DataLoader(async (ownerIds) => {
      const guardians = await loadCurrentGuardians(withoutTransaction(this.em), ownerIds, this.deps.clock.now());
      return ownerIds.map((ownerId) => guardians.get(ownerId));
    });
    this.#accessChangesAt = new DataLoader(async (planIds) => {
      const changes = await loadAccessChangesAt(this.em, planIds, this.deps.clock.now());
      return planIds.map((planId) => changes.get(planId) ?? null);
    });
  }

  /** Primes the loaders of the facts with what one statement read alongside the plans. */
  #primeWith(loaded: PlansWithFacts): PlansWithFacts {
    for (const [personId, card] of loaded.persons) this.#personCards.set(personId, card);
    for (const [planId, plan] of loaded.plans) {
      this.#activeParticipants.prime(planId, loaded.participants.get(planId) ?? []);
      this.#consents.prime(planId, loaded.consents.get(planId));
      this.#accessChangesAt.prime(planId, loaded.accessChangesAt.get(planId) ?? null);
      this.#guardians.prime(plan.owner.id, loaded.guardians.get(plan.owner.id));
    }
    return loaded;
  }

  /**
   * `get` for `plan(id)` of a query: the plan's rows may come from the read cache (no statement),
   * kept no longer than an event, a change of access by the clock or the link to other servers
   * allows (src/plans/plan-read-cache.ts); the policy is asked as `get` asks it. Never for a
   * mutation, whose plan must be the row as it is now.
   */
  async getForRead(id: string): Promise<PlanModel> {
    const planId = parseId(id, 'Plan');
    const { rows, at } = await this.deps.readCache.rows(planId, (now) => readPlanRows(this.em, [planId], now));
    // Priming keeps what this request already read, so it sees one plan throughout.
    const loaded = this.#primeWith(plansWithFactsFrom(rows, at));
    this.#plans.prime(planId, loaded.plans.get(planId) ?? null);
    return this.get(planId);
  }

  /** Forgets what this request has loaded about participants and consents, after another service changed them. */
  forgetParticipants(): void {
    this.#facts = new WeakMap();
    this.#plans.clearAll();
    this.#activeParticipants.clearAll();
    this.#consents.clearAll();
    this.#accessChangesAt.clearAll();
    this.#guardians.clearAll();
    this.#personCards.clear();
  }

  /** The plan if the viewer takes part in it; NOT_FOUND otherwise, so ids reveal nothing. */
  async get(id: string): Promise<PlanModel> {
    const plan = await this.find(id);
    if (!plan) throw notFound('Plan');
    return plan;
  }

  async find(id: string): Promise<PlanModel | null> {
    const plan = await this.#plans.load(parseId(id, 'Plan'));
    return plan && can(this.actor, 'plan.read', await this.facts(plan)) ? plan : null;
  }

  /** Whether the viewer may see the plan now, and when that may change by the clock (for subscriptions). */
  async readAccess(planId: string): Promise<{ allowed: boolean; changesAt: Date | null }> {
    const plan = await this.#plans.load(parseId(planId, 'Plan'));
    if (!plan) return { allowed: false, changesAt: null };
    const facts = await this.facts(plan);
    return { allowed: can(this.actor, 'plan.read', facts), changesAt: facts.accessChangesAt ?? null };
  }

  /**
   * The policy's facts about the plan, built once per plan object a request holds: its check and
   * each field that asks again (`participants`, `viewerRole`, …) share them, as they share the rows.
   */
  facts(plan: PlanModel): Promise<PlanFacts> {
    let facts = this.#facts.get(plan);
    if (!facts) this.#facts.set(plan, (facts = this.#buildFacts(plan)));
    return facts;
  }

  async #buildFacts(plan: PlanModel): Promise<PlanFacts> {
    const [participants, consents, changesAt, guardians] = await Promise.all([
      this.#activeParticipants.load(plan.id),
      this.#consents.load(plan.id),
      this.#accessChangesAt.load(plan.id),
      this.#guardians.load(plan.owner.id),
    ]);
    return factsFrom(plan, participants, {
      consents,
      accessChangesAt: changesAt,
      guardians,
      ended: { now: this.deps.clock.now(), readDays: this.deps.endedPlanReadDays },
    });
  }

  async participants(plan: PlanModel): Promise<ParticipantModel[]> {
    assertCan(this.actor, 'plan.read', await this.facts(plan));
    return this.#activeParticipants.load(plan.id);
  }

  /**
   * The person a plan or a participant names (its owner, a participant, who ended it), as the
   * `Person` type shows them; the caller has already been let read the plan. The entity when this
   * request holds it loaded (unsaved changes and all, as `findOne` gives it), else the card the
   * plan read brought, else a read batched with the others of the same tick (a page of plans).
   */
  async person(ref: { id: string }): Promise<PersonCard> {
    return this.deps.people.held(ref.id) ?? this.#personCards.get(ref.id) ?? this.deps.people.load(ref.id);
  }

  /** The coordinating unit overseeing the plan, batched with the others of the tick; the caller has already been let read the plan. */
  async unitOf(plan: PlanModel): Promise<Organization | null> {
    return plan.unit ? this.deps.organizations.load(plan.unit.id) : null;
  }

  /** The unit a provider or coordinator takes part for; the caller has already been let read the plan. */
  async organizationOf(participant: ParticipantModel): Promise<Organization | null> {
    return participant.organization ? this.deps.organizations.load(participant.organization.id) : null;
  }

  async participantById(id: string): Promise<Participant | null> {
    const participant = await this.em.findOne(Participant, parseId(id, 'Participant'), { populate: ['plan'] });
    if (!participant || !(await this.find(participant.plan.id))) return null;
    return participant;
  }

  async viewerRole(plan: PlanModel): Promise<ParticipantRole | null> {
    return roleIn(this.actor, await this.facts(plan));
  }

  async viewerCanAppointCoordinator(plan: PlanModel): Promise<boolean> {
    return can(this.actor, 'plan.appointCoordinator', await this.facts(plan));
  }

  async viewerCanManageParticipants(plan: PlanModel): Promise<boolean> {
    return can(this.actor, 'plan.manageParticipants', await this.facts(plan));
  }

  async viewerCanRemove(participant: ParticipantModel): Promise<boolean> {
    const plan = await this.#planOf(participant);
    const target = { personId: participant.person.id, role: participant.role };
    return can(this.actor, 'participant.remove', { plan: await this.facts(plan), target });
  }

  async viewerCanChangeRole(participant: ParticipantModel): Promise<boolean> {
    const plan = await this.#planOf(participant);
    const target = { personId: participant.person.id, role: participant.role };
    // Asked for a role other than the current one: can the viewer change roles at all?
    const newRole = participant.role === 'RELATIVE' ? 'PROVIDER' : 'RELATIVE';
    return can(this.actor, 'participant.changeRole', { plan: await this.facts(plan), target, newRole });
  }

  /** The plan a participation belongs to, as the plan read has it (it exists: the participation names it). */
  async #planOf(participant: ParticipantModel): Promise<PlanModel> {
    const plan = await this.#plans.load(participant.plan.id);
    if (!plan) throw notFound('Plan');
    return plan;
  }

  /** Plans the viewer takes part in now, newest first. */
  async list(args: { first?: number | null; after?: string | null }): Promise<PlanPage> {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be 1 to ${MAX_PAGE_SIZE}`);
    const where: FilterQuery<Plan> = {
      participants: {
        person: this.actor.personId,
        ...activeParticipantFilter(this.deps.clock.now()),
        // Invited without the person's consent yet: not listed.
        id: { $in: await participantIdsTakingPart(withoutTransaction(this.em), this.actor.personId, this.deps.clock.now(), this.deps.endedPlanReadDays) },
      },
    };
    if (args.after && !isPlanCursor(args.after)) throw badInput('after is not a valid cursor');
    const cursor = await this.em.findByCursor(Plan, where, {
      first,
      after: args.after ?? undefined,
      orderBy: { createdAt: 'desc', id: 'desc' },
    });
    return {
      plans: cursor.items,
      cursors: cursor.items.map((plan) => cursor.from(plan)),
      hasNextPage: cursor.hasNextPage,
      endCursor: cursor.endCursor,
      totalCount: cursor.totalCount,
    };
  }

  async create(input: { owner?: PersonRef | null; title?: string | null }): Promise<CreatePlanResult> {
    const owner = input.owner ? await this.deps.people.resolveRef(input.owner) : await this.deps.people.byId(this.actor.personId);
    if (owner.kind !== 'CITIZEN') throw badInput('A plan is owned by the person it is for, who signs in as a citizen');
    const guardianIds = await this.deps.people.guardianIdsOf(owner.id);
    const municipalities = await this.deps.people.municipalitiesOf(owner.id);
    assertCan(this.actor, 'plan.create', { ownerId: owner.id, guardianIdsOfOwner: guardianIds, ownerMunicipalities: municipalities });
    const title = input.title?.trim() || 'Individuell plan';
    if (title.length > 200) throw badInput('title must be at most 200 characters');
    const creatorRole = this.creatorRole(owner.id, guardianIds);
    const creatorOrganization = creatorRole === 'COORDINATOR' ? this.coordinatingUnitOf(municipalities) : null;

    // The existing plan comes with the answer only where the caller may read it (its participants).
    const alreadyExists = async (): Promise<CreatePlanResult> => {
      const existing = await this.em.fork().findOne(Plan, { owner: owner.id, status: { $ne: 'ENDED' } }, { fields: ['id'] });
      return { __typename: 'PlanAlreadyExists', message: 'This person already has a plan that has not ended', existingPlan: existing ? await this.find(existing.id) : null };
    };
    try {
      const plan = await this.em.transactional(async (em) => {
        if (await em.count(Plan, { owner: owner.id, status: { $ne: 'ENDED' } })) return null;
        const plan = em.create(Plan, { owner: owner.id, title });
        // Made by the coordinating unit's staff: the unit oversees it and it is on the unit's dashboard.
        if (creatorOrganization) em.assign(plan, { unit: creatorOrganization });
        // Made by staff, it waits for the person's consent; made by the person or guardian, making it is the consent.
        if (creatorRole === 'COORDINATOR') plan.status = 'REQUESTED';
        const add = (personId: string, role: ParticipantRole, organizationId: string | null = null) =>
          em.create(Participant, {
            plan: plan.id,
            person: personId,
            role,
            organization: organizationId,
            activeFrom: this.deps.clock.now(),
            addedBy: this.actor.personId,
          });
        add(owner.id, 'OWNER');
        if (creatorRole) add(this.actor.personId, creatorRole, creatorOrganization);
        // Opened by someone else (a guardian, the unit), the case has every guardian in it, who may consent for the person.
        const otherGuardianIds = creatorRole ? guardianIds.filter((guardianId) => guardianId !== this.actor.personId) : [];
        for (const guardianId of otherGuardianIds) add(guardianId, 'GUARDIAN');
        if (creatorRole !== 'COORDINATOR') {
          await recordConsent(unitOfWorkIn(em), { plan, participant: null, scope: 'PLAN', givenById: this.actor.personId, validUntil: null }, this.deps.clock.now());
        }
        await em.flush();
        // Made by the person or guardian: under the unit of the person's municipality, when known.
        await assignUnitOfMunicipality(em, plan, municipalities, this.actor.personId, this.deps.clock.now());
        return plan;
      });
      return plan ? { __typename: 'CreatePlanSuccess', plan: await this.em.findOneOrFail(Plan, plan.id) } : await alreadyExists();
    } catch (error) {
      // Two concurrent requests for the same person: the partial unique index decides.
      if (error instanceof UniqueConstraintViolationException) return alreadyExists();
      throw error;
    }
  }

  /** Who creates a plan for someone else takes part: a guardian as guardian, unit staff as interim coordinator. */
  private creatorRole(ownerId: string, guardianIds: readonly string[]): ParticipantRole | null {
    if (this.actor.personId === ownerId) return null;
    return guardianIds.includes(this.actor.personId) ? 'GUARDIAN' : 'COORDINATOR';
  }

  /** The creator's coordinating unit, the one of the owner's municipality when they are staff of several. */
  private coordinatingUnitOf(ownerMunicipalities: ReadonlyArray<string | null>): string | null {
    const units = this.actor.memberships.filter((membership) => membership.organizationKind === 'COORDINATING_UNIT');
    const ofOwner = units.find((membership) => membership.municipality !== null && ownerMunicipalities.includes(membership.municipality));
    return (ofOwner ?? units[0])?.organizationId ?? null;
  }

  async addParticipant(input: {
    planId: string;
    person: PersonRef;
    role: ParticipantRole;
    organizationId?: string | null;
    activeTo?: Date | null;
    consent?: ConsentOnAddingInput | null;
    expectedVersion?: number | null;
  }): Promise<AddParticipantResult> {
    const plan = await this.get(input.planId);
    const facts = await this.facts(plan);
    // Staff of the unit handling a case that waits for consent may appoint its coordinator, and add nobody else.
    assertCan(this.actor, input.role === 'COORDINATOR' ? 'plan.appointCoordinator' : 'plan.manageParticipants', facts);
    const byConsenter = can(this.actor, 'consent.give', facts);
    checkConsentOnAdding(input.consent, byConsenter, this.deps.clock.now());
    if (input.role === 'OWNER') throw badInput('A plan has one owner, set when it is created');
    const person = await this.deps.people.resolveRef(input.person);
    const organizationId = await this.checkRoleFits(plan, person, input.role, input.organizationId ?? null);
    const now = this.deps.clock.now();
    if (input.activeTo && input.activeTo <= now) throw badInput('activeTo must be in the future');

    const outcome = await this.changePlan<AlreadyParticipant>(plan.id, input.expectedVersion, async (em, locked) => {
      const current = await em.findOne(Participant, { plan: locked.id, person: person.id, removedAt: null });
      if (current) return { __typename: 'AlreadyParticipant', message: 'That person already takes part in this plan', participant: current };
      await this.assertSingleCoordinator(em, locked.id, input.role, null);
      const participant = em.create(Participant, {
        plan: locked.id,
        person: person.id,
        role: input.role,
        organization: organizationId,
        activeFrom: now,
        activeTo: input.activeTo ?? null,
        addedBy: this.actor.personId,
      });
      await assignUnitOfCoordinator(em, locked, { role: input.role, organizationId }, this.actor.personId, now);
      await recordCoordinatorAppointed(em, locked, input.role, person.id, this.actor.personId, now);
      const consent = { byConsenter, givenById: this.actor.personId, consent: input.consent, activeTo: input.activeTo ?? null };
      await recordConsentOnAdding(unitOfWorkIn(em), { plan: locked, participant: { id: participant.id, personId: person.id }, ...consent }, now);
      // The invitation goes out with the consent to take part (src/consent/consent.records.ts): at once
      // when the person adds someone, once they consent when the coordinator does.
      return { participantId: participant.id, change: 'ADDED' as const };
    });
    if ('__typename' in outcome) return outcome;
    return {
      __typename: 'ParticipantAdded',
      participant: await this.em.findOneOrFail(Participant, outcome.participantId),
      plan: await this.em.findOneOrFail(Plan, plan.id),
    };
  }

  async removeParticipant(input: { participantId: string; expectedVersion?: number | null }): Promise<RemoveParticipantResult> {
    const participant = await this.participantById(input.participantId);
    if (!participant || participant.removedAt) throw notFound('Participant');
    const plan = await this.em.findOneOrFail(Plan, participant.plan.id);
    const target = { personId: participant.person.id, role: participant.role };
    assertCan(this.actor, 'participant.remove', { plan: await this.facts(plan), target });

    // Also after the end (docs/consent.md), but only as the policy was asked: a plan that ended
    // since is refused, and asked again, by the rule for ended plans.
    const change = async (em: EntityManager) => {
      const row = await em.findOneOrFail(Participant, participant.id);
      row.removedAt = this.deps.clock.now();
      return { participantId: row.id, change: 'REMOVED' as const };
    };
    const outcome = await this.changePlan<never>(plan.id, input.expectedVersion, change, { endedToo: plan.status === 'ENDED' });
    if ('__typename' in outcome) return outcome;
    // Someone who removed themselves can no longer see the plan.
    return { __typename: 'ParticipantRemoved', participantId: participant.id, plan: await this.find(plan.id) };
  }

  async changeRole(input: {
    participantId: string;
    role: ParticipantRole;
    organizationId?: string | null;
    expectedVersion?: number | null;
  }): Promise<ChangeRoleResult> {
    const participant = await this.participantById(input.participantId);
    if (!participant || participant.removedAt) throw notFound('Participant');
    const plan = await this.em.findOneOrFail(Plan, participant.plan.id);
    const target = { personId: participant.person.id, role: participant.role };
    assertCan(this.actor, 'participant.changeRole', { plan: await this.facts(plan), target, newRole: input.role });
    const person = await this.deps.people.byId(participant.person.id);
    const organizationId = await this.checkRoleFits(plan, person, input.role, input.organizationId ?? null);

    const outcome = await this.changePlan<never>(plan.id, input.expectedVersion, async (em, locked) => {
      await this.assertSingleCoordinator(em, locked.id, input.role, participant.id);
      const row = await em.findOneOrFail(Participant, participant.id);
      const from = row.role;
      const wasCoordinator = row.role === 'COORDINATOR';
      row.role = input.role;
      em.assign(row, { organization: organizationId });
      await assignUnitOfCoordinator(em, locked, { role: input.role, organizationId }, this.actor.personId, this.deps.clock.now());
      if (!wasCoordinator) await recordCoordinatorAppointed(em, locked, input.role, person.id, this.actor.personId, this.deps.clock.now());
      // A role decides powers (a GUARDIAN consents and reads the access log): the unit keeps the trail.
      if (locked.unit) {
        await recordCaseEvent(em, {
          unitId: locked.unit.id, kind: 'PARTICIPANT_ROLE_CHANGED', at: this.deps.clock.now(), planId: locked.id, personId: locked.owner.id,
          actorId: this.actor.personId, detail: { participantId: row.id, personId: person.id, from, to: input.role },
        });
      }
      return { participantId: row.id, change: 'ROLE_CHANGED' as const };
    });
    if ('__typename' in outcome) return outcome;
    await this.em.refresh(participant);
    return { __typename: 'ParticipantRoleChanged', participant, plan: await this.em.findOneOrFail(Plan, plan.id) };
  }

  /** Ends the plan: the document becomes read-only for everyone, and a CLOSED version is saved. */
  async end(input: { planId: string; reason: string; expectedVersion?: number | null }): Promise<PlanModel | VersionConflict> {
    const plan = await this.get(input.planId);
    assertCan(this.actor, 'plan.end', await this.facts(plan));
    const reason = input.reason.trim();
    if (!reason || reason.length > 2000) throw badInput('reason must be 1 to 2000 characters');
    const at = this.deps.clock.now();
    const outcome = await this.em.transactional(async (em) => {
      const locked = await em.findOneOrFail(Plan, plan.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (locked.status === 'ENDED') throw badInput('The plan has already ended');
      if (input.expectedVersion != null && input.expectedVersion !== locked.version) return versionConflict(locked);
      em.assign(locked, { status: 'ENDED', endedAt: at, endReason: reason, endedBy: this.actor.personId });
      await em.flush();
      if (locked.unit) {
        await recordCaseEvent(em, { unitId: locked.unit.id, kind: 'PLAN_ENDED', at, planId: locked.id, personId: locked.owner.id, actorId: this.actor.personId });
      }
      return null;
    });
    if (outcome) return outcome;
    this.em.clear();
    this.forgetParticipants();
    this.deps.events.publish('planEnded', { planId: plan.id, endedById: this.actor.personId, reason, at });
    return this.em.findOneOrFail(Plan, plan.id);
  }

  /**
   * Runs a participant change in a transaction that holds the plan's row lock, bumps the plan's
   * version, and publishes the event once committed. An ended plan is refused unless `endedToo`
   * (a removal, asked of the policy about the ended plan).
   */
  private async changePlan<T extends { __typename: string }>(
    planId: string,
    expectedVersion: number | null | undefined,
    change: (em: EntityManager, plan: Plan) => Promise<T | { participantId: string; change: ParticipantChange }>,
    options: { endedToo?: boolean } = {},
  ): Promise<T | VersionConflict | { participantId: string; change: ParticipantChange }> {
    const outcome = await this.em.transactional(async (em) => {
      const plan = await em.findOneOrFail(Plan, planId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (plan.status === 'ENDED' && !options.endedToo) throw badInput('The plan has ended');
      if (expectedVersion != null && expectedVersion !== plan.version) return versionConflict(plan);
      const result = await change(em, plan);
      if ('__typename' in result) return result;
      plan.updatedAt = this.deps.clock.now();
      await em.flush();
      return { ...result, planVersion: plan.version };
    });
    this.em.clear();
    this.forgetParticipants();
    if ('planVersion' in outcome) {
      this.deps.events.publish('participantsChanged', {
        planId,
        change: outcome.change,
        participantId: outcome.participantId,
        planVersion: outcome.planVersion,
      });
    }
    return outcome;
  }

  /** Role-specific invariants: providers act for a unit they belong to; guardians are recorded ones. */
  private async checkRoleFits(plan: PlanModel, person: Person, role: ParticipantRole, organizationId: string | null): Promise<string | null> {
    if (!ORGANIZATION_ROLES.includes(role)) {
      if (organizationId) throw badInput(`A ${role.toLowerCase()} does not act for an organization`);
      // guardianIdsOf counts only guardianships that hold now: not one revoked, run out or yet to begin.
      if (role === 'GUARDIAN' && !(await this.deps.people.guardianIdsOf(plan.owner.id)).includes(person.id)) {
        throw badInput('Only a current recorded guardian of the person can take part as guardian');
      }
      return null;
    }
    if (!organizationId) throw badInput(`A ${role.toLowerCase()} must act for an organization: give organizationId`);
    const organization = await this.deps.organizations.byId(organizationId);
    if (!(await this.deps.organizations.isMember(organization.id, person.id))) {
      throw badInput('That person is not staff of the given organization');
    }
    return organization.id;
  }

  private async assertSingleCoordinator(em: EntityManager, planId: string, role: ParticipantRole, exceptId: string | null) {
    if (role !== 'COORDINATOR') return;
    const others = await em.count(Participant, {
      plan: planId,
      role: 'COORDINATOR',
      ...activeParticipantFilter(this.deps.clock.now()),
      ...(exceptId ? { id: { $ne: exceptId } } : {}),
    });
    if (others) throw badInput('The plan already has a coordinator; change or remove them first');
  }
}

import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { resolveDeadline, setDeadline } from '../casework/deadline.js';
import { badInput } from '../errors/error-codes.js';
import type { PersonRef, PersonService } from '../people/person.service.js';
import { openRequestedPlan } from '../plans/plan.opening.js';
import type { PlanKind } from '../plans/plan.entity.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can, type IntakeCaseFacts, type RequestSource } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { addCalendarMonth, ageAt, daysBefore, endOfPlanDate, parseCalendarDate, todayInOslo } from '../shared/dates.js';
import { coordinatingUnitIdOf } from '../organizations/organization.directory.js';
import { unitOfWorkIn, withoutTransaction } from '../db/unit-of-work.js';
import { ServiceRequest, type RequestWants } from './request.entity.js';
import { notifyAbout, notifyOfInterimNotice, notifyUnitStaff, recordRequestEvent, requestLink } from './request.notices.js';
import { readableById } from '../shared/readable-by-id.js';
import { findPage, type PageArgs } from '../shared/connection.js';

export interface RequestDeps {
  clock: Clock;
  people: PersonService;
}

export interface SubmitRequestInput {
  /** Whom the request is for; left out, yourself. */
  person?: PersonRef | null;
  /** Kommunenummer of the person's municipality: its coordinating unit receives the request. */
  municipality: string;
  source: RequestSource;
  powerOfAttorney?: string | null;
  wants: RequestWants;
  childBirthDate?: string | null;
  title?: string | null;
}

export type DecideRequestResult =
  | { __typename: 'RequestDecided'; request: ServiceRequest }
  | { __typename: 'PlanAlreadyExists'; message: string };

/** Title of the case a grant opens, when the request gave none. */
const DEFAULT_TITLES: Record<PlanKind, string> = {
  PLAN: 'Individuell plan',
  COORDINATOR_ONLY: 'Koordinator',
  CHILD_COORDINATOR: 'Barnekoordinator',
};
const KIND_BY_WANTS: Record<RequestWants, PlanKind> = {
  PLAN_AND_COORDINATOR: 'PLAN',
  COORDINATOR_ONLY: 'COORDINATOR_ONLY',
  CHILD_COORDINATOR: 'CHILD_COORDINATOR',
};
/** How long before the decision deadline the unit is warned. */
const DECISION_WARNING_DAYS = 7;
const decisionKey = (requestId: string) => `decision:${requestId}`;

function text(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const trimmed = value?.trim() || null;
  if (required && !trimmed) throw badInput(`${field} is required`);
  if (trimmed && trimmed.length > max) throw badInput(`${field} must be at most ${max} characters`);
  return trimmed;
}

/** Requests for a plan and/or a coordinator: submitted to, and decided by, a coordinating unit. */
export class RequestService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: RequestDeps,
  ) {}

  /** The request if the viewer may see it; NOT_FOUND otherwise, so ids reveal nothing. */
  get(id: string): Promise<ServiceRequest> {
    return this.#byId.get(id);
  }

  find(id: string): Promise<ServiceRequest | null> {
    return this.#byId.find(id);
  }

  readonly #byId = readableById(
    'Request',
    (id) => this.em.findOne(ServiceRequest, id),
    async (request) => can(this.actor, 'request.read', await this.facts(request)),
  );

  /** Requests the viewer submitted or that are about them, newest first. */
  async mine(args: PageArgs) {
    const me = this.actor.personId;
    return findPage(this.em, ServiceRequest, { $or: [{ submittedBy: me }, { person: me }] }, args, { receivedAt: 'desc', id: 'desc' });
  }

  async viewerCanDecide(request: ServiceRequest): Promise<boolean> {
    return request.status === 'RECEIVED' && can(this.actor, 'request.decide', await this.facts(request));
  }

  async facts(request: ServiceRequest): Promise<IntakeCaseFacts> {
    return {
      unitId: request.unit.id,
      personId: request.person.id,
      submittedById: request.submittedBy.id,
      guardianIdsOfPerson: await this.deps.people.guardianIdsOf(request.person.id),
    };
  }

  async submit(input: SubmitRequestInput): Promise<ServiceRequest> {
    const municipality = input.municipality.trim();
    if (!/^\d{4}$/.test(municipality)) throw badInput('municipality must be a four-digit municipality number (kommunenummer)');
    const person = input.person ? await this.deps.people.resolveRef(input.person) : await this.deps.people.byId(this.actor.personId);
    if (person.kind !== 'CITIZEN') throw badInput('A request is for a person who signs in as a citizen');
    const powerOfAttorney = text(input.powerOfAttorney, 'powerOfAttorney', 2000, false);
    if (input.source === 'RELATIVE' && !powerOfAttorney) {
      throw badInput('A relative who is not the legal representative needs a power of attorney: describe it in powerOfAttorney');
    }
    const now = this.deps.clock.now();
    const childBirthDate = this.checkChild(input, now);
    const title = text(input.title, 'title', 200, false);
    assertCan(this.actor, 'request.submit', {
      personId: person.id,
      source: input.source,
      guardianIdsOfPerson: await this.deps.people.guardianIdsOf(person.id),
      hasPowerOfAttorney: Boolean(powerOfAttorney),
    });
    const unitId = await coordinatingUnitIdOf(withoutTransaction(this.em), municipality);
    if (!unitId) throw badInput(`Municipality ${municipality} has no coordinating unit in Samplan`);

    const decisionDueAt = addCalendarMonth(now);
    const request = await this.em.transactional(async (em) => {
      const request = em.create(ServiceRequest, {
        unit: unitId,
        person: person.id,
        submittedBy: this.actor.personId,
        source: input.source,
        powerOfAttorney,
        wants: input.wants,
        childBirthDate,
        title,
        receivedAt: now,
        decisionDueAt,
        createdAt: now,
        updatedAt: now,
      });
      await em.flush();
      await setDeadline(em, {
        key: decisionKey(request.id),
        kind: 'DECISION',
        unitId,
        requestId: request.id,
        personId: person.id,
        dueAt: decisionDueAt,
        warnAt: daysBefore(decisionDueAt, DECISION_WARNING_DAYS),
      }, now);
      await recordRequestEvent(em, request, 'REQUEST_RECEIVED', now, this.actor.personId, { source: request.source, wants: request.wants });
      await notifyUnitStaff(em, request, 'REQUEST_RECEIVED', `request-received:${request.id}`, now);
      return request;
    });
    return this.em.findOneOrFail(ServiceRequest, request.id);
  }

  /** A child coordinator is for a child under 18, asked for by a parent (guardian) or health personnel. */
  private checkChild(input: SubmitRequestInput, now: Date): string | null {
    if (input.wants !== 'CHILD_COORDINATOR') {
      if (input.childBirthDate) throw badInput('childBirthDate is only for a CHILD_COORDINATOR request');
      return null;
    }
    if (!input.childBirthDate) throw badInput('A CHILD_COORDINATOR request needs the childBirthDate');
    const birthDate = parseCalendarDate(input.childBirthDate, 'childBirthDate');
    if (birthDate > todayInOslo(now)) throw badInput('childBirthDate cannot be in the future');
    if (ageAt(birthDate, now) >= 18) throw badInput('A child coordinator is for a child under 18 at the date of the request');
    if (input.source !== 'GUARDIAN' && input.source !== 'HEALTH_PERSONNEL') {
      throw badInput('A child coordinator is requested by a guardian (parent) or by health personnel');
    }
    return birthDate;
  }

  /** Grants (opening the plan, waiting for consent) or refuses (with a reason) a received request. */
  async decide(input: { requestId: string; decision: 'GRANTED' | 'REFUSED'; reason?: string | null; title?: string | null }): Promise<DecideRequestResult> {
    const request = await this.get(input.requestId);
    const facts = await this.facts(request);
    assertCan(this.actor, 'request.decide', facts);
    const reason = text(input.reason, 'reason', 4000, input.decision === 'REFUSED');
    const title = text(input.title, 'title', 200, false);
    const now = this.deps.clock.now();
    const alreadyExists = { __typename: 'PlanAlreadyExists', message: 'This person already has a plan that has not ended' } as const;
    try {
      const decided = await this.em.transactional(async (em) => {
        const locked = await this.lockReceived(em, request.id);
        if (input.decision === 'GRANTED') {
          const kind = KIND_BY_WANTS[locked.wants];
          const plan = await openRequestedPlan(unitOfWorkIn(em), {
            ownerId: locked.person.id,
            unitId: locked.unit.id,
            title: title ?? locked.title ?? DEFAULT_TITLES[kind],
            kind,
            addedById: this.actor.personId,
            // Whoever consents for the person takes part in the case from the start: a parent who
            // asked for a child coordinator consents, and invites, for the child.
            guardianIds: facts.guardianIdsOfPerson,
            now,
          });
          if (!plan) return null;
          em.assign(locked, { plan: plan.id });
        }
        Object.assign(locked, { status: input.decision, decidedAt: now, decisionReason: reason, updatedAt: now });
        em.assign(locked, { decidedBy: this.actor.personId });
        await em.flush();
        await resolveDeadline(em, decisionKey(locked.id), now);
        await recordRequestEvent(em, locked, 'REQUEST_DECIDED', now, this.actor.personId, { status: input.decision });
        await notifyAbout(em, {
          recipientIds: [locked.person.id, locked.submittedBy.id, ...facts.guardianIdsOfPerson],
          kind: 'REQUEST_DECIDED',
          link: requestLink(locked.id),
          occasion: `request-decided:${locked.id}`,
        }, now);
        return locked.id;
      });
      if (!decided) return alreadyExists;
    } catch (error) {
      // A plan opened concurrently for the same person: the partial unique index decides.
      if (error instanceof UniqueConstraintViolationException) return alreadyExists;
      throw error;
    }
    this.em.clear();
    return { __typename: 'RequestDecided', request: await this.em.findOneOrFail(ServiceRequest, request.id) };
  }

  /** Records that the written interim notice (why it takes longer, and when to expect a decision) was sent. */
  async recordInterimNotice(input: { requestId: string; reason: string; expectedDecisionDate: string }): Promise<ServiceRequest> {
    const request = await this.get(input.requestId);
    const facts = await this.facts(request);
    assertCan(this.actor, 'request.decide', facts);
    const reason = text(input.reason, 'reason', 4000, true);
    const expected = parseCalendarDate(input.expectedDecisionDate, 'expectedDecisionDate');
    const now = this.deps.clock.now();
    if (expected <= todayInOslo(now)) throw badInput('expectedDecisionDate must be after today');
    await this.em.transactional(async (em) => {
      const locked = await this.lockReceived(em, request.id);
      Object.assign(locked, { interimNoticeSentAt: now, interimNoticeReason: reason, interimNoticeExpectedDate: expected, updatedAt: now });
      em.assign(locked, { interimNoticeRecordedBy: this.actor.personId });
      await em.flush();
      // The person was told when to expect the decision: that date is the deadline now, and if it
      // passes undecided, another notice is owed.
      await setDeadline(em, {
        key: decisionKey(locked.id),
        kind: 'DECISION',
        unitId: locked.unit.id,
        requestId: locked.id,
        personId: locked.person.id,
        dueAt: endOfPlanDate(expected)!,
        warnAt: null,
      }, now);
      await recordRequestEvent(em, locked, 'INTERIM_NOTICE_SENT', now, this.actor.personId, { expectedDecisionDate: expected });
      // The notice is written to the person: it reaches them (and who acts for them) in their inbox.
      await notifyOfInterimNotice(em, locked, { guardianIds: facts.guardianIdsOfPerson, sentAt: now, recordedById: this.actor.personId });
    });
    this.em.clear();
    return this.em.findOneOrFail(ServiceRequest, request.id);
  }

  /** The submitter or the person takes a request back before it is decided. */
  async withdraw(requestId: string): Promise<ServiceRequest> {
    const request = await this.get(requestId);
    assertCan(this.actor, 'request.withdraw', await this.facts(request));
    const now = this.deps.clock.now();
    await this.em.transactional(async (em) => {
      const locked = await this.lockReceived(em, request.id);
      Object.assign(locked, { status: 'WITHDRAWN', updatedAt: now });
      await em.flush();
      await resolveDeadline(em, decisionKey(locked.id), now);
      await recordRequestEvent(em, locked, 'REQUEST_WITHDRAWN', now, this.actor.personId);
    });
    this.em.clear();
    return this.em.findOneOrFail(ServiceRequest, request.id);
  }

  /** Takes the request's row lock; only a request still waiting for a decision can change. */
  private async lockReceived(em: EntityManager, id: string): Promise<ServiceRequest> {
    const locked = await em.findOneOrFail(ServiceRequest, id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (locked.status !== 'RECEIVED') throw badInput(`The request is already ${locked.status.toLowerCase()}`);
    return locked;
  }
}

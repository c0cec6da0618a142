import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { recordCaseEvent } from '../casework/case-event.js';
import { badInput, notFound } from '../errors/error-codes.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import { unitById } from '../organizations/organization.directory.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import type { PersonService } from '../people/person.service.js';
import { planById } from '../plans/plan.records.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can, type IntakeCaseFacts } from '../policy/policy.js';
import { requestById } from '../requests/request.directory.js';
import type { Clock } from '../shared/clock.js';
import { parseId } from '../shared/ids.js';
import { Complaint, OPEN_COMPLAINT_STATUSES, type ComplaintAbout, type ComplaintStatus } from './complaint.entity.js';
import { readableById } from '../shared/readable-by-id.js';

export interface ComplaintDeps {
  clock: Clock;
  people: PersonService;
}

export interface FileComplaintInput {
  about: ComplaintAbout;
  /** The refused request (about REFUSAL). */
  requestId?: string | null;
  /** The plan (about MISSING_CONTENT, INACTIVE_PLAN, LACK_OF_PARTICIPATION). */
  planId?: string | null;
  text: string;
  /** How the complainant may act for the person, when they are neither the person nor a guardian. */
  powerOfAttorney?: string | null;
  /** The coordinating unit to receive it, for a plan that has none yet (required then). */
  unitId?: string | null;
}

type StatusChange = Exclude<ComplaintStatus, 'RECEIVED'>;
/** Which status each change may come from: forwarded to the county governor first, then decided there. */
const ALLOWED_FROM: Record<StatusChange, readonly ComplaintStatus[]> = {
  FORWARDED: ['RECEIVED'],
  UPHELD: ['FORWARDED'],
  NOT_UPHELD: ['FORWARDED'],
  WITHDRAWN: OPEN_COMPLAINT_STATUSES,
};

export const complaintLink = (complaintId: string) => `/complaints/${complaintId}`;

/** Complaints about a refusal or about a plan, tracked with status and dates until decided. */
export class ComplaintService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: ComplaintDeps,
  ) {}

  readonly #byId = readableById(
    'Complaint',
    (id) => this.em.findOne(Complaint, id),
    async (complaint) => can(this.actor, 'complaint.read', await this.facts(complaint)),
  );

  /** The complaint if the viewer may see it; NOT_FOUND otherwise, so ids reveal nothing. */
  get(id: string): Promise<Complaint> {
    return this.#byId.get(id);
  }

  find(id: string): Promise<Complaint | null> {
    return this.#byId.find(id);
  }

  /** Complaints the viewer filed or that are on their behalf, newest first. */
  async mine(): Promise<Complaint[]> {
    const me = this.actor.personId;
    return this.em.find(Complaint, { $or: [{ filedBy: me }, { person: me }] }, { orderBy: { filedAt: 'desc', id: 'desc' } });
  }

  async facts(complaint: Complaint): Promise<IntakeCaseFacts> {
    return {
      unitId: complaint.unit.id,
      personId: complaint.person.id,
      submittedById: complaint.filedBy.id,
      guardianIdsOfPerson: await this.deps.people.guardianIdsOf(complaint.person.id),
    };
  }

  async viewerCanChangeStatus(complaint: Complaint, status: StatusChange): Promise<boolean> {
    return ALLOWED_FROM[status].includes(complaint.status) && can(this.actor, 'complaint.updateStatus', { complaint: await this.facts(complaint), newStatus: status });
  }

  async file(input: FileComplaintInput): Promise<Complaint> {
    const text = input.text.trim();
    if (!text || text.length > 5000) throw badInput('text must be 1 to 5000 characters');
    const powerOfAttorney = input.powerOfAttorney?.trim() || null;
    if (powerOfAttorney && powerOfAttorney.length > 2000) throw badInput('powerOfAttorney must be at most 2000 characters');
    const subject = await this.subjectOf(input, Boolean(powerOfAttorney));
    const now = this.deps.clock.now();
    const complaint = await this.em.transactional(async (em) => {
      const complaint = em.create(Complaint, {
        unit: subject.unitId,
        plan: subject.planId,
        request: subject.requestId,
        person: subject.personId,
        filedBy: this.actor.personId,
        powerOfAttorney,
        about: input.about,
        text,
        filedAt: now,
        updatedAt: now,
      });
      await em.flush();
      await this.recordEvent(em, complaint, 'COMPLAINT_FILED', now, { about: complaint.about });
      return complaint;
    });
    return this.em.findOneOrFail(Complaint, complaint.id);
  }

  /**
   * What the complaint is about, whom it is for and which unit receives it. The right to complain
   * is not the right to read (someone with a power of attorney need not take part in the plan), so
   * the request or plan is read directly; whoever may not complain about it learns nothing of it.
   */
  private async subjectOf(input: FileComplaintInput, hasPowerOfAttorney: boolean) {
    const mayComplainFor = async (personId: string) =>
      can(this.actor, 'complaint.file', { personId, guardianIdsOfPerson: await this.deps.people.guardianIdsOf(personId), hasPowerOfAttorney });
    if (input.about === 'REFUSAL') {
      if (!input.requestId || input.planId) throw badInput('A complaint about a refusal names the refused request (requestId), not a plan');
      const request = await requestById(withoutTransaction(this.em), parseId(input.requestId, 'Request'));
      if (!request || !(await mayComplainFor(request.person.id))) throw notFound('Request');
      if (request.status !== 'REFUSED') throw badInput('A complaint about a refusal needs a refused request');
      return { unitId: await this.routeTo(request.unit.id, input.unitId), personId: request.person.id, requestId: request.id, planId: null };
    }
    if (!input.planId || input.requestId) throw badInput(`A complaint about ${input.about} names the plan (planId), not a request`);
    const plan = await planById(withoutTransaction(this.em), parseId(input.planId, 'Plan'));
    if (!plan || !(await mayComplainFor(plan.owner.id))) throw notFound('Plan');
    return { unitId: await this.routeTo(plan.unit?.id ?? null, input.unitId), personId: plan.owner.id, requestId: null, planId: plan.id };
  }

  /**
   * The unit that receives the complaint: the one that decided the request or oversees the plan.
   * A plan without one (made by the person, municipality unknown, no unit coordinator yet) still
   * has a route: the complainant names the coordinating unit, which forwards it like any other.
   * Naming it does not put the plan under that unit (docs/requests-and-complaints.md).
   */
  private async routeTo(ownUnitId: string | null, namedUnitId: string | null | undefined): Promise<string> {
    const named = namedUnitId ? parseId(namedUnitId, 'Organization') : null;
    if (ownUnitId) {
      if (named && named !== ownUnitId) throw badInput('unitId is only for a plan without a coordinating unit: this complaint goes to the unit that decided the request or oversees the plan');
      return ownUnitId;
    }
    if (!named) {
      throw badInput("This plan has no coordinating unit yet: name the coordinating unit of the person's municipality in unitId (see organizations)");
    }
    const unit = await unitById(withoutTransaction(this.em), named);
    if (unit?.kind !== 'COORDINATING_UNIT') throw badInput('unitId must name a coordinating unit (see organizations)');
    return unit.id;
  }

  /** Unit staff forward the complaint to the county governor and record its outcome; the complainant may withdraw it. */
  async updateStatus(input: { complaintId: string; status: StatusChange }): Promise<Complaint> {
    const complaint = await this.get(input.complaintId);
    assertCan(this.actor, 'complaint.updateStatus', { complaint: await this.facts(complaint), newStatus: input.status });
    const now = this.deps.clock.now();
    await this.em.transactional(async (em) => {
      const locked = await em.findOneOrFail(Complaint, complaint.id, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!ALLOWED_FROM[input.status].includes(locked.status)) {
        throw badInput(`A ${locked.status.toLowerCase()} complaint cannot become ${input.status.toLowerCase()}`);
      }
      locked.status = input.status;
      locked.updatedAt = now;
      if (input.status === 'FORWARDED') locked.forwardedAt = now;
      if (input.status === 'UPHELD' || input.status === 'NOT_UPHELD') locked.decidedAt = now;
      await em.flush();
      await this.recordEvent(em, locked, 'COMPLAINT_UPDATED', now, { status: input.status });
      // The complainant hears of every change they did not make themselves.
      if (locked.filedBy.id !== this.actor.personId) {
        await enqueueNotification(em, {
          recipientId: locked.filedBy.id,
          kind: 'COMPLAINT_STATUS',
          link: complaintLink(locked.id),
          dedupeKey: `complaint-status:${locked.id}:${input.status}`,
        }, now);
      }
    });
    this.em.clear();
    return this.em.findOneOrFail(Complaint, complaint.id);
  }

  private recordEvent(em: EntityManager, complaint: Complaint, kind: 'COMPLAINT_FILED' | 'COMPLAINT_UPDATED', at: Date, detail: Record<string, string>) {
    return recordCaseEvent(em, {
      unitId: complaint.unit.id,
      kind,
      at,
      planId: complaint.plan?.id ?? null,
      requestId: complaint.request?.id ?? null,
      personId: complaint.person.id,
      actorId: this.actor.personId,
      detail: { complaintId: complaint.id, ...detail },
    });
  }
}

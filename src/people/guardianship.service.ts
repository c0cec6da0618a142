import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { badInput, forbidden, notFound } from '../errors/error-codes.js';
import type { EventBus } from '../events/event-bus.js';
import type { ParticipantsChangedEvent } from '../plans/plan.events.js';
import { addGuardianToOpenCases } from '../plans/plan.opening.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, mayRecordGuardianships } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { daysAfter, startOfPlanDate } from '../shared/dates.js';
import { parseId } from '../shared/ids.js';
import { unitOfWorkIn, withoutTransaction } from '../db/unit-of-work.js';
import { isCurrentGuardianship, loadCurrentGuardians } from './guardianship.current.js';
import { GUARDIANSHIP_BASES, Guardianship, type GuardianshipBasis } from './guardianship.entity.js';
import {
  guardianParticipations,
  publishParticipations,
  scheduleGuardianshipEnd,
  tellOfGuardianship,
  unscheduleGuardianshipEnd,
} from './guardianship.trail.js';
import { Person } from './person.entity.js';
import type { PersonRef, PersonResolver } from './person-ref.js';

export interface RecordGuardianshipInput {
  guardian: PersonRef;
  ward: PersonRef;
  basis: GuardianshipBasis;
  basisReference: string;
  /** @default now */
  validFrom?: Date | null;
  validUntil?: Date | null;
}

export interface GuardianshipDeps {
  clock: Clock;
  events: EventBus;
}

/** Nobody alive was put under guardianship before this; earlier dates are typing errors. */
const EARLIEST_VALID_FROM = startOfPlanDate('1900-01-01')!;
/** An appointment may be recorded ahead of its start, but not by more than about a year. */
const MAX_DAYS_AHEAD_FROM = 366;
/** A child's guardianship runs at most 18 years, an appointment rarely long: 100 years is a typing error. */
const MAX_DAYS_AHEAD_UNTIL = 100 * 366;
const MAX_TEXT = 500;

/** The period asked for, checked: BAD_USER_INPUT names what is wrong. */
function periodOf(input: RecordGuardianshipInput, now: Date): { validFrom: Date; validUntil: Date | null } {
  const validFrom = input.validFrom ?? now;
  const validUntil = input.validUntil ?? null;
  if (Number.isNaN(validFrom.getTime()) || validFrom < EARLIEST_VALID_FROM || validFrom > daysAfter(now, MAX_DAYS_AHEAD_FROM)) {
    throw badInput('validFrom must be from 1900-01-01 and at most a year ahead');
  }
  if (validUntil) {
    if (Number.isNaN(validUntil.getTime()) || validUntil <= validFrom) throw badInput('validUntil must be after validFrom');
    if (validUntil <= now) throw badInput('validUntil must be in the future: a guardianship that has already ended is not recorded');
    if (validUntil > daysAfter(now, MAX_DAYS_AHEAD_UNTIL)) throw badInput('validUntil must be within 100 years');
  }
  return { validFrom, validUntil };
}

function textOf(value: string, field: string, what: string): string {
  const text = value.trim();
  if (text.length < 1 || text.length > MAX_TEXT) throw badInput(`${field} (1 to ${MAX_TEXT} characters) ${what}`);
  return text;
}

/**
 * Records and revokes guardianships (docs/guardianship.md). Both are asked of the policy with the
 * ward's municipality, tell the ward's units and the people concerned in the same transaction,
 * and make every door re-check the guardian's access to the ward's plans once committed.
 */
export class GuardianshipService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: GuardianshipDeps,
    private readonly people: PersonResolver,
  ) {}

  isCurrent(guardianship: Guardianship): boolean {
    return isCurrentGuardianship(guardianship, this.deps.clock.now());
  }

  /** Guardianships where the signed-in person is the guardian or the ward, oldest first, past ones too. */
  mine(): Promise<Guardianship[]> {
    const me = this.actor.personId;
    return this.em.find(Guardianship, { $or: [{ guardian: me }, { ward: me }] }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async record(input: RecordGuardianshipInput): Promise<Guardianship> {
    // Refused before any person is looked up or created: nobody else learns who exists.
    if (!mayRecordGuardianships(this.actor)) throw forbidden('Not allowed: guardianship.record');
    if (!GUARDIANSHIP_BASES.includes(input.basis)) throw badInput(`basis must be one of ${GUARDIANSHIP_BASES.join(', ')}`);
    const basisReference = textOf(input.basisReference, 'basisReference', 'says where the basis can be checked');
    const now = this.deps.clock.now();
    const period = periodOf(input, now);
    const guardian = await this.people.resolveRef(input.guardian);
    const ward = await this.people.resolveRef(input.ward);
    if (guardian.id === ward.id) throw badInput('A person cannot be their own guardian');
    assertCan(this.actor, 'guardianship.record', { guardianId: guardian.id, wardId: ward.id, wardMunicipalities: await this.people.municipalitiesOf(ward.id) });
    const existing = await this.em.findOne(Guardianship, { guardian, ward, revokedAt: null });
    // Still to come or holding: the same guardianship (revoke it to record another period).
    if (existing && (!existing.validUntil || existing.validUntil > now)) return existing;
    let changes: ParticipantsChangedEvent[] = [];
    try {
      const id = await this.em.transactional(async (em) => {
        if (existing) await this.#closeEnded(em, existing.id, now);
        const guardianship = em.create(Guardianship, {
          guardian: guardian.id,
          ward: ward.id,
          recordedBy: this.actor.personId,
          basis: input.basis,
          basisReference,
          ...period,
          createdAt: now,
        });
        await em.flush();
        await tellOfGuardianship(em, { guardianship, change: 'RECORDED', actorId: this.actor.personId, otherGuardianIds: await this.#otherGuardians(em, guardianship, now), now });
        await scheduleGuardianshipEnd(em, guardianship, now);
        // One yet to begin brings nobody in: a GUARDIAN role needs a guardianship that holds now.
        const added = isCurrentGuardianship(guardianship, now) ? await addGuardianToOpenCases(unitOfWorkIn(em), ward.id, guardian.id, now, { addedById: this.actor.personId }) : [];
        const touched = new Set(added.map((change) => change.planId));
        changes = [...added, ...(await guardianParticipations(em, guardianship)).filter((change) => !touched.has(change.planId))];
        return guardianship.id;
      });
      this.em.clear();
      publishParticipations(this.deps.events, changes);
      return await this.em.findOneOrFail(Guardianship, id);
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Recorded concurrently by someone else: theirs stands, with its own notifications.
      this.em.clear();
      return this.em.findOneOrFail(Guardianship, { guardian: guardian.id, ward: ward.id, revokedAt: null });
    }
  }

  async revoke(id: string, reasonInput: string): Promise<Guardianship> {
    if (!mayRecordGuardianships(this.actor)) throw forbidden('Not allowed: guardianship.revoke');
    const reason = textOf(reasonInput, 'reason', 'says why the guardianship no longer holds');
    const found = await this.em.findOne(Guardianship, parseId(id, 'Guardianship'));
    if (!found) throw notFound('Guardianship');
    assertCan(this.actor, 'guardianship.revoke', {
      guardianId: found.guardian.id,
      wardId: found.ward.id,
      wardMunicipalities: await this.people.municipalitiesOf(found.ward.id),
    });
    const now = this.deps.clock.now();
    const changes = await this.em.transactional(async (em) => {
      // Locked, so two revocations at once cannot both tell everyone.
      const guardianship = await em.findOneOrFail(Guardianship, found.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (guardianship.revokedAt) throw badInput('The guardianship has already been revoked');
      if (guardianship.validUntil && guardianship.validUntil <= now) {
        throw badInput(`The guardianship ended at ${guardianship.validUntil.toISOString()}: there is nothing to revoke`);
      }
      Object.assign(guardianship, { revokedAt: now, revokedBy: em.getReference(Person, this.actor.personId, { wrapped: true }), revocationReason: reason });
      await em.flush();
      await tellOfGuardianship(em, { guardianship, change: 'REVOKED', actorId: this.actor.personId, otherGuardianIds: await this.#otherGuardians(em, guardianship, now), now });
      await unscheduleGuardianshipEnd(em, guardianship.id, now);
      return guardianParticipations(em, guardianship);
    });
    this.em.clear();
    publishParticipations(this.deps.events, changes);
    return this.em.findOneOrFail(Guardianship, found.id);
  }

  /**
   * An earlier guardianship of the same pair that ran out by its date is closed when the pair is
   * recorded again, so that only one row of a pair is open (the partial unique index). Its period
   * is unchanged: the revocation comes after its end and says so.
   */
  async #closeEnded(em: EntityManager, id: string, now: Date): Promise<void> {
    const ended = await em.findOneOrFail(Guardianship, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (ended.revokedAt) return;
    Object.assign(ended, {
      revokedAt: now,
      revokedBy: em.getReference(Person, this.actor.personId, { wrapped: true }),
      revocationReason: `Ended ${ended.validUntil?.toISOString() ?? ''}; recorded again`,
    });
    await em.flush();
  }

  async #otherGuardians(em: EntityManager, guardianship: Guardianship, now: Date): Promise<string[]> {
    const current = (await loadCurrentGuardians(withoutTransaction(em), [guardianship.ward.id], now)).get(guardianship.ward.id);
    return [...(current?.guardianIds ?? [])].filter((id) => id !== guardianship.guardian.id);
  }
}

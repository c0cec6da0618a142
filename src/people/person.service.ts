import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import type { EventBus } from '../events/event-bus.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { parseId } from '../shared/ids.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { heldEntity } from '../db/entity-rows.js';
import { loadCurrentGuardians } from './guardianship.current.js';
import { GuardianshipService } from './guardianship.service.js';
import { coordinatingUnitsOf } from './guardianship.trail.js';
import type { PeopleDeps, PersonRef, PersonResolver } from './person-ref.js';
import { parseNationalIdentityNumber } from './national-identity-number.js';
import { Person, type PersonKind } from './person.entity.js';

/** The signed-in person as the `Viewer` type shows them. */
export interface ViewerModel {
  person: Person;
  actor: Actor;
}

export type { PeopleDeps, PersonRef, PersonResolver } from './person-ref.js';

export class PersonService implements PersonResolver {
  /** Recording and revoking guardianships (src/people/guardianship.service.ts). */
  readonly guardianships: GuardianshipService;

  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: PeopleDeps & { events: EventBus },
  ) {
    this.guardianships = new GuardianshipService(em, actor, deps, this);
  }

  async viewer(): Promise<ViewerModel> {
    return { person: await this.em.findOneOrFail(Person, this.actor.personId), actor: this.actor };
  }

  /** The person of `id` when this request already holds them loaded (unsaved changes and all, as `byId` would give them), else null. */
  held(id: string): Person | null {
    return heldEntity(this.em, Person, id);
  }

  /**
   * The person of `id`, which a row of ours names (so it exists): read as a reference's `load`
   * reads, batched with every other asked for in the same tick, so a page of plans naming people
   * costs one statement for them all (MikroORM's reference dataloader, src/db/orm.ts).
   */
  async load(id: string): Promise<Person> {
    return this.em.getReference(Person, id, { wrapped: true }).loadOrFail();
  }

  async byId(id: string): Promise<Person> {
    const person = await this.em.findOne(Person, parseId(id, 'Person'));
    if (!person) throw notFound('Person');
    return person;
  }

  /** The persons of `ids` that exist, in one query; ids must already be valid. */
  async byIds(ids: readonly string[]): Promise<Person[]> {
    return ids.length ? this.em.find(Person, { id: { $in: [...ids] } }) : [];
  }

  /**
   * Finds the person a reference names. Named by issuer and subject, or by national identity
   * number, someone Samplan has not met yet is created, so they can be invited before they first
   * sign in (docs/identity.md). The number is never echoed back, in errors or anywhere else.
   */
  async resolveRef(ref: PersonRef): Promise<Person> {
    const named = [ref.id, ref.issuer || ref.subject, ref.nationalIdentityNumber].filter(Boolean).length;
    if (named !== 1) throw badInput('Name a person by id, by issuer and subject, or by nationalIdentityNumber (one of them)');
    if (ref.id) return this.byId(ref.id);
    if (ref.nationalIdentityNumber) {
      const nationalIdentityNumber = parseNationalIdentityNumber(ref.nationalIdentityNumber);
      const kind = ref.kind ?? 'CITIZEN';
      return this.#findOrCreate({ kind, nationalIdentityNumber }, kind, ref.displayName);
    }
    if (ref.kind) throw badInput('kind goes with nationalIdentityNumber; an issuer decides the kind of its subjects');
    const issuer = ref.issuer?.trim();
    const subject = ref.subject?.trim();
    if (!issuer || !subject) throw badInput('Name a person by issuer and subject together');
    const existing = await this.em.findOne(Person, { issuer, subject });
    if (existing) return existing;
    const kind = this.deps.knownIssuers.get(issuer);
    if (!kind) throw badInput(`Unknown issuer: ${issuer}`);
    return this.#findOrCreate({ issuer, subject }, kind, ref.displayName);
  }

  /** The person `where` names, or a new one of `kind` with the name the inviter gave. */
  async #findOrCreate(
    where: { issuer: string; subject: string } | { kind: PersonKind; nationalIdentityNumber: string },
    kind: PersonKind,
    givenName: string | null | undefined,
  ): Promise<Person> {
    const existing = await this.em.findOne(Person, where);
    if (existing) return existing;
    const displayName = givenName?.trim();
    if (!displayName || displayName.length > 200) {
      throw badInput('displayName (1 to 200 characters) is needed for someone Samplan has not met yet');
    }
    try {
      const person = this.em.create(Person, { ...where, kind, displayName });
      await this.em.flush();
      return person;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Someone else created the same person concurrently.
      this.em.clear();
      return this.em.findOneOrFail(Person, where);
    }
  }

  /**
   * The person's guardians now: only guardianships that hold at this instant (begun, not run out,
   * not revoked). Every power a guardian has outside a plan is asked with these.
   */
  async guardianIdsOf(personId: string): Promise<string[]> {
    const current = await loadCurrentGuardians(withoutTransaction(this.em), [personId], this.deps.clock.now());
    return [...(current.get(personId)?.guardianIds ?? [])];
  }

  /**
   * The ward's municipality as Samplan knows it (a person has no municipality field): one entry
   * per coordinating unit that has received a request for them or oversees a plan of theirs.
   */
  async municipalitiesOf(personId: string): Promise<Array<string | null>> {
    return (await coordinatingUnitsOf(this.em, personId)).map((unit) => unit.municipality);
  }

  /** The signed-in person's own name, as others see it (docs/identity.md, "Names"). */
  async setMyDisplayName(raw: string): Promise<Person> {
    const displayName = raw.trim();
    if (!displayName || displayName.length > 200) throw badInput('displayName must be 1 to 200 characters');
    const person = await this.em.findOneOrFail(Person, this.actor.personId);
    const renamed = person.displayName !== displayName;
    person.displayName = displayName;
    await this.em.flush();
    if (renamed) this.deps.events.publish('personCardChanged', { personId: person.id });
    return person;
  }

  async grantAdministrator(personId: string): Promise<Person> {
    assertCan(this.actor, 'person.grantAdmin', null);
    const person = await this.byId(personId);
    person.isAdmin = true;
    await this.em.flush();
    this.deps.events.publish('actorChanged', { personId: person.id });
    return person;
  }
}

import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import type { EventBus } from '../events/event-bus.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { parseId } from '../shared/ids.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { loadCurrentGuardians } from './guardianship.current.js';
import { GuardianshipService } from './guardianship.service.js';
import { coordinatingUnitsOf } from './guardianship.trail.js';
import type { PeopleDeps, PersonRef, PersonResolver } from './person-ref.js';
import { Person } from './person.entity.js';

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
   * Finds the person a reference names. Named by issuer and subject, someone Samplan has not met
   * yet is created, so they can be invited before they first sign in.
   */
  async resolveRef(ref: PersonRef): Promise<Person> {
    if (ref.id) {
      if (ref.issuer || ref.subject) throw badInput('Name a person by id, or by issuer and subject, not both');
      return this.byId(ref.id);
    }
    const issuer = ref.issuer?.trim();
    const subject = ref.subject?.trim();
    if (!issuer || !subject) throw badInput('Name a person by id, or by issuer and subject');
    const existing = await this.em.findOne(Person, { issuer, subject });
    if (existing) return existing;
    const kind = this.deps.knownIssuers.get(issuer);
    if (!kind) throw badInput(`Unknown issuer: ${issuer}`);
    const displayName = ref.displayName?.trim();
    if (!displayName || displayName.length > 200) {
      throw badInput('displayName (1 to 200 characters) is needed for someone Samplan has not met yet');
    }
    try {
      const person = this.em.create(Person, { issuer, subject, displayName, kind });
      await this.em.flush();
      return person;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Someone else created the same person concurrently.
      this.em.clear();
      return this.em.findOneOrFail(Person, { issuer, subject });
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

  async grantAdministrator(personId: string): Promise<Person> {
    assertCan(this.actor, 'person.grantAdmin', null);
    const person = await this.byId(personId);
    person.isAdmin = true;
    await this.em.flush();
    this.deps.events.publish('actorChanged', { personId: person.id });
    return person;
  }
}

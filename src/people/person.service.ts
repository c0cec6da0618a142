import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { badInput, forbidden, notFound } from '../errors/error-codes.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import { membershipFactsOf } from '../organizations/organization.service.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, mayRecordGuardianships } from '../policy/policy.js';
import type { Identity } from '../auth/token-verifier.js';
import type { Clock } from '../shared/clock.js';
import { parseId } from '../shared/ids.js';
import { GUARDIANSHIP_BASES, Guardianship, type GuardianshipBasis } from './guardianship.entity.js';
import { Person, type PersonKind } from './person.entity.js';

/** The signed-in person as the `Viewer` type shows them. */
export interface ViewerModel {
  person: Person;
  actor: Actor;
}

export interface PersonRef {
  id?: string | null;
  issuer?: string | null;
  subject?: string | null;
  displayName?: string | null;
}

export interface RecordGuardianshipInput {
  guardian: PersonRef;
  ward: PersonRef;
  basis: GuardianshipBasis;
  basisReference: string;
}

/** Where the ward and their guardians read about it; the notification itself says nothing more. */
export const GUARDIANSHIPS_LINK = '/me/guardianships';

export interface PeopleDeps {
  clock: Clock;
  /** Issuers whose subjects may be named in a `PersonRefInput`, with the kind of person they vouch for. */
  knownIssuers: ReadonlyMap<string, PersonKind>;
  bootstrapAdmin: { issuer: string; subject: string } | null;
}

const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/**
 * Turns a verified token into an Actor: finds or creates the person, keeps their name current,
 * and promotes the configured first administrator.
 */
export async function identifyActor(em: EntityManager, identity: Identity, deps: PeopleDeps): Promise<Actor> {
  const now = deps.clock.now();
  let person = await em.findOne(Person, { issuer: identity.issuer, subject: identity.subject });
  if (!person) {
    await em.upsert(
      Person,
      new Person({ issuer: identity.issuer, subject: identity.subject, displayName: identity.displayName, kind: identity.kind }),
      { onConflictFields: ['issuer', 'subject'], onConflictAction: 'ignore' },
    );
    person = await em.findOneOrFail(Person, { issuer: identity.issuer, subject: identity.subject });
  }
  const isBootstrapAdmin =
    deps.bootstrapAdmin?.issuer === identity.issuer && deps.bootstrapAdmin.subject === identity.subject;
  const stale = !person.lastSeenAt || now.getTime() - person.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;
  if (person.displayName !== identity.displayName || person.hprNumber !== identity.hprNumber || stale || (isBootstrapAdmin && !person.isAdmin)) {
    person.displayName = identity.displayName;
    person.hprNumber = identity.hprNumber;
    person.lastSeenAt = now;
    if (isBootstrapAdmin) person.isAdmin = true;
    await em.flush();
  }
  return {
    personId: person.id,
    kind: person.kind,
    isAdmin: person.isAdmin,
    memberships: await membershipFactsOf(em, person.id),
    tokenExpiresAt: identity.expiresAt,
  };
}

export class PersonService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: PeopleDeps,
  ) {}

  async viewer(): Promise<ViewerModel> {
    return { person: await this.em.findOneOrFail(Person, this.actor.personId), actor: this.actor };
  }

  async byId(id: string): Promise<Person> {
    const person = await this.em.findOne(Person, parseId(id, 'Person'));
    if (!person) throw notFound('Person');
    return person;
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
      const person = new Person({ issuer, subject, displayName, kind });
      await this.em.persist(person).flush();
      return person;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Someone else created the same person concurrently.
      this.em.clear();
      return this.em.findOneOrFail(Person, { issuer, subject });
    }
  }

  async guardianIdsOf(personId: string): Promise<string[]> {
    const rows = await this.em.find(Guardianship, { ward: personId }, { fields: ['guardian'] });
    return rows.map((row) => row.guardian.id);
  }

  /** Guardianships where the signed-in person is the guardian or the ward, oldest first. */
  async myGuardianships(): Promise<Guardianship[]> {
    const me = this.actor.personId;
    return this.em.find(Guardianship, { $or: [{ guardian: me }, { ward: me }] }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /**
   * The ward's municipality as Samplan knows it (a person has no municipality field): one entry
   * per coordinating unit that has received a request for them or oversees a plan of theirs.
   * Read in SQL because requests and plans are other modules' tables and only ids matter here.
   */
  async municipalitiesOf(personId: string): Promise<Array<string | null>> {
    const rows = await this.em.execute<Array<{ municipality: string | null }>>(
      `select "o"."municipality" from "organization" "o"
       where "o"."kind" = 'COORDINATING_UNIT' and "o"."id" in (
         select "unit_id" from "service_request" where "person_id" = ?
         union select "unit_id" from "plan" where "owner_id" = ? and "unit_id" is not null)`,
      [personId, personId],
    );
    return rows.map((row) => row.municipality);
  }

  /**
   * Records a legal representative, with its basis, and tells the ward and their existing
   * guardians through the outbox in the same transaction (docs/guardianship.md).
   */
  async recordGuardianship(input: RecordGuardianshipInput): Promise<Guardianship> {
    // Refused before any person is looked up or created: nobody else learns who exists.
    if (!mayRecordGuardianships(this.actor)) throw forbidden('Not allowed: guardianship.record');
    if (!GUARDIANSHIP_BASES.includes(input.basis)) throw badInput(`basis must be one of ${GUARDIANSHIP_BASES.join(', ')}`);
    const basisReference = input.basisReference.trim();
    if (basisReference.length < 1 || basisReference.length > 500) throw badInput('basisReference (1 to 500 characters) says where the basis can be checked');
    const guardian = await this.resolveRef(input.guardian);
    const ward = await this.resolveRef(input.ward);
    if (guardian.id === ward.id) throw badInput('A person cannot be their own guardian');
    assertCan(this.actor, 'guardianship.record', {
      guardianId: guardian.id,
      wardId: ward.id,
      wardMunicipalities: await this.municipalitiesOf(ward.id),
    });
    const existing = await this.em.findOne(Guardianship, { guardian, ward });
    if (existing) return existing;
    const now = this.deps.clock.now();
    const others = (await this.guardianIdsOf(ward.id)).filter((id) => id !== guardian.id);
    try {
      const id = await this.em.transactional(async (em) => {
        const guardianship = new Guardianship({
          guardian: em.getReference(Person, guardian.id, { wrapped: true }),
          ward: em.getReference(Person, ward.id, { wrapped: true }),
          recordedBy: em.getReference(Person, this.actor.personId, { wrapped: true }),
          basis: input.basis,
          basisReference,
        });
        guardianship.createdAt = now;
        await em.persist(guardianship).flush();
        for (const recipientId of [ward.id, ...others]) {
          await enqueueNotification(em, {
            recipientId,
            kind: 'GUARDIANSHIP_RECORDED',
            link: GUARDIANSHIPS_LINK,
            dedupeKey: `guardianship:${guardianship.id}:${recipientId}`,
          }, now);
        }
        return guardianship.id;
      });
      return await this.em.findOneOrFail(Guardianship, id);
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Recorded concurrently by someone else: theirs stands, with its own notifications.
      this.em.clear();
      return this.em.findOneOrFail(Guardianship, { guardian: guardian.id, ward: ward.id });
    }
  }

  async grantAdministrator(personId: string): Promise<Person> {
    assertCan(this.actor, 'person.grantAdmin', null);
    const person = await this.byId(personId);
    person.isAdmin = true;
    await this.em.flush();
    return person;
  }
}

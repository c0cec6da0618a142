import type { Identity } from '../auth/token-verifier.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { PeopleDeps } from './person-ref.js';
import { notFound } from '../errors/error-codes.js';
import { Person } from './person.entity.js';

/**
 * Persons for doors that have no request-scoped services (the live-document endpoint): what the
 * people module tells others about a person, by id.
 */
export async function personById(uow: UnitOfWork, id: string): Promise<Person> {
  const person = await uow.em.findOne(Person, id);
  if (!person) throw notFound('Person');
  return person;
}

const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/**
 * The person a verified token names: found, or created on first sign-in; their name kept current,
 * and the configured first administrator promoted.
 */
export async function personOfIdentity(uow: UnitOfWork, identity: Identity, deps: Pick<PeopleDeps, 'clock' | 'bootstrapAdmin'>): Promise<Person> {
  const { em } = uow;
  const now = deps.clock.now();
  let person = await em.findOne(Person, { issuer: identity.issuer, subject: identity.subject });
  if (!person) {
    await em.upsert(
      Person,
      // Not persisted: the upsert writes it (or finds it written concurrently).
      em.create(Person, { issuer: identity.issuer, subject: identity.subject, displayName: identity.displayName, kind: identity.kind }, { persist: false }),
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
  return person;
}

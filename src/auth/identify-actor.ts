import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { membershipFactsOf } from '../organizations/organization.directory.js';
import { personOfIdentity } from '../people/person.directory.js';
import type { PeopleDeps } from '../people/person-ref.js';
import type { Actor } from '../policy/actor.js';
import type { Identity } from './token-verifier.js';

/**
 * Turns a verified token into an Actor: the person (the people module finds or creates them) and
 * their memberships (the organizations module's), which is all the policy needs to know.
 */
export async function identifyActor(em: EntityManager, identity: Identity, deps: PeopleDeps, logger?: Logger): Promise<Actor> {
  const { person, lastSeenWritten } = await personOfIdentity(withoutTransaction(em), identity, deps, logger);
  // Side by side: each is a round trip of its own, and in a join storm each waits its turn in the pool.
  const [memberships] = await Promise.all([membershipFactsOf(withoutTransaction(em), person.id), lastSeenWritten]);
  return {
    personId: person.id,
    kind: person.kind,
    isAdmin: person.isAdmin,
    memberships,
    tokenExpiresAt: identity.expiresAt,
  };
}

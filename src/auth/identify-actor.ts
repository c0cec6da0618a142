import type { MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { membershipsAtSignIn } from '../organizations/organization.directory.js';
import { personOfIdentity, personSignIns, type PersonSignIns } from '../people/person.directory.js';
import type { PeopleDeps } from '../people/person-ref.js';
import type { Actor } from '../policy/actor.js';
import type { Identity } from './token-verifier.js';

/**
 * Turns a verified token into an Actor: the person (the people module finds or creates them) and
 * their memberships (the organizations module's), which is all the policy needs to know. Sign-ins
 * that arrive together share their statements (`groupedLoader`): a join storm's 200 read persons
 * and memberships and write "last seen" in a few dozen statements, not 600.
 */
export class ActorIdentifier {
  readonly #people: PersonSignIns;
  readonly #memberships: DataLoader<string, Actor['memberships']>;

  constructor(
    private readonly orm: MikroORM,
    /** Without `events` (a test's), nobody hears of a name the token changed. */
    private readonly deps: PeopleDeps & { events?: EventBus },
    private readonly logger?: Logger,
  ) {
    this.#people = personSignIns(orm, deps.clock);
    this.#memberships = membershipsAtSignIn(orm);
  }

  async identify(identity: Identity): Promise<Actor> {
    const { person, lastSeenWritten, renamed } = await personOfIdentity(withoutTransaction(this.orm.em.fork()), identity, this.deps, this.#people, this.logger);
    if (renamed) this.deps.events?.publish('personCardChanged', { personId: person.id });
    // Side by side: each is a round trip of its own.
    const [memberships] = await Promise.all([this.#memberships.load(person.id), lastSeenWritten]);
    return {
      personId: person.id,
      kind: person.kind,
      isAdmin: person.isAdmin,
      memberships,
      tokenExpiresAt: identity.expiresAt,
    };
  }
}

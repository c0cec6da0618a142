import type { MikroORM } from '@mikro-orm/postgresql';
import { createServices, type ServiceDeps, type Services } from '../app/services.js';
import { unauthenticated } from '../errors/error-codes.js';
import type { EventBus } from '../events/event-bus.js';
import type { Actor } from '../policy/actor.js';
import type { Clock } from '../shared/clock.js';

export interface GraphQLContext {
  actor: Actor | null;
  events: EventBus;
  /** The services' clock, for timers of long-lived subscriptions. */
  clock: Clock;
  /** Services of this operation; throws UNAUTHENTICATED when nobody is signed in. */
  services(): Services;
  /**
   * Services on a new EntityManager. Long-lived subscriptions take one per event, so each event
   * re-checks access against the database as it is now.
   */
  freshServices(): Services;
}

export function createContext(orm: MikroORM, deps: ServiceDeps, actor: Actor | null): GraphQLContext {
  const build = () => {
    if (!actor) throw unauthenticated();
    return createServices(deps, orm.em.fork(), actor);
  };
  let services: Services | undefined;
  return {
    actor,
    events: deps.events,
    clock: deps.clock,
    services: () => (services ??= build()),
    freshServices: build,
  };
}

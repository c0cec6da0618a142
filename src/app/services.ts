import type { EntityManager } from '@mikro-orm/postgresql';
import type { DocumentHub } from '../documents/document-hub.js';
import { DocumentService } from '../documents/document.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import { OrganizationService } from '../organizations/organization.service.js';
import { PersonService, type PeopleDeps } from '../people/person.service.js';
import { PlanService } from '../plans/plan.service.js';
import type { Actor } from '../policy/actor.js';

export interface ServiceDeps extends PeopleDeps {
  events: EventBus;
  documents: DocumentHub;
  scheduler: DeadlineScheduler;
}

/** The services of one request (or one subscription event), bound to its actor and EntityManager. */
export interface Services {
  people: PersonService;
  organizations: OrganizationService;
  plans: PlanService;
  documents: DocumentService;
}

export function createServices(deps: ServiceDeps, em: EntityManager, actor: Actor): Services {
  const people = new PersonService(em, actor, deps);
  const organizations = new OrganizationService(em, actor, people);
  const plans = new PlanService(em, actor, { clock: deps.clock, events: deps.events, people, organizations });
  const documents = new DocumentService(em, actor, { clock: deps.clock, events: deps.events, documents: deps.documents, plans });
  return { people, organizations, plans, documents };
}

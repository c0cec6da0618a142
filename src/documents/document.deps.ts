import type { AccessLogService } from '../access-log/access-log.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { PersonService } from '../people/person.service.js';
import type { PlanService } from '../plans/plan.service.js';
import type { Clock } from '../shared/clock.js';
import type { DocumentHub } from './document-hub.js';

/** What the documents module's services (DocumentService, RestrictedAccessService) are given. */
export interface DocumentDeps {
  clock: Clock;
  events: EventBus;
  documents: DocumentHub;
  plans: PlanService;
  people: PersonService;
  /** Content reads (and version saves) are logged there; document changes are logged as they commit. */
  accessLog: AccessLogService;
}

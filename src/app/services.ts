import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessLogService } from '../access-log/access-log.service.js';
import type { AccessLogWriter } from '../access-log/access-log-writer.js';
import type { DocumentHub } from '../documents/document-hub.js';
import { DocumentService } from '../documents/document.service.js';
import type { EventBus } from '../events/event-bus.js';
import { CaseworkService } from '../casework/casework.service.js';
import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import { OrganizationService } from '../organizations/organization.service.js';
import { PersonService, type PeopleDeps } from '../people/person.service.js';
import { PlanService } from '../plans/plan.service.js';
import type { PlanReadCache } from '../plans/plan-read-cache.js';
import { NotificationService } from '../notifications/notification.service.js';
import type { Actor } from '../policy/actor.js';
import { RequestService } from '../requests/request.service.js';
import { ComplaintService } from '../complaints/complaint.service.js';
import { ConsentService } from '../consent/consent.service.js';
import { EvaluationService } from '../evaluations/evaluation.service.js';
import type { EvaluationVersions } from '../evaluations/evaluation-versions.js';
import { ArchiveService } from '../archive/archive.service.js';

export interface ServiceDeps extends PeopleDeps {
  events: EventBus;
  documents: DocumentHub;
  scheduler: DeadlineScheduler;
  /** Config `ENDED_PLAN_READ_DAYS` (docs/consent.md). */
  endedPlanReadDays: number;
  /** Saves the automatic version of each added evaluation (src/evaluations/evaluation-versions.ts). */
  evaluationVersions: EvaluationVersions;
  /** The group commit every operation's access-log rows go through. */
  accessLogWriter: AccessLogWriter;
  /** Plans' rows kept between requests for `plan(id)` (src/plans/plan-read-cache.ts). */
  planReads: PlanReadCache;
}

/** The services of one request (or one subscription event), bound to its actor and EntityManager. */
export interface Services {
  people: PersonService;
  organizations: OrganizationService;
  plans: PlanService;
  documents: DocumentService;
  accessLog: AccessLogService;
  casework: CaseworkService;
  notifications: NotificationService;
  requests: RequestService;
  complaints: ComplaintService;
  consents: ConsentService;
  evaluations: EvaluationService;
  archive: ArchiveService;
}

export function createServices(deps: ServiceDeps, em: EntityManager, actor: Actor): Services {
  const people = new PersonService(em, actor, deps);
  const organizations = new OrganizationService(em, actor, people, (personId) => deps.events.publish('actorChanged', { personId }));
  const plans = new PlanService(em, actor, { clock: deps.clock, events: deps.events, people, organizations, endedPlanReadDays: deps.endedPlanReadDays, readCache: deps.planReads });
  const accessLog = new AccessLogService(em, actor, { clock: deps.clock, plans, people, writer: deps.accessLogWriter });
  const documents = new DocumentService(em, actor, { clock: deps.clock, events: deps.events, documents: deps.documents, plans, people, accessLog });
  const casework = new CaseworkService(em, actor, { clock: deps.clock, organizations });
  const notifications = new NotificationService(em, actor, { clock: deps.clock });
  const requests = new RequestService(em, actor, { clock: deps.clock, people });
  const complaints = new ComplaintService(em, actor, { clock: deps.clock, people });
  const consents = new ConsentService(em, actor, { clock: deps.clock, events: deps.events, plans });
  const evaluations = new EvaluationService(em, actor, { clock: deps.clock, hub: deps.documents, plans, documents, people, versions: deps.evaluationVersions });
  const archive = new ArchiveService(em, actor, { clock: deps.clock, hub: deps.documents, plans });
  return { people, organizations, plans, documents, accessLog, casework, notifications, requests, complaints, consents, evaluations, archive };
}

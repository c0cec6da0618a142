import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import type { Organization } from '../organizations/organization.entity.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { membershipFactsOf } from '../organizations/organization.directory.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import type { Actor } from '../policy/actor.js';
import { can } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import type { CaseEvent } from './case-event.js';
import { caseEventFromRow, type CaseEventRow } from './case-event.read.js';
import { listCases, type CaseFilter } from './caseload.js';
import { countDashboard } from './dashboard-counts.js';
import { listIncompleteMeasures, type IncompleteMeasureModel } from './measure-gaps.js';

/** The dashboard of one coordinating unit; its fields resolve through the service. */
export interface UnitDashboardModel {
  unit: Organization;
}

const MAX_RECENT_EVENTS = 200;
const MAX_INCOMPLETE_MEASURES = 200;

/**
 * What a coordinating unit's staff see of its cases: the caseload, deadlines, counts and case
 * events. Case metadata only; plan content stays behind `plan.read`/`plan.readContent`.
 */
export class CaseworkService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: { clock: Clock; organizations: OrganizationService },
  ) {}

  /** The unit's dashboard; NOT_FOUND for anyone but its staff, so ids reveal nothing. */
  async dashboard(unitId: string): Promise<UnitDashboardModel> {
    return { unit: await this.#viewableUnit(unitId) };
  }

  counts(dashboard: UnitDashboardModel, withinDays: number | null | undefined) {
    return countDashboard(this.em, { unitId: dashboard.unit.id, now: this.deps.clock.now(), withinDays });
  }

  cases(dashboard: UnitDashboardModel, args: { first?: number | null; after?: string | null; filter?: CaseFilter | null }) {
    return listCases(this.em, { unitId: dashboard.unit.id, now: this.deps.clock.now(), ...args });
  }

  async recentEvents(dashboard: UnitDashboardModel, first: number | null | undefined): Promise<CaseEvent[]> {
    const limit = Math.min(Math.max(first ?? 50, 1), MAX_RECENT_EVENTS);
    const rows = await this.em.execute<CaseEventRow[]>('select * from "case_event" where "unit_id" = ? order by "id" desc limit ?', [dashboard.unit.id, limit]);
    return rows.map(caseEventFromRow);
  }

  /** Running measures in the unit's plans that lack a responsible unit or an evaluate-by date (rule 9). */
  incompleteMeasures(dashboard: UnitDashboardModel, first: number | null | undefined): Promise<IncompleteMeasureModel[]> {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INCOMPLETE_MEASURES) throw badInput(`first must be 1 to ${MAX_INCOMPLETE_MEASURES}`);
    return listIncompleteMeasures(this.em, dashboard.unit.id, limit);
  }

  /** Checked when a caseEvents subscription starts. */
  async assertCanView(unitId: string): Promise<Organization> {
    return this.#viewableUnit(unitId);
  }

  /**
   * Checked on every event: the policy's `unit.viewCases`, the dashboard's question, over the
   * subscriber's memberships as the database holds them now, not as the token said.
   */
  async stillStaffOf(unitId: string): Promise<boolean> {
    const unit = await this.deps.organizations.byId(unitId);
    const asNow: Actor = { ...this.actor, memberships: await membershipFactsOf(withoutTransaction(this.em), this.actor.personId) };
    return can(asNow, 'unit.viewCases', { organizationId: unit.id, organizationKind: unit.kind });
  }

  async #viewableUnit(unitId: string): Promise<Organization> {
    const unit = await this.deps.organizations.find(unitId);
    if (!unit || !can(this.actor, 'unit.viewCases', { organizationId: unit.id, organizationKind: unit.kind })) throw notFound('Unit');
    return unit;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../errors/error-codes.js';
import type { Person } from '../people/person.entity.js';
import type { PersonService } from '../people/person.service.js';
import type { PlanModel } from '../plans/plan.model.js';
import type { PlanService } from '../plans/plan.service.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { forwardPageInfo, type PageInfoModel } from '../shared/connection.js';
import { parseId } from '../shared/ids.js';
import type { AccessAction, AccessDoor } from './access-log.js';
import type { AccessLogWriter } from './access-log-writer.js';
import { checkAccessLogChain, type AccessLogIntegrity } from './access-log-chain.js';

/** One row of a plan's access log, as GraphQL shows it. */
export interface AccessLogEntryModel {
  id: string;
  person: Person;
  at: Date;
  action: AccessAction;
  what: string;
  door: AccessDoor;
}

export interface AccessLogPage {
  edges: Array<{ node: AccessLogEntryModel; cursor: string }>;
  pageInfo: PageInfoModel;
}

export interface AccessLogDeps {
  clock: Clock;
  /** Commits this operation's rows together with other operations' (src/access-log/access-log-writer.ts). */
  writer: AccessLogWriter;
  plans: PlanService;
  people: PersonService;
}

const MAX_PAGE = 100;
const CURSOR_PREFIX = 'access_log:';

/**
 * The plan's access log for one GraphQL operation: records the operation's content reads and
 * writes (door GRAPHQL), and lists the log to the person and their guardian.
 */
export class AccessLogService {
  /** Reads already logged in this operation, so reading the same thing twice logs it once. */
  readonly #reads = new Map<string, Promise<void>>();

  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: AccessLogDeps,
  ) {}

  /**
   * Logs that the actor read `what` of a plan's content through GraphQL. Call it after the access
   * check and before handing out the content: if the row cannot be written, the read fails.
   */
  read(planId: string, what: string): Promise<void> {
    const key = `${planId}\n${what}`;
    let logged = this.#reads.get(key);
    if (!logged) {
      logged = this.#record(planId, 'READ', what);
      this.#reads.set(key, logged);
      // A failed insert is not remembered: a later read in the operation tries again.
      logged.catch(() => this.#reads.delete(key));
    }
    return logged;
  }

  /** Logs accepted GraphQL writes that are not document changes (those are logged as they commit). */
  wrote(planId: string, what: string): Promise<void> {
    return this.#record(planId, 'WRITE', what);
  }

  /** The plan's access log, newest first; FORBIDDEN unless the viewer is the person or their guardian. */
  async list(plan: PlanModel, args: { first?: number | null; after?: string | null; personId?: string | null; door?: AccessDoor | null }): Promise<AccessLogPage> {
    assertCan(this.actor, 'plan.readAccessLog', await this.deps.plans.facts(plan));
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput(`first must be 1 to ${MAX_PAGE}`);
    const conditions = ['plan_id = ?'];
    const params: unknown[] = [plan.id];
    if (args.after != null) {
      conditions.push('id < ?');
      params.push(decodeCursor(args.after));
    }
    if (args.personId != null) {
      conditions.push('person_id = ?');
      params.push(parseId(args.personId, 'Person'));
    }
    if (args.door != null) {
      conditions.push('door = ?');
      params.push(args.door);
    }
    // One row more than asked tells whether there is a next page.
    const rows = await this.em.execute<Array<{ id: string; person_id: string; at: Date; action: AccessAction; what: string; door: AccessDoor }>>(
      `select id, person_id, at, action, what, door from access_log where ${conditions.join(' and ')} order by id desc limit ?`,
      [...params, first + 1],
    );
    const page = rows.slice(0, first);
    const people = await this.deps.people.byIds([...new Set(page.map((row) => row.person_id))]);
    const edges = page.map((row) => ({
      node: {
        id: String(row.id),
        person: people.find((person) => person.id === row.person_id)!,
        at: new Date(row.at),
        action: row.action,
        what: row.what,
        door: row.door,
      },
      cursor: encodeCursor(String(row.id)),
    }));
    return { edges, pageInfo: forwardPageInfo(edges.map((edge) => edge.cursor), rows.length > first, args.after) };
  }

  /** Checks the plan's log against its hash chain; asked by the same people who may read the log. */
  async integrity(plan: PlanModel): Promise<AccessLogIntegrity> {
    assertCan(this.actor, 'plan.readAccessLog', await this.deps.plans.facts(plan));
    return checkAccessLogChain(this.em, plan.id);
  }

  #record(planId: string, action: AccessAction, what: string): Promise<void> {
    return this.deps.writer.append({ planId, personId: this.actor.personId, action, what, door: 'GRAPHQL', at: this.deps.clock.now() });
  }
}

/** Cursors are opaque to clients; inside they name the last row seen (ids only grow). */
function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!/^[1-9]\d{0,17}$/.test(id)) throw badInput('after is not a valid access-log cursor');
  return id;
}

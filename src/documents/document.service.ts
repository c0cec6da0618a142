import { randomUUID } from 'node:crypto';
import { sectionWhat, versionWhat } from '../access-log/access-log.js';
import DataLoader from 'dataloader';
import { Cursor, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { badInput, forbidden, notFound } from '../errors/error-codes.js';
import type { Person } from '../people/person.entity.js';
import type { Participant } from '../plans/plan.entity.js';
import type { PlanModel } from '../plans/plan.model.js';
import type { ParticipantModel } from '../plans/participant.model.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can, sectionAccess } from '../policy/policy.js';
import { effectiveAccess, type SectionAccess, type SectionGrantAccess } from '../policy/section-rules.js';
import { parseId } from '../shared/ids.js';
import { addEntry, contentOfState, removeEntry, restoreContent, updateEntry } from './content-edits.js';
import { PlanChange, PlanVersion, SectionGrant } from './document.entity.js';
import type { SubmitResult } from './document-peer.js';
import type { WrittenWithCommit } from './document.store.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import {
  RESTRICTED_SECTION_KEYS,
  SECTIONS,
  SECTION_KEYS,
  holdsContent,
  partOf,
  sectionContent,
  sectionKeysOf,
  type DocumentPart,
  type SectionKey,
} from './document.template.js';
import type { LiveDocument, PlanAccess } from './live-document.js';
import type { DocumentDeps } from './document.deps.js';
import { RestrictedAccessService } from './restricted-access.service.js';
import { findPage, type PageArgs } from '../shared/connection.js';
import sql from 'sql-template-tag';
import { readRows } from '../db/prepared-statements.js';
import { sqlArray } from '../db/sql-array.js';

export interface SectionChangeModel {
  personId: string;
  at: Date;
}

export interface PlanSectionModel {
  planId: string;
  key: SectionKey;
  title: string;
  kind: 'LIST' | 'RECORD';
  canEdit: boolean;
  access: SectionAccess;
  /** Kept in the plan's restricted document. */
  restricted: boolean;
  content: unknown;
}

/** A coalesced `planChanged` event. */
export interface PlanChangedModel {
  planId: string;
  /** The changes are in the plan's restricted document (and `seq` counts there). */
  restricted: boolean;
  seq: number;
  sections: string[];
  personIds: string[];
  at: Date;
}

export type { DocumentDeps } from './document.deps.js';

const MAX_HISTORY_PAGE = 100;
const NOT_SHOWN_RESTRICTED = 'The person has not given you access to the restricted part of this plan';
/** What a read is also logged as when it handed out content of the restricted part (docs/access-log.md). */
const restrictedWhat = (what: string) => `${what}:restricted`;

/**
 * Plan content for GraphQL: reads of sections, history and versions; content changes run as
 * server-side changes on the live document, so editors see them at once and the same rules apply.
 */
export class DocumentService {
  readonly #people: DataLoader<string, Person>;
  /** The last change of each section, by plan, from the attribution (`plan_change`). */
  readonly #lastChanges: DataLoader<string, Map<string, SectionChangeModel>>;
  /** Who reads the restricted part: the person's choice. */
  readonly restricted: RestrictedAccessService;

  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: DocumentDeps,
  ) {
    this.restricted = new RestrictedAccessService(em, actor, deps);
    this.#lastChanges = new DataLoader(async (planIds) => {
      const rows = await readRows<{ plan_id: string; section: string; person_id: string; last_at: Date }>(
        this.em,
        sql`select distinct on (plan_id, section) plan_id, section, person_id, last_at from plan_change
             where plan_id = any(${sqlArray(planIds)}::uuid[]) order by plan_id, section, last_at desc`,
      );
      return planIds.map((planId) => new Map(rows.filter((row) => row.plan_id === planId).map((row) => [row.section, { personId: row.person_id, at: new Date(row.last_at) }])));
    });
    this.#people = new DataLoader(async (ids) => {
      const people = await this.deps.people.byIds(ids);
      return ids.map((id) => people.find((person) => person.id === id) ?? new Error(`person ${id} not found`));
    });
  }

  person(id: string): Promise<Person> {
    return this.#people.load(id);
  }

  /**
   * Who last changed a section the viewer was given, and when: read only when asked for (most
   * reads of content do not), for all sections of a plan at once.
   */
  async lastChange(section: PlanSectionModel): Promise<SectionChangeModel | null> {
    return (await this.#lastChanges.load(section.planId)).get(section.key) ?? null;
  }

  /** Every section the viewer reads: the restricted ones only when the person chose them (then logged as such too, when they hold anything). */
  async sections(plan: PlanModel): Promise<PlanSectionModel[]> {
    const sections = await this.#sectionModels(plan, null);
    await this.deps.accessLog.read(plan.id, 'sections');
    if (sections.some((section) => section.restricted && holdsContent(section.content))) await this.deps.accessLog.read(plan.id, restrictedWhat('sections'));
    return sections;
  }

  /** One section; a restricted one is FORBIDDEN to those the person has not chosen. */
  async section(plan: PlanModel, key: SectionKey): Promise<PlanSectionModel> {
    const section = await this.#sectionOf(plan, key);
    await this.deps.accessLog.read(plan.id, sectionWhat(key));
    return section;
  }

  /** The sections the viewer reads (`only`: just that one, FORBIDDEN when restricted and not theirs to read). */
  async #sectionModels(plan: PlanModel, only: SectionKey | null): Promise<PlanSectionModel[]> {
    const access = await this.#readableAccess(plan.id);
    const readsRestricted = can(this.actor, 'plan.readRestricted', access);
    if (only && SECTIONS[only].restricted && !readsRestricted) throw forbidden(NOT_SHOWN_RESTRICTED);
    const keys = SECTION_KEYS.filter((key) => (only ? key === only : readsRestricted || !SECTIONS[key].restricted));
    const grants = access.grantsByPerson.get(this.actor.personId) ?? {};
    const content: Partial<Record<SectionKey, unknown>> = {};
    for (const part of ['main', 'restricted'] as const) {
      const inPart = keys.filter((key) => partOf(key) === part);
      if (inPart.length) Object.assign(content, await this.#read(plan.id, part, (doc) => Object.fromEntries(inPart.map((key) => [key, sectionContent(doc.doc, key)]))));
    }
    return keys.map((key) => {
      return {
        planId: plan.id,
        key,
        title: SECTIONS[key].title,
        kind: SECTIONS[key].kind === 'list' ? 'LIST' : 'RECORD',
        canEdit: can(this.actor, 'plan.editSection', { plan: access.plan, section: key, grants, entry: null, restrictedReaderIds: access.restrictedReaderIds }),
        access: sectionAccess(this.actor, access.plan, key, grants),
        restricted: SECTIONS[key].restricted ?? false,
        content: content[key],
      };
    });
  }

  /** A section without logging a read: the payload of a change, logged as its WRITE. */
  async #sectionOf(plan: PlanModel, key: SectionKey): Promise<PlanSectionModel> {
    return (await this.#sectionModels(plan, key))[0]!;
  }

  async documentSeq(plan: PlanModel): Promise<number> {
    await this.#readableAccess(plan.id);
    // A sequence number is no content: not logged (docs/access-log.md).
    return this.#read(plan.id, 'main', (document) => document.headSeq);
  }

  /** The restricted document's head, for those who read it; null otherwise. Not content, so not logged. */
  async restrictedDocumentSeq(plan: PlanModel): Promise<number | null> {
    if (!can(this.actor, 'plan.readRestricted', await this.#readableAccess(plan.id))) return null;
    return this.#read(plan.id, 'restricted', (document) => document.headSeq);
  }

  /** Who changed what; changes of restricted sections only for those who read them. */
  async history(plan: PlanModel, args: { first?: number | null; after?: string | null; section?: SectionKey | null; personId?: string | null }) {
    const readsRestricted = can(this.actor, 'plan.readRestricted', await this.#readableAccess(plan.id));
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_HISTORY_PAGE) throw badInput(`first must be 1 to ${MAX_HISTORY_PAGE}`);
    if (args.after && !isHistoryCursor(args.after)) throw badInput('after is not a valid cursor');
    if (args.section && SECTIONS[args.section].restricted && !readsRestricted) throw forbidden(NOT_SHOWN_RESTRICTED);
    const where: FilterQuery<PlanChange> = { planId: plan.id };
    if (args.section) where.section = args.section;
    else if (!readsRestricted) where.section = { $nin: [...RESTRICTED_SECTION_KEYS] };
    if (args.personId) where.personId = parseId(args.personId, 'Person');
    const cursor = await this.em.findByCursor(PlanChange, where, {
      first,
      after: args.after ?? undefined,
      orderBy: { minute: 'desc', section: 'asc', personId: 'asc' },
      includeCount: false,
    });
    await this.deps.accessLog.read(plan.id, 'history');
    return {
      edges: cursor.items.map((node) => ({ node, cursor: cursor.from(node) })),
      pageInfo: { hasNextPage: cursor.hasNextPage, hasPreviousPage: cursor.hasPrevPage, startCursor: cursor.startCursor, endCursor: cursor.endCursor },
    };
  }

  async versions(plan: PlanModel, args: PageArgs) {
    await this.#readableAccess(plan.id);
    const versions = await findPage(this.em, PlanVersion, { plan: plan.id }, args, { createdAt: 'desc', id: 'desc' });
    await this.deps.accessLog.read(plan.id, 'versions');
    return versions;
  }

  /** A version of a plan the viewer takes part in; null otherwise, so ids reveal nothing. */
  async version(id: string): Promise<PlanVersion | null> {
    const version = await this.em.findOne(PlanVersion, parseId(id, 'PlanVersion'));
    if (!version || !(await this.deps.plans.find(version.plan.id))) return null;
    return can(this.actor, 'plan.readContent', (await this.deps.documents.access(version.plan.id)).plan) ? version : null;
  }

  /** A version's content: its restricted sections only for those who read them (then logged as such too). */
  async versionContent(version: PlanVersion): Promise<Partial<Record<SectionKey, unknown>>> {
    const { content, restricted } = await this.#versionContent(version);
    await this.deps.accessLog.read(version.plan.id, versionWhat(version.id));
    if (restricted && RESTRICTED_SECTION_KEYS.some((key) => holdsContent(content[key]))) await this.deps.accessLog.read(version.plan.id, restrictedWhat(versionWhat(version.id)));
    return content;
  }

  async #versionContent(version: PlanVersion): Promise<{ content: Partial<Record<SectionKey, unknown>>; restricted: boolean }> {
    const restricted = can(this.actor, 'plan.readRestricted', await this.#readableAccess(version.plan.id));
    const [row] = await this.em.execute<Array<{ state: Buffer; restricted_state: Buffer | null }>>(
      'select state, restricted_state from plan_version where id = ?',
      [version.id],
    );
    const main = contentOfState(row!.state);
    const content: Partial<Record<SectionKey, unknown>> = Object.fromEntries(sectionKeysOf('main').map((key) => [key, main[key]]));
    if (!restricted) return { content, restricted };
    // Versions saved before the split hold the restricted sections in their main state.
    const own = row!.restricted_state ? contentOfState(row!.restricted_state) : main;
    for (const key of RESTRICTED_SECTION_KEYS) content[key] = own[key];
    return { content, restricted };
  }

  /**
   * Adds an entry to a section. `withCommit` writes rows that belong to the entry (an evaluation's
   * row) in the same transaction as the change: both commit, or neither.
   */
  async addEntry(
    input: { planId: string; section: SectionKey; fields: Record<string, unknown>; index?: number | null },
    withCommit?: (uow: UnitOfWork, seq: number, entryId: string) => Promise<void>,
  ) {
    const plan = await this.deps.plans.get(input.planId);
    const access = await this.#writableAccess(plan.id, input.section);
    const spec = SECTIONS[input.section];
    const fields = { ...input.fields };
    // Entries that belong to someone default to the author (or the author's unit).
    if (spec.ownerField === 'personId' && fields['personId'] === undefined) fields['personId'] = this.actor.personId;
    if (spec.ownerField === 'organizationId' && fields['organizationId'] === undefined) {
      fields['organizationId'] = access.plan.participants.find((participant) => participant.personId === this.actor.personId)?.organizationId ?? null;
    }
    if (input.section === 'log' && fields['at'] === undefined) fields['at'] = this.deps.clock.now().toISOString();
    const entryId = randomUUID();
    const seq = await this.#change(
      plan.id,
      partOf(input.section),
      (draft) => addEntry(draft, input.section, fields, input.index ?? null, entryId),
      withCommit && ((uow, committedSeq) => withCommit(uow, committedSeq, entryId)),
    );
    return { plan, section: await this.#sectionOf(plan, input.section), entryId, seq };
  }

  async updateEntry(input: { planId: string; section: SectionKey; entryId?: string | null; fields: Record<string, unknown> }) {
    const plan = await this.deps.plans.get(input.planId);
    await this.#writableAccess(plan.id, input.section);
    const seq = await this.#change(plan.id, partOf(input.section), (draft) => updateEntry(draft, input.section, input.entryId ?? null, input.fields));
    return { plan, section: await this.#sectionOf(plan, input.section), entryId: input.entryId ?? null, seq };
  }

  async removeEntry(input: { planId: string; section: SectionKey; entryId: string }) {
    const plan = await this.deps.plans.get(input.planId);
    await this.#writableAccess(plan.id, input.section);
    const seq = await this.#change(plan.id, partOf(input.section), (draft) => removeEntry(draft, input.section, input.entryId));
    return { plan, section: await this.#sectionOf(plan, input.section), entryId: input.entryId, seq };
  }

  async createVersion(input: { planId: string; label: string }): Promise<PlanVersion> {
    const plan = await this.deps.plans.get(input.planId);
    assertCan(this.actor, 'plan.createVersion', (await this.#readableAccess(plan.id)).plan);
    const label = input.label.trim();
    if (!label || label.length > 200) throw badInput('label must be 1 to 200 characters');
    const id = await this.deps.documents.createVersion(plan.id, { kind: 'NAMED', label, authorId: this.actor.personId });
    await this.deps.accessLog.wrote(plan.id, versionWhat(id));
    return this.em.findOneOrFail(PlanVersion, id);
  }

  async restoreVersion(input: { versionId: string }) {
    const version = await this.em.findOne(PlanVersion, parseId(input.versionId, 'PlanVersion'));
    const plan = version && (await this.deps.plans.find(version.plan.id));
    if (!version || !plan) throw notFound('PlanVersion');
    // Restoring reads the version to write it back; the log shows the sections it writes. The
    // restricted part is restored only by those who read it, before the main document (two
    // documents, two changes: a refusal of the second leaves the first restored).
    const { content, restricted } = await this.#versionContent(version);
    const sections: SectionKey[] = [];
    if (restricted) await this.#change(plan.id, 'restricted', (draft) => sections.push(...restoreContent(draft, content, RESTRICTED_SECTION_KEYS)));
    const seq = await this.#change(plan.id, 'main', (draft) => sections.unshift(...restoreContent(draft, content, sectionKeysOf('main'))));
    return { plan, version, sections, seq };
  }

  async sectionRights(participant: ParticipantModel): Promise<Array<{ section: SectionKey; access: SectionAccess; granted: SectionGrantAccess | null }>> {
    const grants = await this.deps.documents.grantsOf(participant.plan.id, participant.person.id);
    return SECTION_KEYS.map((section) => ({ section, access: effectiveAccess(participant.role, section, grants), granted: grants[section] ?? null }));
  }

  async setSectionRight(input: { participantId: string; section: SectionKey; right: SectionGrantAccess | 'DEFAULT' }): Promise<Participant> {
    const participant = await this.deps.plans.participantById(input.participantId);
    if (!participant || participant.removedAt) throw notFound('Participant');
    const access = await this.#readableAccess(participant.plan.id);
    assertCan(this.actor, 'plan.manageSectionRights', { plan: access.plan, target: { personId: participant.person.id, role: participant.role } });
    const where = { plan: participant.plan.id, person: participant.person.id, section: input.section };
    await this.em.transactional(async (em) => {
      await em.nativeDelete(SectionGrant, where);
      if (input.right === 'DEFAULT') return;
      em.create(SectionGrant, {
        plan: participant.plan.id,
        person: participant.person.id,
        section: input.section,
        access: input.right,
        grantedBy: this.actor.personId,
        createdAt: this.deps.clock.now(),
      });
    });
    // Open connections are checked against the new right from their next change on.
    this.deps.events.publish('sectionRightsChanged', { planId: participant.plan.id, personId: participant.person.id, section: input.section });
    return participant;
  }

  /** Runs a content change on one of the plan's live documents; resolves with its sequence (in that document) once committed. */
  async #change(planId: string, part: DocumentPart, edit: Parameters<LiveDocument['change']>[1], withCommit?: WrittenWithCommit): Promise<number> {
    const result: SubmitResult = await this.deps.documents.use(planId, async (document) => (await document.change(this.actor, edit, withCommit)).result, part);
    if (!result.ok) {
      if (result.code === 'FORBIDDEN') throw forbidden(`Not allowed: you may not edit ${result.section ?? 'this part of the plan'}`);
      throw badInput(result.section ? `${result.section}: ${result.reason}` : result.reason);
    }
    return result.durable;
  }

  #read<T>(planId: string, part: DocumentPart, read: (document: LiveDocument) => T): Promise<T> {
    return this.deps.documents.use(planId, (document) => document.readCommitted(read), part);
  }

  /**
   * Asked before a change is tried: a change that turns out to change nothing (the caller's guess
   * equals the content) or names a missing entry must be refused like any other, or the answer
   * would tell content to someone who may not read it.
   */
  async #writableAccess(planId: string, section: SectionKey): Promise<PlanAccess> {
    const access = await this.#readableAccess(planId);
    if (SECTIONS[section].restricted && !can(this.actor, 'plan.readRestricted', access)) throw forbidden(NOT_SHOWN_RESTRICTED);
    return access;
  }

  async #readableAccess(planId: string): Promise<PlanAccess> {
    const access = await this.deps.documents.access(planId);
    if (!can(this.actor, 'plan.read', access.plan)) throw notFound('Plan');
    // Taking part is not enough for content: that needs consent to confidential information.
    if (!can(this.actor, 'plan.readContent', access.plan)) throw forbidden('Your consent does not cover the content of this plan');
    return access;
  }
}

function isHistoryCursor(value: string): boolean {
  try {
    const decoded = Cursor.decode(value);
    return decoded.length === 3 && !Number.isNaN(new Date(decoded[0] as string).getTime()) && typeof decoded[1] === 'string' && typeof decoded[2] === 'string';
  } catch {
    return false;
  }
}

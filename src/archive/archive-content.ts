import type { EntityManager } from '@mikro-orm/postgresql';
import { contentOfState } from '../documents/content-edits.js';
import type { DocumentHub } from '../documents/document-hub.js';
import { SECTIONS, SECTION_KEYS, partOf, type SectionKey } from '../documents/document.template.js';
import { loadCurrentGuardians } from '../people/guardianship.current.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { CONSENTS_SQL } from '../consent/consent.read-model.js';
import { VERSIONS_SQL } from '../documents/version.store.js';
import { EVALUATIONS_SQL } from '../evaluations/evaluation.read-model.js';
import { ORGANIZATIONS_SQL } from '../organizations/organization.read-model.js';
import { PERSON_NAMES_SQL } from '../people/person.read-model.js';
import { PARTICIPANTS_SQL, PLANS_SQL } from '../plans/plan.read-model.js';
import { sqlArray } from '../db/sql-array.js';

/**
 * The archive record (docs/domain.md rule 10): the complete plan at one moment, as plain JSON. It is
 * stored whole in `archive_record.record`, and the HTML and PDF downloads are rendered from it, so
 * every format shows the same plan as it was when archived.
 */

export interface NamedRef {
  id: string;
  name: string;
}

/** One stretch of time someone took part by consent; `until` null while it stands. */
export interface ConsentPeriod {
  from: string;
  until: string | null;
}

/** Someone who took part: the person, a guardian, or someone the person consented to. */
export interface ArchiveParticipant {
  person: NamedRef;
  role: string;
  organization: NamedRef | null;
  activeFrom: string;
  activeTo: string | null;
  /**
   * When they took part by consent (PARTICIPATE), oldest first, and whether consent covered the
   * content (CONFIDENTIAL_INFORMATION); null for the person and their guardians, who need none.
   * Absent from records made before it was kept.
   */
  consent?: { periods: ConsentPeriod[]; content: boolean } | null;
}

/**
 * Someone invited whose consent to take part never took effect: never given, or withdrawn before
 * it started. Not a participant: they never had access to the plan.
 */
export interface ArchivePendingInvitation {
  person: NamedRef;
  role: string;
  organization: NamedRef | null;
  invitedAt: string;
  invitedBy: NamedRef | null;
  status: 'NEVER_CONSENTED' | 'WITHDRAWN_BEFORE_START';
}

export interface ArchiveConsent {
  id: string;
  scope: string;
  person: NamedRef;
  participantId: string | null;
  givenBy: NamedRef;
  givenAt: string;
  validUntil: string | null;
  withdrawnAt: string | null;
  expiredAt: string | null;
}

export interface ArchiveEvaluation {
  id: string;
  date: string;
  outcome: string;
  participants: NamedRef[];
  recordedBy: NamedRef;
  versionId: string | null;
  recordedAt: string;
}

export interface ArchiveVersion {
  id: string;
  label: string;
  kind: string;
  author: NamedRef;
  seq: number;
  createdAt: string;
}

export interface ArchiveContent {
  format: 'samplan.archive/1';
  kind: 'INTERIM' | 'FINAL';
  archivedAt: string;
  archivedBy: NamedRef;
  documentSeq: number;
  plan: {
    id: string;
    title: string;
    kind: string;
    status: string;
    createdAt: string;
    owner: NamedRef;
    unit: NamedRef | null;
    endedAt: string | null;
    endedBy: NamedRef | null;
    endReason: string | null;
  };
  coordinator: ArchiveParticipant | null;
  participants: ArchiveParticipant[];
  /** Invitations pending when the record was made (absent from records made before it was kept). */
  pendingInvitations?: ArchivePendingInvitation[];
  consents: ArchiveConsent[];
  /**
   * Every section of the plan in template order, from both its documents; text fields as strings.
   * A download by someone the person has not chosen for the restricted part leaves the restricted
   * ones out (`withoutRestricted`).
   */
  sections: Array<{ key: SectionKey; title: string; content: unknown }>;
  /** The committed state of the restricted document the record shows (absent from records made before it existed). */
  restrictedDocumentSeq?: number;
  /** Sections left out of this copy of the record: set only on a download without the restricted part. */
  restrictedSectionsLeftOut?: Array<{ key: SectionKey; title: string }>;
  /** The measures section again, each with the name of the organization responsible. */
  measures: Array<Record<string, unknown> & { organization: NamedRef | null }>;
  /** Display names of the persons the sections name by id (`personId`); absent in older records. */
  people?: Record<string, string>;
  evaluations: ArchiveEvaluation[];
  versions: ArchiveVersion[];
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
const named = (id: string | null, name: string | null): NamedRef | null => (id ? { id, name: name ?? '' } : null);

type Row = Record<string, unknown>;
const str = (row: Row, key: string) => row[key] as string;
const strOrNull = (row: Row, key: string) => (row[key] as string | null) ?? null;

/** Reads everything the record holds, as committed now; the document part through the live document. */
export async function collectArchiveContent(
  em: EntityManager,
  hub: DocumentHub,
  input: { planId: string; kind: 'INTERIM' | 'FINAL'; at: Date; archivedById: string },
): Promise<ArchiveContent> {
  const { seq, state } = await hub.use(input.planId, (document) => document.durableState());
  const restricted = await hub.use(input.planId, (document) => document.durableState(), 'restricted');
  const mainContent = contentOfState(state);
  const restrictedContent = contentOfState(restricted.state);
  // Each section from the document it is kept in.
  const content = Object.fromEntries(
    SECTION_KEYS.map((key) => [key, partOf(key) === 'restricted' ? restrictedContent[key] : mainContent[key]]),
  ) as Record<SectionKey, unknown>;
  const [plan] = await em.execute<Row[]>(
    `select p.plan_id as id, p.title, p.kind, p.status, p.created_at, p.ended_at, p.end_reason,
            o.person_id as owner_id, o.display_name as owner_name, u.organization_id as unit_id, u.name as unit_name,
            e.person_id as ended_by_id, e.display_name as ended_by_name, a.display_name as archived_by_name
     from (${PLANS_SQL}) p join (${PERSON_NAMES_SQL}) o on o.person_id = p.owner_id left join (${ORGANIZATIONS_SQL}) u on u.organization_id = p.unit_id
     left join (${PERSON_NAMES_SQL}) e on e.person_id = p.ended_by_id join (${PERSON_NAMES_SQL}) a on a.person_id = ?
     where p.plan_id = ?`,
    [input.archivedById, input.planId],
  );
  if (!plan) throw new Error(`plan ${input.planId} not found`);
  const { participants, pendingInvitations } = await readParticipants(em, input.planId, input.at);
  const organizationNames = await readOrganizationNames(em, content.measures);
  const people = await readPersonNames(em, content);
  return {
    format: 'samplan.archive/1',
    kind: input.kind,
    archivedAt: input.at.toISOString(),
    archivedBy: { id: input.archivedById, name: str(plan, 'archived_by_name') },
    documentSeq: seq,
    restrictedDocumentSeq: restricted.seq,
    plan: {
      id: str(plan, 'id'),
      title: str(plan, 'title'),
      kind: str(plan, 'kind'),
      status: str(plan, 'status'),
      createdAt: iso(str(plan, 'created_at'))!,
      owner: { id: str(plan, 'owner_id'), name: str(plan, 'owner_name') },
      unit: named(strOrNull(plan, 'unit_id'), strOrNull(plan, 'unit_name')),
      endedAt: iso(strOrNull(plan, 'ended_at')),
      endedBy: named(strOrNull(plan, 'ended_by_id'), strOrNull(plan, 'ended_by_name')),
      endReason: strOrNull(plan, 'end_reason'),
    },
    coordinator: participants.find((participant) => participant.role === 'COORDINATOR') ?? null,
    participants,
    pendingInvitations,
    consents: await readConsents(em, input.planId),
    sections: SECTION_KEYS.map((key) => ({ key, title: SECTIONS[key].title, content: content[key] })),
    measures: (Array.isArray(content.measures) ? (content.measures as Array<Record<string, unknown>>) : []).map((measure) => {
      const organizationId = typeof measure['organizationId'] === 'string' ? measure['organizationId'] : null;
      return { ...measure, organization: organizationId ? { id: organizationId, name: organizationNames.get(organizationId) ?? '' } : null };
    }),
    people,
    evaluations: await readEvaluations(em, input.planId),
    versions: await readVersions(em, input.planId),
  };
}

/**
 * The record as someone reads it who may not read the plan's restricted part: its restricted
 * sections (by today's template, so records made before the split lose them too) are left out,
 * and the record says which.
 */
export function withoutRestricted(record: ArchiveContent): ArchiveContent {
  const leftOut = record.sections.filter((section) => SECTIONS[section.key]?.restricted);
  if (!leftOut.length) return record;
  // How far the restricted document has been edited is left out too, as GraphQL's `restrictedDocumentSeq` is.
  const { restrictedDocumentSeq: _notShown, ...shown } = record;
  return {
    ...shown,
    sections: record.sections.filter((section) => !SECTIONS[section.key]?.restricted),
    restrictedSectionsLeftOut: leftOut.map(({ key, title }) => ({ key, title })),
  };
}

/**
 * Who took part at `at` and which invitations were pending: the person and their guardians need
 * no consent (a guardian only while the guardianship holds); anyone else took part only if a
 * consent of theirs to take part came into effect.
 */
async function readParticipants(em: EntityManager, planId: string, at: Date): Promise<{ participants: ArchiveParticipant[]; pendingInvitations: ArchivePendingInvitation[] }> {
  const rows = await em.execute<Row[]>(
    `select pa.participant_id as id, pa.person_id, pe.display_name, pa.role, pa.organization_id, o.name as organization_name, pa.active_from, pa.active_to,
            pa.added_by_id, ab.display_name as added_by_name
     from (${PARTICIPANTS_SQL}) pa join (${PERSON_NAMES_SQL}) pe on pe.person_id = pa.person_id
     left join (${ORGANIZATIONS_SQL}) o on o.organization_id = pa.organization_id
     left join (${PERSON_NAMES_SQL}) ab on ab.person_id = pa.added_by_id
     where pa.plan_id = ? and pa.removed_at is null and pa.active_from <= ? and (pa.active_to is null or pa.active_to > ?)
     order by (pa.role = 'OWNER') desc, pa.created_at, pa.participant_id`,
    [planId, at, at],
  );
  const ownerId = rows.find((row) => row['role'] === 'OWNER')?.['person_id'];
  const guardianIds = typeof ownerId === 'string' ? ((await loadCurrentGuardians(withoutTransaction(em), [ownerId], at)).get(ownerId)?.guardianIds ?? new Set<string>()) : new Set<string>();
  // Each consent given by `at`, and when it stopped counting: its end, withdrawal or expiry, whichever came first.
  const consents = await em.execute<Row[]>(
    `select c.participant_id, c.scope, c.given_at, least(c.valid_until, c.withdrawn_at, c.expired_at) as ended_at
     from (${CONSENTS_SQL}) c where c.plan_id = ? and c.participant_id is not null and c.given_at <= ? order by c.given_at, c.consent_id`,
    [planId, at],
  );
  const participants: ArchiveParticipant[] = [];
  const pendingInvitations: ArchivePendingInvitation[] = [];
  for (const row of rows) {
    const base = {
      person: { id: str(row, 'person_id'), name: str(row, 'display_name') },
      role: str(row, 'role'),
      organization: named(strOrNull(row, 'organization_id'), strOrNull(row, 'organization_name')),
    };
    const own = consents.filter((consent) => consent['participant_id'] === row['id']);
    const periods = consentPeriods(own.filter((consent) => consent['scope'] === 'PARTICIPATE'));
    // A guardian whose guardianship had ended or been revoked had no part in the plan any more.
    if (base.role === 'GUARDIAN' && !guardianIds.has(base.person.id)) continue;
    const needsNone = base.role === 'OWNER' || base.role === 'GUARDIAN';
    if (needsNone || periods.length) {
      const content = consentPeriods(own.filter((consent) => consent['scope'] === 'CONFIDENTIAL_INFORMATION')).length > 0;
      participants.push({ ...base, activeFrom: iso(str(row, 'active_from'))!, activeTo: iso(strOrNull(row, 'active_to')), consent: needsNone ? null : { periods, content } });
      continue;
    }
    pendingInvitations.push({
      ...base,
      invitedAt: iso(str(row, 'active_from'))!,
      invitedBy: named(strOrNull(row, 'added_by_id'), strOrNull(row, 'added_by_name')),
      status: own.some((consent) => consent['scope'] === 'PARTICIPATE') ? 'WITHDRAWN_BEFORE_START' : 'NEVER_CONSENTED',
    });
  }
  return { participants, pendingInvitations };
}

/** The stretches the consents (oldest first) were in effect, a renewal joined to what it replaced; one ended as it began never was. */
function consentPeriods(consents: Row[]): ConsentPeriod[] {
  const periods: ConsentPeriod[] = [];
  for (const consent of consents) {
    const from = iso(str(consent, 'given_at'))!;
    const until = iso(strOrNull(consent, 'ended_at'));
    if (until !== null && until <= from) continue;
    const last = periods.at(-1);
    if (!last || (last.until !== null && last.until < from)) periods.push({ from, until });
    // A renewal (or an overlap) continues the stretch; an open end stays open.
    else if (last.until !== null && (until === null || until > last.until)) last.until = until;
  }
  return periods;
}

/** Names of the units measures name as responsible; ids that are not uuids cannot be units. */
async function readOrganizationNames(em: EntityManager, measures: unknown): Promise<Map<string, string>> {
  const ids = (Array.isArray(measures) ? measures : [])
    .map((measure: Record<string, unknown>) => measure['organizationId'])
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id));
  if (!ids.length) return new Map();
  const rows = await em.execute<Row[]>(
    `select organization_id as id, name from (${ORGANIZATIONS_SQL}) o where organization_id = any(?::uuid[])`,
    [sqlArray([...new Set(ids)])],
  );
  return new Map(rows.map((row) => [str(row, 'id'), str(row, 'name')]));
}

/** Names of the persons the sections' entries name (`personId`), so the record shows names, not ids. */
async function readPersonNames(em: EntityManager, content: Record<SectionKey, unknown>): Promise<Record<string, string>> {
  const ids = Object.values(content)
    .flatMap((section) => (Array.isArray(section) ? (section as Array<Record<string, unknown>>) : []))
    .map((entry) => entry['personId'])
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id));
  if (!ids.length) return {};
  const rows = await em.execute<Row[]>(
    `select person_id as id, display_name from (${PERSON_NAMES_SQL}) p where person_id = any(?::uuid[])`,
    [sqlArray([...new Set(ids)])],
  );
  return Object.fromEntries(rows.map((row) => [str(row, 'id'), str(row, 'display_name')]));
}

/** Consents come from another domain's table; a database without it yet gives an empty list. */
async function readConsents(em: EntityManager, planId: string): Promise<ArchiveConsent[]> {
  const [present] = await em.execute<Array<{ present: boolean }>>(`select to_regclass('consent') is not null as present`);
  if (!present?.present) return [];
  const rows = await em.execute<Row[]>(
    `select c.consent_id as id, c.scope, c.person_id, pe.display_name as person_name, c.participant_id, c.given_by_id, g.display_name as given_by_name,
            c.given_at, c.valid_until, c.withdrawn_at, c.expired_at
     from (${CONSENTS_SQL}) c join (${PERSON_NAMES_SQL}) pe on pe.person_id = c.person_id join (${PERSON_NAMES_SQL}) g on g.person_id = c.given_by_id
     where c.plan_id = ? order by c.given_at, c.consent_id`,
    [planId],
  );
  return rows.map((row) => ({
    id: str(row, 'id'),
    scope: str(row, 'scope'),
    person: { id: str(row, 'person_id'), name: str(row, 'person_name') },
    participantId: strOrNull(row, 'participant_id'),
    givenBy: { id: str(row, 'given_by_id'), name: str(row, 'given_by_name') },
    givenAt: iso(str(row, 'given_at'))!,
    validUntil: iso(strOrNull(row, 'valid_until')),
    withdrawnAt: iso(strOrNull(row, 'withdrawn_at')),
    expiredAt: iso(strOrNull(row, 'expired_at')),
  }));
}

async function readEvaluations(em: EntityManager, planId: string): Promise<ArchiveEvaluation[]> {
  const rows = await em.execute<Row[]>(
    `select e.evaluation_id as id, to_char(e.date, 'YYYY-MM-DD') as date, e.outcome, e.version_id, e.created_at, e.recorded_by_id, r.display_name as recorded_by_name,
            coalesce((select json_agg(json_build_object('id', p.person_id, 'name', p.display_name) order by p.display_name)
                      from (${PERSON_NAMES_SQL}) p where p.person_id = any(e.participant_ids)), '[]') as participants
     from (${EVALUATIONS_SQL}) e join (${PERSON_NAMES_SQL}) r on r.person_id = e.recorded_by_id
     where e.plan_id = ? order by e.date, e.created_at`,
    [planId],
  );
  return rows.map((row) => ({
    id: str(row, 'id'),
    date: str(row, 'date'),
    outcome: str(row, 'outcome'),
    participants: row['participants'] as NamedRef[],
    recordedBy: { id: str(row, 'recorded_by_id'), name: str(row, 'recorded_by_name') },
    versionId: strOrNull(row, 'version_id'),
    recordedAt: iso(str(row, 'created_at'))!,
  }));
}

async function readVersions(em: EntityManager, planId: string): Promise<ArchiveVersion[]> {
  const rows = await em.execute<Row[]>(
    `select v.version_id as id, v.label, v.kind, v.seq, v.created_at, v.author_id, a.display_name as author_name
     from (${VERSIONS_SQL}) v join (${PERSON_NAMES_SQL}) a on a.person_id = v.author_id where v.plan_id = ? order by v.created_at, v.version_id`,
    [planId],
  );
  return rows.map((row) => ({
    id: str(row, 'id'),
    label: str(row, 'label'),
    kind: str(row, 'kind'),
    author: { id: str(row, 'author_id'), name: str(row, 'author_name') },
    seq: Number(row['seq']),
    createdAt: iso(str(row, 'created_at'))!,
  }));
}

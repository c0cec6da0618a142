import type { EntityManager } from '@mikro-orm/postgresql';
import { contentOfState } from '../documents/content-edits.js';
import type { DocumentHub } from '../documents/document-hub.js';
import { SECTIONS, SECTION_KEYS, type SectionKey } from '../documents/document.template.js';

/**
 * The archive record (DOMAIN.md rule 10): the complete plan at one moment, as plain JSON. It is
 * stored whole in `archive_record.record`, and the HTML and PDF downloads are rendered from it, so
 * every format shows the same plan as it was when archived.
 */

export interface NamedRef {
  id: string;
  name: string;
}

export interface ArchiveParticipant {
  person: NamedRef;
  role: string;
  organization: NamedRef | null;
  activeFrom: string;
  activeTo: string | null;
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
  consents: ArchiveConsent[];
  /** Every section of the document in template order; text fields as strings. */
  sections: Array<{ key: SectionKey; title: string; content: unknown }>;
  /** The measures section again, each with the name of the organization responsible. */
  measures: Array<Record<string, unknown> & { organization: NamedRef | null }>;
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
  const content = contentOfState(state);
  const [plan] = await em.execute<Row[]>(
    `select p.id, p.title, p.kind, p.status, p.created_at, p.ended_at, p.end_reason,
            o.id as owner_id, o.display_name as owner_name, u.id as unit_id, u.name as unit_name,
            e.id as ended_by_id, e.display_name as ended_by_name, a.display_name as archived_by_name
     from plan p join person o on o.id = p.owner_id left join organization u on u.id = p.unit_id
     left join person e on e.id = p.ended_by_id join person a on a.id = ?
     where p.id = ?`,
    [input.archivedById, input.planId],
  );
  if (!plan) throw new Error(`plan ${input.planId} not found`);
  const participants = await readParticipants(em, input.planId, input.at);
  const organizationNames = await readOrganizationNames(em, content.measures);
  return {
    format: 'samplan.archive/1',
    kind: input.kind,
    archivedAt: input.at.toISOString(),
    archivedBy: { id: input.archivedById, name: str(plan, 'archived_by_name') },
    documentSeq: seq,
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
    consents: await readConsents(em, input.planId),
    sections: SECTION_KEYS.map((key) => ({ key, title: SECTIONS[key].title, content: content[key] })),
    measures: (Array.isArray(content.measures) ? (content.measures as Array<Record<string, unknown>>) : []).map((measure) => {
      const organizationId = typeof measure['organizationId'] === 'string' ? measure['organizationId'] : null;
      return { ...measure, organization: organizationId ? { id: organizationId, name: organizationNames.get(organizationId) ?? '' } : null };
    }),
    evaluations: await readEvaluations(em, input.planId),
    versions: await readVersions(em, input.planId),
  };
}

async function readParticipants(em: EntityManager, planId: string, at: Date): Promise<ArchiveParticipant[]> {
  const rows = await em.execute<Row[]>(
    `select pa.person_id, pe.display_name, pa.role, pa.organization_id, o.name as organization_name, pa.active_from, pa.active_to
     from participant pa join person pe on pe.id = pa.person_id left join organization o on o.id = pa.organization_id
     where pa.plan_id = ? and pa.removed_at is null and pa.active_from <= ? and (pa.active_to is null or pa.active_to > ?)
     order by (pa.role = 'OWNER') desc, pa.created_at, pa.id`,
    [planId, at, at],
  );
  return rows.map((row) => ({
    person: { id: str(row, 'person_id'), name: str(row, 'display_name') },
    role: str(row, 'role'),
    organization: named(strOrNull(row, 'organization_id'), strOrNull(row, 'organization_name')),
    activeFrom: iso(str(row, 'active_from'))!,
    activeTo: iso(strOrNull(row, 'active_to')),
  }));
}

/** Names of the units measures name as responsible; ids that are not uuids cannot be units. */
async function readOrganizationNames(em: EntityManager, measures: unknown): Promise<Map<string, string>> {
  const ids = (Array.isArray(measures) ? measures : [])
    .map((measure: Record<string, unknown>) => measure['organizationId'])
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id));
  if (!ids.length) return new Map();
  const rows = await em.execute<Row[]>('select id, name from organization where id = any(?::uuid[])', [`{${[...new Set(ids)].join(',')}}`]);
  return new Map(rows.map((row) => [str(row, 'id'), str(row, 'name')]));
}

/** Consents come from another domain's table; a database without it yet gives an empty list. */
async function readConsents(em: EntityManager, planId: string): Promise<ArchiveConsent[]> {
  const [present] = await em.execute<Array<{ present: boolean }>>(`select to_regclass('consent') is not null as present`);
  if (!present?.present) return [];
  const rows = await em.execute<Row[]>(
    `select c.id, c.scope, c.person_id, pe.display_name as person_name, c.participant_id, c.given_by_id, g.display_name as given_by_name,
            c.given_at, c.valid_until, c.withdrawn_at, c.expired_at
     from consent c join person pe on pe.id = c.person_id join person g on g.id = c.given_by_id
     where c.plan_id = ? order by c.given_at, c.id`,
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
    `select e.id, to_char(e.date, 'YYYY-MM-DD') as date, e.outcome, e.version_id, e.created_at, e.recorded_by_id, r.display_name as recorded_by_name,
            coalesce((select json_agg(json_build_object('id', p.id, 'name', p.display_name) order by p.display_name)
                      from person p where p.id = any(e.participant_ids)), '[]') as participants
     from evaluation e join person r on r.id = e.recorded_by_id
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
    `select v.id, v.label, v.kind, v.seq, v.created_at, v.author_id, a.display_name as author_name
     from plan_version v join person a on a.id = v.author_id where v.plan_id = ? order by v.created_at, v.id`,
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

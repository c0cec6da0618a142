import { displayDate, osloClock } from '../shared/dates.js';
import type { ArchiveContent, ArchiveParticipant, ArchivePendingInvitation, NamedRef } from './archive-content.js';

/**
 * The archive record as headed blocks of label/value lines, the one layout both the HTML page and
 * the PDF are drawn from, so the two formats always say the same thing. In bokmål, the plan's
 * content first in the order of the regulation's list a–i (forskrift om individuell plan § 5),
 * then the record's history: relay log, evaluations, invitations, consents, versions.
 */

export interface Block {
  heading: string;
  /** Sub-items (entries, participants, evaluations), each a list of label/value lines. */
  items: Array<Array<[label: string, value: string]>>;
  /** Shown when there are no items. */
  empty?: string;
}

type Lines = Array<[string, string]>;

/**
 * A person or unit by name. Deliberately `ukjent` (never the id) when the record has no name:
 * records archived before names were stored carry ids only, and an archived record is never
 * rewritten, so it is printed as it was filed rather than with today's names.
 */
const name = (ref: NamedRef | null) => (ref ? ref.name || 'ukjent' : '—');
const day = displayDate;
/** An instant in Norwegian time (the record says "norsk tid" once, in its opening line). */
const when = osloClock;

const word = (words: Record<string, string>, value: string | null | undefined) => (value ? (words[value] ?? value) : '—');

const ROLE: Record<string, string> = { OWNER: 'Planeier (personen planen gjelder)', GUARDIAN: 'Verge / foresatt', RELATIVE: 'Pårørende', PROVIDER: 'Tjenesteyter', COORDINATOR: 'Koordinator' };
const PLAN_STATUS: Record<string, string> = { REQUESTED: 'Anmodet', ACTIVE: 'Aktiv', ENDED: 'Avsluttet' };
const PLAN_KIND: Record<string, string> = { PLAN: 'Individuell plan', COORDINATOR_ONLY: 'Kun koordinator', CHILD_COORDINATOR: 'Barnekoordinator' };
const CONSENT_SCOPE: Record<string, string> = { PLAN: 'Samtykke til å utarbeide planen', PARTICIPATE: 'Samtykke til å delta', CONFIDENTIAL_INFORMATION: 'Samtykke til innsyn i taushetsbelagte opplysninger' };
const MEASURE_STATUS: Record<string, string> = { PLANNED: 'Planlagt', ONGOING: 'Pågår', DONE: 'Fullført', STOPPED: 'Avsluttet' };
const VERSION_KIND: Record<string, string> = { NAMED: 'lagret versjon', EVALUATION: 'evaluering', CLOSED: 'avsluttet plan' };
const RECORD_KIND: Record<string, string> = { FINAL: 'endelig arkivutskrift', INTERIM: 'arkivutskrift underveis' };

/** Labels for the document's field keys; a key not listed here is shown as it is. */
const FIELD: Record<string, string> = {
  text: 'Tekst', personId: 'Skrevet av', title: 'Tiltak', implementation: 'Gjennomføring', extent: 'Omfang',
  start: 'Start', end: 'Slutt', evaluateBy: 'Evalueres innen', status: 'Status', revisionDates: 'Revideres',
  note: 'Merknad', agency: 'Instans', at: 'Tidspunkt', date: 'Dato', resources: 'Ressurser', needs: 'Behov for tjenester',
};

/** Display names of every person the record knows, so an entry's `personId` shows as a name. */
function peopleOf(record: ArchiveContent): Map<string, string> {
  const refs: NamedRef[] = [
    record.plan.owner, record.archivedBy,
    ...record.participants.map((participant) => participant.person),
    ...(record.pendingInvitations ?? []).map((invitation) => invitation.person),
    ...record.consents.flatMap((consent) => [consent.person, consent.givenBy]),
    ...record.evaluations.flatMap((evaluation) => [evaluation.recordedBy, ...evaluation.participants]),
    ...record.versions.map((version) => version.author),
  ];
  const people = new Map(refs.filter((ref) => ref.name).map((ref) => [ref.id, ref.name]));
  for (const [id, display] of Object.entries(record.people ?? {})) people.set(id, display);
  return people;
}

/** A document value as text: strings as they are, lists joined, anything else as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

function fieldLines(fields: Record<string, unknown>, people: Map<string, string>, skip: readonly string[] = ['id']): Lines {
  return Object.entries(fields)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]): [string, string] => {
      if (key === 'personId') return [FIELD[key]!, typeof value === 'string' ? (people.get(value) ?? 'ukjent person') : '—'];
      if (key === 'status' && typeof value === 'string') return [FIELD[key]!, word(MEASURE_STATUS, value)];
      if (key === 'at' && typeof value === 'string') return [FIELD[key]!, when(value)];
      return [FIELD[key] ?? key, valueText(value)];
    });
}

function sectionItems(record: ArchiveContent, key: string, people: Map<string, string>): Lines[] | null {
  const section = record.sections.find((candidate) => candidate.key === key);
  if (!section) return null;
  if (Array.isArray(section.content)) return (section.content as Array<Record<string, unknown>>).map((entry) => fieldLines(entry, people));
  const fields = fieldLines((section.content ?? {}) as Record<string, unknown>, people);
  return fields.length ? [fields] : [];
}

function sectionBlock(record: ArchiveContent, key: string, heading: string, people: Map<string, string>, empty = 'Ikke registrert.'): Block[] {
  const items = sectionItems(record, key, people);
  return items === null ? [] : [{ heading, items, empty }];
}

function participantLines(participant: ArchiveParticipant): Lines {
  const lines: Lines = [['Navn', participant.person.name], ['Rolle', word(ROLE, participant.role)]];
  if (participant.organization) lines.push(['Virksomhet', name(participant.organization)]);
  lines.push(['Deltar', `fra ${day(participant.activeFrom)}${participant.activeTo ? ` til ${day(participant.activeTo)}` : ''}`]);
  return lines;
}

/** What h) asks: each participant's consent to take part and to the content. Older records kept none. */
function consentLines(participant: ArchiveParticipant): Lines | null {
  if (participant.consent === undefined) return null;
  if (participant.consent === null) return [['Navn', participant.person.name], ['Samtykke', 'Trengs ikke (personen selv eller verge)']];
  const periods = participant.consent.periods.map((period) => `fra ${when(period.from)}${period.until ? ` til ${when(period.until)}` : ''}`);
  return [
    ['Navn', participant.person.name],
    ['Samtykke', `${periods.join('; ')}${participant.consent.content ? ', med innsyn i innholdet' : ', uten innsyn i innholdet'}`],
  ];
}

/** The restricted part's sections by key, in the words of the regulation's a). */
const RESTRICTED_TITLE: Record<string, string> = { situation: 'Ressurser og behov for tjenester' };

const PENDING_STATUS: Record<ArchivePendingInvitation['status'], string> = {
  NEVER_CONSENTED: 'Venter: personen har aldri samtykket; deltok ikke',
  WITHDRAWN_BEFORE_START: 'Venter: samtykket ble trukket før det trådte i kraft; deltok ikke',
};

function invitationLines(invitation: ArchivePendingInvitation): Lines {
  const lines: Lines = [['Navn', invitation.person.name], ['Invitert som', word(ROLE, invitation.role)]];
  if (invitation.organization) lines.push(['Virksomhet', name(invitation.organization)]);
  lines.push(['Invitert', `${when(invitation.invitedAt)}${invitation.invitedBy ? ` av ${name(invitation.invitedBy)}` : ''}`], ['Status', PENDING_STATUS[invitation.status]]);
  return lines;
}

export function archiveTitle(record: ArchiveContent): string {
  return `${record.plan.title}: ${word(RECORD_KIND, record.kind)} ${day(record.archivedAt)}`;
}

/** The line under the title: what the document is. */
export function archiveNote(record: ArchiveContent): string {
  return `Individuell plan for ${record.plan.owner.name}. ${word(RECORD_KIND, record.kind)[0]!.toUpperCase()}${word(RECORD_KIND, record.kind).slice(1)} laget ${when(record.archivedAt)} (norsk tid). Taushetsbelagt.`;
}

/** The record as blocks, in reading order. */
export function archiveBlocks(record: ArchiveContent): Block[] {
  const { plan } = record;
  const people = peopleOf(record);
  const about: Lines = [
    ['Planen gjelder', plan.owner.name],
    ['Plan', `${plan.title} (${plan.id})`],
    ['Type', word(PLAN_KIND, plan.kind)],
    ['Status', word(PLAN_STATUS, plan.status)],
    ['Opprettet', day(plan.createdAt)],
    ['Koordinerende enhet', name(plan.unit)],
    ['Arkivert', `${when(record.archivedAt)} av ${record.archivedBy.name}`],
    ['Dokumentversjon', String(record.documentSeq)],
  ];
  if (plan.endedAt) about.push(['Avsluttet', `${when(plan.endedAt)} av ${name(plan.endedBy)}`], ['Grunn', plan.endReason ?? '—']);
  const measures = record.measures.map(({ organization, implementation: _shownUnderF, ...measure }) => [
    ...fieldLines(measure, people, ['id', 'organizationId']),
    ['Ansvarlig', name(organization)] as [string, string],
  ]);
  const implementations = record.measures.map((measure): Lines => [['Tiltak', valueText(measure['title'])], ['Gjennomføring', valueText(measure['implementation'])]]);
  const consents = record.participants.map(consentLines).filter((lines): lines is Lines => lines !== null);
  return [
    { heading: 'Om planen', items: [about] },
    ...sectionBlock(record, 'goals', 'a) Personens mål', people, 'Ingen mål registrert.'),
    ...sectionBlock(record, 'situation', 'a) Ressurser og behov for tjenester', people),
    // A download by someone the person has not chosen for the restricted part says what it leaves out.
    ...(record.restrictedSectionsLeftOut?.length
      ? [{ heading: 'Skjermede deler', items: [record.restrictedSectionsLeftOut.map(({ key, title }): [string, string] => [RESTRICTED_TITLE[key] ?? title, 'Utelatt: personen har ikke gitt deg tilgang'])] }]
      : []),
    { heading: 'b) Hvem som deltar i arbeidet med planen', items: record.participants.map(participantLines), empty: 'Ingen deltakere.' },
    {
      heading: 'c) Koordinator',
      items: record.coordinator ? [[['Navn', record.coordinator.person.name], ['Virksomhet', name(record.coordinator.organization)]]] : [],
      empty: 'Ingen koordinator.',
    },
    ...sectionBlock(record, 'contributions', 'd) Hva hver enkelt bidrar med', people),
    { heading: 'e) Tiltak, omfang og ansvar', items: measures, empty: 'Ingen tiltak.' },
    { heading: 'f) Hvordan tiltakene gjennomføres', items: implementations, empty: 'Ingen tiltak.' },
    ...sectionBlock(record, 'period', 'g) Planperiode og revisjon', people),
    {
      heading: 'h) Samtykke',
      items: consents,
      empty: consents.length || record.participants.every((participant) => participant.consent === undefined) ? 'Ikke registrert i denne utskriften.' : 'Ingen samtykker.',
    },
    ...sectionBlock(record, 'cooperation', 'i) Samarbeid med andre tjenesteytere, institusjoner og etater', people),
    ...sectionBlock(record, 'log', 'Stafettlogg', people, 'Ingen oppføringer.'),
    {
      heading: 'Evalueringer',
      items: record.evaluations.map((evaluation) => [
        ['Dato', evaluation.date],
        ['Deltok', evaluation.participants.map((person) => person.name).join(', ') || '—'],
        ['Resultat', evaluation.outcome],
        ['Registrert av', `${evaluation.recordedBy.name}, ${when(evaluation.recordedAt)}`],
      ]),
      empty: 'Ingen evalueringer.',
    },
    // Never listed as participants: they had no access. Older records did not keep them apart.
    ...(record.pendingInvitations
      ? [{ heading: 'Ventende invitasjoner', items: record.pendingInvitations.map(invitationLines), empty: 'Ingen ventende invitasjoner.' }]
      : []),
    {
      heading: 'Samtykkehistorikk',
      items: record.consents.map((consent) => [
        ['Samtykke', word(CONSENT_SCOPE, consent.scope)],
        ['Gjelder', consent.person.name],
        ['Gitt', `${when(consent.givenAt)} av ${consent.givenBy.name}`],
        ['Gyldig til', day(consent.validUntil)],
        ['Trukket', day(consent.withdrawnAt)],
        ['Utløpt', day(consent.expiredAt)],
      ]),
      empty: 'Ingen samtykker registrert.',
    },
    {
      heading: 'Versjoner',
      items: record.versions.map((version) => [
        ['Versjon', `${version.label} (${word(VERSION_KIND, version.kind)})`],
        ['Lagret', `${when(version.createdAt)} av ${version.author.name}`],
      ]),
      empty: 'Ingen lagrede versjoner.',
    },
  ];
}

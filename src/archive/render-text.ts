import { displayDate, displayDateTime } from '../shared/dates.js';
import type { ArchiveContent, ArchiveParticipant, ArchivePendingInvitation, NamedRef } from './archive-content.js';

/**
 * The archive record as headed blocks of label/value lines, the one layout both the HTML page and
 * the PDF are drawn from, so the two formats always say the same thing.
 */

export interface Block {
  heading: string;
  /** Sub-items (entries, participants, evaluations), each a list of label/value lines. */
  items: Array<Array<[label: string, value: string]>>;
  /** Shown when there are no items. */
  empty?: string;
}

const name = (ref: NamedRef | null) => (ref ? ref.name || ref.id : '—');
const day = displayDate;
const when = displayDateTime;

function participantLine(participant: ArchiveParticipant): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['Name', participant.person.name],
    ['Role', participant.role],
  ];
  if (participant.organization) lines.push(['Organization', name(participant.organization)]);
  lines.push(['Takes part', `from ${day(participant.activeFrom)}${participant.activeTo ? ` to ${day(participant.activeTo)}` : ''}`]);
  // Records made before consent periods were kept say nothing here rather than something wrong.
  if (participant.consent === null) lines.push(['Consent', 'None needed (the person or their guardian)']);
  if (participant.consent) {
    const periods = participant.consent.periods.map((period) => `from ${when(period.from)}${period.until ? ` to ${when(period.until)}` : ''}`);
    lines.push(['Consent', `${periods.join('; ')}${participant.consent.content ? ', including the content' : ', without the content'}`]);
  }
  return lines;
}

const PENDING_STATUS: Record<ArchivePendingInvitation['status'], string> = {
  NEVER_CONSENTED: 'Pending: the person never consented; did not take part',
  WITHDRAWN_BEFORE_START: 'Pending: consent withdrawn before it started; did not take part',
};

function invitationLines(invitation: ArchivePendingInvitation): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['Name', invitation.person.name],
    ['Invited as', invitation.role],
  ];
  if (invitation.organization) lines.push(['Organization', name(invitation.organization)]);
  lines.push(['Invited', `${when(invitation.invitedAt)}${invitation.invitedBy ? ` by ${name(invitation.invitedBy)}` : ''}`], ['Status', PENDING_STATUS[invitation.status]]);
  return lines;
}

/** A document value as text: strings as they are, lists joined, anything else as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

function fieldLines(fields: Record<string, unknown>, skip: readonly string[] = ['id']): Array<[string, string]> {
  return Object.entries(fields)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => [key, valueText(value)]);
}

function sectionBlock(section: ArchiveContent['sections'][number], record: ArchiveContent): Block {
  if (section.key === 'measures') {
    return {
      heading: section.title,
      items: record.measures.map(({ organization, ...measure }) => [...fieldLines(measure, ['id', 'organizationId']), ['responsible', name(organization)]]),
      empty: 'No measures.',
    };
  }
  if (Array.isArray(section.content)) {
    return { heading: section.title, items: (section.content as Array<Record<string, unknown>>).map((entry) => fieldLines(entry)), empty: 'Nothing recorded.' };
  }
  const fields = fieldLines((section.content ?? {}) as Record<string, unknown>);
  return { heading: section.title, items: fields.length ? [fields] : [], empty: 'Nothing recorded.' };
}

export function archiveTitle(record: ArchiveContent): string {
  return `${record.plan.title}: ${record.kind === 'FINAL' ? 'final archive record' : 'interim archive record'} ${day(record.archivedAt)}`;
}

/** The record as blocks, in reading order. */
export function archiveBlocks(record: ArchiveContent): Block[] {
  const { plan } = record;
  const about: Array<[string, string]> = [
    ['Plan for', plan.owner.name],
    ['Status', plan.status],
    ['Kind', plan.kind],
    ['Created', day(plan.createdAt)],
    ['Coordinating unit', name(plan.unit)],
    ['Coordinator', record.coordinator ? `${record.coordinator.person.name}${record.coordinator.organization ? ` (${name(record.coordinator.organization)})` : ''}` : 'None'],
    ['Archived', `${when(record.archivedAt)} by ${record.archivedBy.name}`],
    ['Document sequence', String(record.documentSeq)],
  ];
  if (plan.endedAt) about.push(['Ended', `${when(plan.endedAt)} by ${name(plan.endedBy)}`], ['End reason', plan.endReason ?? '—']);
  return [
    { heading: 'The plan', items: [about] },
    { heading: 'Participants', items: record.participants.map(participantLine), empty: 'No participants.' },
    // Never listed as participants: they had no access. Older records did not keep them apart.
    ...(record.pendingInvitations
      ? [{ heading: 'Pending invitations', items: record.pendingInvitations.map(invitationLines), empty: 'No pending invitations.' }]
      : []),
    {
      heading: 'Consents',
      items: record.consents.map((consent) => [
        ['Scope', consent.scope],
        ['Person', consent.person.name],
        ['Given', `${when(consent.givenAt)} by ${consent.givenBy.name}`],
        ['Valid until', day(consent.validUntil)],
        ['Withdrawn', day(consent.withdrawnAt)],
        ['Expired', day(consent.expiredAt)],
      ]),
      empty: 'No consents recorded.',
    },
    ...record.sections.filter((section) => section.key !== 'evaluations').map((section) => sectionBlock(section, record)),
    // A download by someone the person has not chosen for the restricted part says what it leaves out.
    ...(record.restrictedSectionsLeftOut?.length
      ? [{ heading: 'Restricted sections', items: [record.restrictedSectionsLeftOut.map(({ title }): [string, string] => [title, 'Left out: the person has not given you access'])] }]
      : []),
    {
      heading: 'Evaluations',
      items: record.evaluations.map((evaluation) => [
        ['Date', evaluation.date],
        ['Took part', evaluation.participants.map((person) => person.name).join(', ') || '—'],
        ['Outcome', evaluation.outcome],
        ['Recorded by', `${evaluation.recordedBy.name}, ${when(evaluation.recordedAt)}`],
      ]),
      empty: 'No evaluations recorded.',
    },
    {
      heading: 'Versions',
      items: record.versions.map((version) => [
        ['Version', `${version.label} (${version.kind})`],
        ['Saved', `${when(version.createdAt)} by ${version.author.name}`],
      ]),
      empty: 'No saved versions.',
    },
  ];
}

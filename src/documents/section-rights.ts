import type { ParticipantRole } from '../plans/plan.entity.js';
import { SECTION_KEYS, type SectionKey } from './document.template.js';

/**
 * How far a participant may edit a section:
 * `ALL` every entry; `OWN` entries they own (their contribution, their log entries) and new ones
 * they own; `ORGANIZATION` entries their unit is responsible for; `NONE` nothing. Reading is not
 * decided here: the content by consent, a restricted section (the situation) by the person's
 * choice, and a right on a restricted section applies only to those who read it (the policy's
 * `plan.editSection` asks `plan.readRestricted` too).
 */
export type SectionAccess = 'NONE' | 'OWN' | 'ORGANIZATION' | 'ALL';

type Rights = Readonly<Record<SectionKey, SectionAccess>>;

const all = (overrides: Partial<Rights>): Rights =>
  Object.fromEntries(SECTION_KEYS.map((key) => [key, overrides[key] ?? 'NONE'])) as Rights;

/**
 * Default rights per role, written as data beside the template. The person and their guardian
 * lead (goals, situation); the coordinator keeps the plan moving (everything but others' own
 * contributions and log entries); providers answer for their unit's measures; everyone may
 * contribute and keep the relay log, editing only their own entries.
 */
export const DEFAULT_SECTION_RIGHTS: Readonly<Record<ParticipantRole, Rights>> = {
  OWNER: all({ goals: 'ALL', situation: 'ALL', contributions: 'OWN', log: 'OWN' }),
  GUARDIAN: all({ goals: 'ALL', situation: 'ALL', contributions: 'OWN', log: 'OWN' }),
  COORDINATOR: all({
    goals: 'ALL',
    situation: 'ALL',
    contributions: 'OWN',
    measures: 'ALL',
    period: 'ALL',
    cooperation: 'ALL',
    log: 'OWN',
    evaluations: 'ALL',
  }),
  PROVIDER: all({ contributions: 'OWN', measures: 'ORGANIZATION', log: 'OWN' }),
  RELATIVE: all({ contributions: 'OWN', log: 'OWN' }),
};

/** A per-participant override set by the owner or coordinator: `EDIT` grants ALL, `READ` revokes to NONE. */
export type SectionGrantAccess = 'EDIT' | 'READ';

export function effectiveAccess(
  role: ParticipantRole,
  section: SectionKey,
  grants: Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>,
): SectionAccess {
  const grant = grants[section];
  if (grant === 'EDIT') return 'ALL';
  if (grant === 'READ') return 'NONE';
  return DEFAULT_SECTION_RIGHTS[role][section];
}

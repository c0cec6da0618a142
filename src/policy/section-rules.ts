import type { SectionKey } from '../documents/document.template.js';
import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';

/*
 * Who may edit which section of the plan document: the policy's rules, pure. The document core
 * asks them (through `can(…, 'plan.editSection', …)` and `sectionAccess` in ./policy.ts); nothing
 * here knows the document beyond its section keys.
 */

/**
 * How far a participant may edit a section:
 * `ALL` every entry; `OWN` entries they own (their contribution, their log entries) and new ones
 * they own; `ORGANIZATION` entries their unit is responsible for; `NONE` nothing. Reading is not
 * decided here: the content by consent, a restricted section (the situation) by the person's
 * choice, and a right on a restricted section applies only to those who read it (the policy's
 * `plan.editSection` asks `plan.readRestricted` too).
 */
export type SectionAccess = 'NONE' | 'OWN' | 'ORGANIZATION' | 'ALL';

/** A per-participant override set by the owner or coordinator: `EDIT` grants ALL, `READ` revokes to NONE. */
export type SectionGrantAccess = 'EDIT' | 'READ';

/** One participant's overrides, by section; a section without one follows the role's default. */
export type SectionGrants = Readonly<Partial<Record<SectionKey, SectionGrantAccess>>>;

/** A role's rights; a section left out is `NONE`. */
type RoleRights = Readonly<Partial<Record<SectionKey, SectionAccess>>>;

/**
 * Default rights per role (docs/document-model.md, "Who may edit what"). The person and their
 * guardian lead (goals, situation); the coordinator keeps the plan moving (everything but others'
 * own contributions and log entries); providers answer for their unit's measures; everyone may
 * contribute and keep the relay log, editing only their own entries.
 */
export const DEFAULT_SECTION_RIGHTS: Readonly<Record<ParticipantRole, RoleRights>> = {
  OWNER: { goals: 'ALL', situation: 'ALL', contributions: 'OWN', log: 'OWN' },
  GUARDIAN: { goals: 'ALL', situation: 'ALL', contributions: 'OWN', log: 'OWN' },
  COORDINATOR: {
    goals: 'ALL',
    situation: 'ALL',
    contributions: 'OWN',
    measures: 'ALL',
    period: 'ALL',
    cooperation: 'ALL',
    log: 'OWN',
    evaluations: 'ALL',
  },
  PROVIDER: { contributions: 'OWN', measures: 'ORGANIZATION', log: 'OWN' },
  RELATIVE: { contributions: 'OWN', log: 'OWN' },
};

/** A participant's right on a section as set: their override, else their role's default. */
export function effectiveAccess(role: ParticipantRole, section: SectionKey, grants: SectionGrants): SectionAccess {
  const grant = grants[section];
  if (grant === 'EDIT') return 'ALL';
  if (grant === 'READ') return 'NONE';
  return DEFAULT_SECTION_RIGHTS[role][section] ?? 'NONE';
}

/**
 * A participant's right on a section of a plan in `status`, as it applies now. Once the plan has
 * ended its documents are frozen (docs/document-model.md): nobody edits any section, the person
 * included, whatever rights were set while it ran.
 */
export function sectionAccessIn(status: PlanStatus, role: ParticipantRole, section: SectionKey, grants: SectionGrants): SectionAccess {
  return status === 'ENDED' ? 'NONE' : effectiveAccess(role, section, grants);
}

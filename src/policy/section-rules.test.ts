import { describe, expect, it } from 'vitest';
import { SECTION_KEYS } from '../documents/document.template.js';
import type { ParticipantRole } from '../plans/plan.entity.js';
import type { Actor } from './actor.js';
import { can, sectionAccess, type PlanFacts } from './policy.js';
import { effectiveAccess, sectionAccessIn, type SectionAccess } from './section-rules.js';

/* The section rights per role (docs/document-model.md, "Who may edit what") and what an ended plan allows. */

const ROLES = ['OWNER', 'GUARDIAN', 'COORDINATOR', 'PROVIDER', 'RELATIVE'] as const satisfies readonly ParticipantRole[];

/** The table in docs/document-model.md, row by row ('—' written NONE). */
const DOCUMENTED: Record<(typeof SECTION_KEYS)[number], readonly SectionAccess[]> = {
  goals: ['ALL', 'ALL', 'ALL', 'NONE', 'NONE'],
  situation: ['ALL', 'ALL', 'ALL', 'NONE', 'NONE'],
  contributions: ['OWN', 'OWN', 'OWN', 'OWN', 'OWN'],
  measures: ['NONE', 'NONE', 'ALL', 'ORGANIZATION', 'NONE'],
  period: ['NONE', 'NONE', 'ALL', 'NONE', 'NONE'],
  cooperation: ['NONE', 'NONE', 'ALL', 'NONE', 'NONE'],
  log: ['OWN', 'OWN', 'OWN', 'OWN', 'OWN'],
  evaluations: ['NONE', 'NONE', 'ALL', 'NONE', 'NONE'],
};

const actor = (personId: string): Actor => ({ personId, kind: 'CITIZEN', isAdmin: false, memberships: [], tokenExpiresAt: new Date(8.64e15) });
const plan = (status: PlanFacts['status']): PlanFacts => ({
  planId: 'plan',
  ownerId: 'owner',
  status,
  participants: ROLES.map((role) => ({ personId: role.toLowerCase(), role, readsContent: true })),
});

describe('section rights', () => {
  it('each role has the rights the documentation lists, and nothing else', () => {
    for (const section of SECTION_KEYS) {
      expect(ROLES.map((role) => effectiveAccess(role, section, {})), section).toEqual(DOCUMENTED[section]);
    }
  });

  it('a grant overrides the role: EDIT gives every entry, READ takes the right away', () => {
    expect(effectiveAccess('RELATIVE', 'period', { period: 'EDIT' })).toBe('ALL');
    expect(effectiveAccess('COORDINATOR', 'period', { period: 'READ' })).toBe('NONE');
    expect(effectiveAccess('COORDINATOR', 'goals', { period: 'READ' })).toBe('ALL');
  });

  it('an ended plan allows nobody anything, whatever the role or grant; a running one what the rights say', () => {
    for (const role of ROLES) {
      for (const section of SECTION_KEYS) {
        expect(sectionAccessIn('ENDED', role, section, { [section]: 'EDIT' })).toBe('NONE');
        expect(sectionAccessIn('ACTIVE', role, section, {})).toBe(effectiveAccess(role, section, {}));
      }
    }
  });

  it('what a section shows (sectionAccess) and what an edit may do (plan.editSection) follow the same rule', () => {
    for (const status of ['ACTIVE', 'ENDED'] as const) {
      for (const role of ROLES) {
        const who = actor(role.toLowerCase());
        const all = sectionAccess(who, plan(status), 'period', { period: 'EDIT' });
        expect(all).toBe(status === 'ENDED' ? 'NONE' : 'ALL');
        expect(can(who, 'plan.editSection', { plan: plan(status), section: 'period', grants: { period: 'EDIT' }, entry: null })).toBe(all === 'ALL');
      }
    }
    expect(sectionAccess(actor('stranger'), plan('ACTIVE'), 'contributions', {})).toBe('NONE');
  });
});

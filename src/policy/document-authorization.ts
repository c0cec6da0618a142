import type { DocumentAuthorizer } from '../documents/document-authorizer.js';
import type { PlanAccess } from '../documents/live-document.contracts.js';
import { can } from './policy.js';

/**
 * The policy's answers to the document core's questions (src/documents/document-authorizer.ts):
 * the same `can` every other door asks, over the facts `load` reads.
 */
export function documentAuthorization(load: (planId: string) => Promise<PlanAccess>): DocumentAuthorizer {
  return {
    load,
    refusal(actor, access, part) {
      if (!can(actor, 'plan.read', access.plan)) return 'NOT_TAKING_PART';
      if (!can(actor, 'plan.readContent', access.plan)) return 'NO_CONTENT_CONSENT';
      if (part === 'restricted' && !can(actor, 'plan.readRestricted', access)) return 'NOT_RESTRICTED_READER';
      return null;
    },
    firstDenied(actor, { plan, grantsByPerson, restrictedReaderIds }, touches) {
      const grants = grantsByPerson.get(actor.personId) ?? {};
      for (const touch of touches) {
        if (!can(actor, 'plan.editSection', { plan, section: touch.section, grants, entry: touch.entry, restrictedReaderIds })) return touch.section;
      }
      return null;
    },
  };
}

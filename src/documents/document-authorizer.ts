import type { Actor } from '../policy/actor.js';
import type { DocumentPart, SectionKey } from './document.template.js';
import type { PlanAccess } from './live-document.contracts.js';
import type { Touch } from './update-inspector.js';

/** Why someone may not have one of a plan's documents open; the door words it for the person. */
export type AccessRefusal =
  /** They do not (or no longer) take part in the plan: it is not found for them. */
  | 'NOT_TAKING_PART'
  /** They take part, but the person's consent does not cover the plan's content. */
  | 'NO_CONTENT_CONSENT'
  /** The restricted document, and the person has not chosen them to read it. */
  | 'NOT_RESTRICTED_READER';

/**
 * What the document core asks before it lets anyone in or applies anyone's change, the way
 * y-redis's server takes `checkAuth` and Hocuspocus takes hooks: the core decides nothing itself.
 * The rules are the policy's (src/policy/document-authorization.ts); app start-up hands them in.
 */
export interface DocumentAuthorizer {
  /** Reads who may do what in a plan now (the hub caches it, src/documents/access-cache.ts). */
  load(planId: string): Promise<PlanAccess>;
  /** Why `actor` may not hold document `part` of the plan open under `access`; null when they may. */
  refusal(actor: Actor, access: PlanAccess, part: DocumentPart): AccessRefusal | null;
  /** The first section of `touches` that `actor` may not change under `access`; null when they may make them all. */
  firstDenied(actor: Actor, access: PlanAccess, touches: readonly Touch[]): SectionKey | null;
}

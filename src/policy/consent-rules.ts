import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';

/*
 * What consent does to access (DOMAIN.md, consent): pure rules beside the policy, which plan facts
 * are built with. The data they read comes from src/consent/consent.standing.ts.
 */

/** The consents of one plan that matter for access at one moment. */
export interface PlanConsents {
  /** Participants with a current PARTICIPATE consent. */
  participating: ReadonlySet<string>;
  /** Participants with a current CONFIDENTIAL_INFORMATION consent. */
  confidential: ReadonlySet<string>;
  /** The plan had the person's consent (PLAN), and none is current any more. */
  planConsentLapsed: boolean;
}

/** What consent lets one participant do. */
export interface ConsentStanding {
  /** Counts as taking part: sees the plan's metadata and participants. */
  takesPart: boolean;
  /** May see the plan's content, where the plan's status allows it. */
  readsContent: boolean;
}

const NO_CONSENTS: PlanConsents = { participating: new Set(), confidential: new Set(), planConsentLapsed: false };

/**
 * The plan's status as access sees it: an ACTIVE plan whose consent has run out waits for the
 * person's consent again (REQUESTED), even before the scheduler records the expiry.
 */
export function statusUnderConsent(status: PlanStatus, consents: PlanConsents | undefined): PlanStatus {
  return status === 'ACTIVE' && consents?.planConsentLapsed ? 'REQUESTED' : status;
}

/**
 * What consent lets a participant do. The person and their guardian need no consent of their own.
 * The coordinator handling a REQUESTED plan takes part (without content) while the person decides;
 * everyone else takes part only with a current PARTICIPATE consent, and reads content only with
 * CONFIDENTIAL_INFORMATION as well.
 */
export function consentStanding(
  participant: { id: string; role: ParticipantRole },
  storedStatus: PlanStatus,
  consents: PlanConsents = NO_CONSENTS,
): ConsentStanding {
  if (participant.role === 'OWNER' || participant.role === 'GUARDIAN') return { takesPart: true, readsContent: true };
  const participates = consents.participating.has(participant.id);
  const takesPart = participates || (participant.role === 'COORDINATOR' && storedStatus === 'REQUESTED');
  return { takesPart, readsContent: participates && consents.confidential.has(participant.id) };
}

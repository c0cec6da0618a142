import type { ParticipantRole, PlanStatus } from '../plans/plan.entity.js';
import { daysAfter } from '../shared/dates.js';

/*
 * What consent does to access (docs/domain.md, consent): pure rules beside the policy, which plan facts
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

/** What decides, for a plan that has ended, whether its follow-up window is still open at `now`. */
export interface AfterEnd {
  /** When the plan ended (null while it runs). */
  endedAt: Date | null;
  /** Calendar days after the end that the window stays open (config `ENDED_PLAN_READ_DAYS`); 0 closes it at the end. */
  readDays: number;
  now: Date;
}

/**
 * The person (OWNER) and their legal representative (GUARDIAN): they give and withdraw consent for
 * the person, and need none of their own to take part.
 */
export const speaksForPerson = (role: ParticipantRole): boolean => role === 'OWNER' || role === 'GUARDIAN';

/** A participant row as consent standing sees it. */
export interface StandingParticipant {
  id: string;
  role: ParticipantRole;
  /**
   * For a GUARDIAN: the recorded guardianship of the plan's owner holds now. A guardian stands by
   * it alone, never by a consent kept from when they took part in another role.
   */
  guardianshipHolds: boolean;
}

const NO_CONSENTS: PlanConsents = { participating: new Set(), confidential: new Set(), planConsentLapsed: false };
const NOTHING: ConsentStanding = { takesPart: false, readsContent: false };

/** When an ended plan's follow-up window closes: `readDays` calendar days (Oslo) after the end. */
export const followUpEndsAt = (endedAt: Date, readDays: number): Date => daysAfter(endedAt, readDays);

/**
 * When the follow-up window of an ended plan closes, while it is still open: access changes then
 * by the clock alone (`PlanFacts.accessChangesAt`). Null for a running plan or a closed window.
 */
export function followUpClosesAt(storedStatus: PlanStatus, consents: PlanConsents = NO_CONSENTS, afterEnd: AfterEnd | null = null): Date | null {
  if (storedStatus !== 'ENDED' || !afterEnd?.endedAt || consents.planConsentLapsed) return null;
  const endsAt = followUpEndsAt(afterEnd.endedAt, afterEnd.readDays);
  return afterEnd.now < endsAt ? endsAt : null;
}

/**
 * The plan's status as access sees it: an ACTIVE plan whose consent has run out waits for the
 * person's consent again (REQUESTED), even before the scheduler records the expiry.
 */
export function statusUnderConsent(status: PlanStatus, consents: PlanConsents | undefined): PlanStatus {
  return status === 'ACTIVE' && consents?.planConsentLapsed ? 'REQUESTED' : status;
}

/**
 * What consent lets a participant do. The person needs no consent of their own, nor does their
 * guardian while the guardianship holds (once it does not, nothing). The coordinator handling a
 * REQUESTED plan takes part (without content) while the person decides;
 * everyone else takes part only with a current PARTICIPATE consent, and reads content only with
 * CONFIDENTIAL_INFORMATION as well. Once the plan has ended, everyone else keeps that only during
 * the follow-up window (`afterEnd`; without it, not at all) and while the person's consent to the
 * plan stands: then the plan is the person's (and guardians') alone, the record included.
 */
export function consentStanding(
  participant: StandingParticipant,
  storedStatus: PlanStatus,
  consents: PlanConsents = NO_CONSENTS,
  afterEnd: AfterEnd | null = null,
): ConsentStanding {
  if (participant.role === 'GUARDIAN' && !participant.guardianshipHolds) return NOTHING;
  if (speaksForPerson(participant.role)) return { takesPart: true, readsContent: true };
  if (storedStatus === 'ENDED' && !followUpClosesAt(storedStatus, consents, afterEnd)) return NOTHING;
  const participates = consents.participating.has(participant.id);
  const takesPart = participates || (participant.role === 'COORDINATOR' && storedStatus === 'REQUESTED');
  return { takesPart, readsContent: participates && consents.confidential.has(participant.id) };
}

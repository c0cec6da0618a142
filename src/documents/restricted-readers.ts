import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Participant } from '../plans/plan.entity.js';
import { RestrictedReader } from './document.entity.js';
import { PARTICIPANTS_SQL } from '../plans/plan.read-model.js';

/**
 * Whom the person (or their guardian) chose to read the plan's restricted part: the
 * `restricted_reader` table, owned by this module. Other modules ask through the policy's
 * `plan.readRestricted` with the ids this returns.
 */

/** Person ids of the plan's participants (not removed) holding a current grant. */
export async function loadRestrictedReaderIds(em: EntityManager, planId: string): Promise<Set<string>> {
  const rows = await em.execute<Array<{ person_id: string }>>(
    `select pa.person_id from restricted_reader r join (${PARTICIPANTS_SQL}) pa on pa.participant_id = r.participant_id
     where r.plan_id = ? and r.revoked_at is null and pa.removed_at is null`,
    [planId],
  );
  return new Set(rows.map((row) => row.person_id));
}

/** Records a grant unless one is current; false when it already was. */
export async function grantRestricted(em: EntityManager, participant: Participant, grantedById: string, at: Date): Promise<boolean> {
  const current = await em.findOne(RestrictedReader, { participant: participant.id, revokedAt: null });
  if (current) return false;
  try {
    em.create(RestrictedReader, { plan: participant.plan.id, participant: participant.id, grantedBy: grantedById, grantedAt: at });
    await em.flush();
  } catch (error) {
    // Two grants at once: the partial unique index keeps one, and the other is "already granted".
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    // The refused row must not be flushed again by the next change on this EntityManager.
    em.clear();
    return false;
  }
  return true;
}

/** Ends the participant's current grant; false when there was none. */
export async function revokeRestricted(em: EntityManager, participantId: string, revokedById: string, at: Date): Promise<boolean> {
  const revoked = await em.nativeUpdate(RestrictedReader, { participant: participantId, revokedAt: null }, {
    revokedAt: at,
    revokedBy: revokedById,
  });
  return revoked > 0;
}

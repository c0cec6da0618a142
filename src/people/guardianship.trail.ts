import type { EntityManager } from '@mikro-orm/postgresql';
import { ORGANIZATIONS_SQL } from '../organizations/organization.read-model.js';
import { PARTICIPANTS_SQL, PLANS_SQL } from '../plans/plan.read-model.js';
import { REQUESTS_SQL } from '../requests/request.read-model.js';
import { recordCaseEvent } from '../casework/case-event.js';
import { resolveDeadline, setDeadline } from '../casework/deadline.js';
import type { EventBus } from '../events/event-bus.js';
import { enqueueNotification } from '../notifications/notification.outbox.js';
import type { ParticipantsChangedEvent } from '../plans/plan.events.js';
import type { Guardianship } from './guardianship.entity.js';

/** Where the ward and their guardians read about it; the notification itself says nothing more. */
export const GUARDIANSHIPS_LINK = '/me/guardianships';

export type GuardianshipChange = 'RECORDED' | 'REVOKED' | 'ENDED';

/**
 * The coordinating units that have a case of the person: every unit that has received a request
 * for them or oversees a plan of theirs (any status), read in one query over what the requests,
 * plans and organizations modules publish (their read models). This is also how Samplan knows the person's
 * municipality, which a person has no field for.
 */
export async function coordinatingUnitsOf(em: EntityManager, personId: string): Promise<Array<{ id: string; municipality: string | null }>> {
  return em.execute<Array<{ id: string; municipality: string | null }>>(
    `select "o"."organization_id" as "id", "o"."municipality" from (${ORGANIZATIONS_SQL}) "o"
     where "o"."kind" = 'COORDINATING_UNIT' and "o"."organization_id" in (
       select "unit_id" from (${REQUESTS_SQL}) "r" where "person_id" = ?
       union select "unit_id" from (${PLANS_SQL}) "pl" where "owner_id" = ? and "unit_id" is not null)
     order by "o"."organization_id"`,
    [personId, personId],
  );
}

/**
 * Tells, in the caller's transaction, of a guardianship recorded, revoked or ended: a case event
 * for each coordinating unit with a case of the ward, and a notification without content to the
 * ward and their other current guardians, and (unless it is new) to the guardian it concerns.
 * `otherGuardianIds` are the ward's current guardians but this one.
 */
export async function tellOfGuardianship(
  em: EntityManager,
  input: { guardianship: Guardianship; change: GuardianshipChange; actorId: string | null; otherGuardianIds: readonly string[]; now: Date },
): Promise<void> {
  const { guardianship, change, now } = input;
  const wardId = guardianship.ward.id;
  const guardianId = guardianship.guardian.id;
  for (const unit of await coordinatingUnitsOf(em, wardId)) {
    await recordCaseEvent(em, {
      unitId: unit.id,
      kind: `GUARDIANSHIP_${change}`,
      at: now,
      personId: wardId,
      actorId: input.actorId,
      // Case metadata only: the basis reference and the revocation reason stay with the guardianship.
      detail: {
        guardianshipId: guardianship.id,
        guardianId,
        basis: guardianship.basis,
        validFrom: guardianship.validFrom.toISOString(),
        validUntil: guardianship.validUntil?.toISOString() ?? null,
      },
    });
  }
  // The new guardian is not told of themselves; whoever loses the role is.
  const recipients = new Set([wardId, ...input.otherGuardianIds]);
  if (change === 'RECORDED') recipients.delete(guardianId);
  else recipients.add(guardianId);
  for (const recipientId of recipients) {
    await enqueueNotification(em, {
      recipientId,
      kind: `GUARDIANSHIP_${change}`,
      link: GUARDIANSHIPS_LINK,
      // Recorded keeps the key it always had, so a retried transaction tells nobody twice.
      dedupeKey: change === 'RECORDED' ? `guardianship:${guardianship.id}:${recipientId}` : `guardianship-${change.toLowerCase()}:${guardianship.id}:${recipientId}`,
    }, now);
  }
}

const endKey = (guardianshipId: string) => `guardianship-end:${guardianshipId}`;
export const guardianshipIdOfEndKey = (key: string) => (key.startsWith('guardianship-end:') ? key.slice('guardianship-end:'.length) : null);

/**
 * Arms the scheduler for the end date, so the end is told and open connections re-checked when
 * it comes (access itself already ends by the clock: CURRENT_GUARDIANSHIP_SQL). A guardianship
 * belongs to a person, not a case, so the deadline names no unit, plan or request.
 */
export async function scheduleGuardianshipEnd(em: EntityManager, guardianship: Guardianship, now: Date): Promise<void> {
  if (!guardianship.validUntil) return;
  await setDeadline(em, { key: endKey(guardianship.id), kind: 'GUARDIANSHIP_END', unitId: null, personId: guardianship.ward.id, dueAt: guardianship.validUntil }, now);
}

export const unscheduleGuardianshipEnd = (em: EntityManager, guardianshipId: string, now: Date) => resolveDeadline(em, endKey(guardianshipId), now);

/**
 * The `participantsChanged` events that make every door re-check the guardian's access to the
 * ward's plans at once: one per plan of the ward the guardian takes part in (in any role, ended
 * plans too, which can still be read). Read in the caller's transaction; publish after commit.
 */
export async function guardianParticipations(em: EntityManager, guardianship: Guardianship): Promise<ParticipantsChangedEvent[]> {
  const rows = await em.execute<Array<{ participant_id: string; plan_id: string; version: number }>>(
    `select p."participant_id", p."plan_id", pl."version" from (${PARTICIPANTS_SQL}) p join (${PLANS_SQL}) pl on pl."plan_id" = p."plan_id"
     where p."person_id" = ? and pl."owner_id" = ? and p."removed_at" is null order by pl."plan_id"`,
    [guardianship.guardian.id, guardianship.ward.id],
  );
  return rows.map((row) => ({ planId: row.plan_id, change: 'GUARDIANSHIP_CHANGED', participantId: row.participant_id, planVersion: row.version }));
}

export function publishParticipations(events: EventBus, changes: readonly ParticipantsChangedEvent[]): void {
  for (const change of changes) events.publish('participantsChanged', change);
}

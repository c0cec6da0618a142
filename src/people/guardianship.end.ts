import type { DeadlineScheduler } from '../casework/deadline.scheduler.js';
import type { EventBus } from '../events/event-bus.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { loadCurrentGuardians } from './guardianship.current.js';
import { Guardianship } from './guardianship.entity.js';
import { guardianParticipations, guardianshipIdOfEndKey, publishParticipations, tellOfGuardianship } from './guardianship.trail.js';

/**
 * Registers what happens when a guardianship's validUntil comes: the ward's units get a
 * GUARDIANSHIP_ENDED case event, the ward, the guardian and the ward's other guardians a
 * notification, and every open connection of the guardian to the ward's plans is re-checked.
 * The powers themselves end by the clock (CURRENT_GUARDIANSHIP_SQL); this makes the end visible.
 */
export function registerGuardianshipEnd(scheduler: DeadlineScheduler, events: EventBus): void {
  scheduler.handle('GUARDIANSHIP_END', {
    async onDue(em, deadline, { now, afterCommit }) {
      const id = guardianshipIdOfEndKey(deadline.key);
      const guardianship = id ? await em.findOne(Guardianship, id) : null;
      // Revoked meanwhile (its own events were told then), or not over after all.
      if (!guardianship || guardianship.revokedAt || !guardianship.validUntil || guardianship.validUntil > now) return;
      const current = (await loadCurrentGuardians(withoutTransaction(em), [guardianship.ward.id], now)).get(guardianship.ward.id);
      const otherGuardianIds = [...(current?.guardianIds ?? [])].filter((guardianId) => guardianId !== guardianship.guardian.id);
      await tellOfGuardianship(em, { guardianship, change: 'ENDED', actorId: null, otherGuardianIds, now });
      const changes = await guardianParticipations(em, guardianship);
      afterCommit(() => publishParticipations(events, changes));
    },
  });
}

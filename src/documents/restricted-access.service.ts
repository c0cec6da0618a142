import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/error-codes.js';
import type { Participant } from '../plans/plan.entity.js';
import type { ParticipantModel } from '../plans/participant.model.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import type { DocumentDeps } from './document.deps.js';
import { RESTRICTED_SECTION_KEYS } from './document.template.js';
import { grantRestricted, revokeRestricted } from './restricted-readers.js';

/** Roles that read the restricted part by being who they are: the person and their legal representative. */
const ALWAYS_READ = ['OWNER', 'GUARDIAN'] as const;

/**
 * The person's choice of who reads the plan's restricted part (docs/document-model.md and
 * docs/consent.md): granting and revoking it per participant, and what GraphQL shows of it.
 */
export class RestrictedAccessService {
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Actor,
    private readonly deps: DocumentDeps,
  ) {}

  /** Whether the viewer may read the restricted part now (the one policy's `plan.readRestricted`). */
  async viewerReads(planId: string): Promise<boolean> {
    return can(this.actor, 'plan.readRestricted', await this.deps.documents.access(planId));
  }

  /** The person's choice for one participant: always true for the person and their guardians. */
  async reads(participant: ParticipantModel): Promise<boolean> {
    if ((ALWAYS_READ as readonly string[]).includes(participant.role)) return true;
    return (await this.deps.documents.access(participant.plan.id)).restrictedReaderIds.has(participant.person.id);
  }

  grant(participantId: string): Promise<Participant> {
    return this.#choose(participantId, true);
  }

  revoke(participantId: string): Promise<Participant> {
    return this.#choose(participantId, false);
  }

  async #choose(participantId: string, grant: boolean): Promise<Participant> {
    const participant = await this.deps.plans.participantById(participantId);
    if (!participant || participant.removedAt) throw notFound('Participant');
    const access = await this.deps.documents.access(participant.plan.id);
    if (!can(this.actor, 'plan.read', access.plan)) throw notFound('Participant');
    if ((ALWAYS_READ as readonly string[]).includes(participant.role)) throw badInput('The person and their guardians always read the restricted part');
    assertCan(this.actor, 'plan.manageRestrictedAccess', { plan: access.plan, target: { personId: participant.person.id, role: participant.role }, grant });
    const now = this.deps.clock.now();
    const changed = grant
      ? await grantRestricted(this.em, participant, this.actor.personId, now)
      : await revokeRestricted(this.em, participant.id, this.actor.personId, now);
    // Every server refreshes the plan's facts: a revoked reader's restricted connections close at once (4403).
    if (changed) {
      for (const section of RESTRICTED_SECTION_KEYS) {
        this.deps.events.publish('sectionRightsChanged', { planId: participant.plan.id, personId: participant.person.id, section });
      }
    }
    return participant;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { PlanVersion, type VersionKind } from './document.entity.js';

/** A committed state of one of the plan's documents. */
export interface DocumentState {
  seq: number;
  state: Uint8Array;
}

/** Stores a version of a plan: both its documents as committed; returns its id. */
export async function saveVersion(
  em: EntityManager,
  input: { planId: string; kind: VersionKind; label: string; authorId: string; main: DocumentState; restricted: DocumentState; at: Date },
): Promise<string> {
  const version = new PlanVersion({
    plan: em.getReference(Plan, input.planId, { wrapped: true }),
    label: input.label,
    kind: input.kind,
    author: em.getReference(Person, input.authorId, { wrapped: true }),
    seq: input.main.seq,
    state: Buffer.from(input.main.state),
    restrictedSeq: input.restricted.seq,
    restrictedState: Buffer.from(input.restricted.state),
    createdAt: input.at,
  });
  await em.persist(version).flush();
  return version.id;
}

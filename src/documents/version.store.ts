import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from '../people/person.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { PlanVersion, type VersionKind } from './document.entity.js';

/** Stores a version of a plan's document; returns its id. */
export async function saveVersion(
  em: EntityManager,
  input: { planId: string; kind: VersionKind; label: string; authorId: string; seq: number; state: Uint8Array; at: Date },
): Promise<string> {
  const version = new PlanVersion({
    plan: em.getReference(Plan, input.planId, { wrapped: true }),
    label: input.label,
    kind: input.kind,
    author: em.getReference(Person, input.authorId, { wrapped: true }),
    seq: input.seq,
    state: Buffer.from(input.state),
    createdAt: input.at,
  });
  await em.persist(version).flush();
  return version.id;
}

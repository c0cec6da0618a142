import type { EntityManager } from '@mikro-orm/postgresql';
import { PlanVersion, type VersionKind } from './document.entity.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

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
  const version = em.create(PlanVersion, {
    plan: input.planId,
    label: input.label,
    kind: input.kind,
    author: input.authorId,
    seq: input.main.seq,
    state: Buffer.from(input.main.state),
    restrictedSeq: input.restricted.seq,
    restrictedState: Buffer.from(input.restricted.state),
    createdAt: input.at,
  });
  await em.flush();
  return version.id;
}

/** Whether the plan has a saved version of `kind` (say, the CLOSED one its end makes). */
export async function hasVersionOfKind(uow: UnitOfWork, planId: string, kind: PlanVersion['kind']): Promise<boolean> {
  const [saved] = await uow.em.execute('select 1 from "plan_version" where "plan_id" = ? and "kind" = ? limit 1', [planId, kind]);
  return Boolean(saved);
}

/**
 * Every saved version, for other modules' SQL (docs/architecture.md; the archive lists them):
 * `version_id`, `plan_id`, `label`, `kind`, `seq`, `author_id`, `created_at`.
 */
export const VERSIONS_SQL = `select "id" as "version_id", "plan_id", "label", "kind", "seq", "author_id", "created_at" from "plan_version"`;

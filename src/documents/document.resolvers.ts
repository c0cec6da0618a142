import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { forbidden, notFound } from '../errors/error-codes.js';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { watchAccess } from '../consent/access-watch.js';
import { versionWhat } from '../access-log/access-log.js';
import { coalescePlanChanges } from './plan-changed.js';
import type { PlanChangedModel } from './document.service.js';
import type { GraphQLContext } from '../graphql/context.js';
import { guardedSubscription } from '../graphql/guarded-subscription.js';

/** A version the viewer may read, its read logged; null otherwise (`version(id:)` and `node(id:)`). */
export async function readVersion(ctx: GraphQLContext, id: string) {
  const version = await ctx.services().documents.version(id);
  // A version's label, author and time are content, as `Plan.versions` is (docs/access-log.md).
  if (version) await ctx.services().accessLog.read(version.plan.id, versionWhat(version.id));
  return version;
}

export const documentResolvers: Resolvers = {
  JSON: GraphQLJSON,
  JSONObject: GraphQLJSONObject,
  Query: {
    version: async (_parent, { id }, ctx) => {
      const version = await readVersion(ctx, id);
      if (!version) throw notFound('PlanVersion');
      return version;
    },
  },
  Mutation: {
    addPlanEntry: (_parent, { input }, ctx) => ctx.services().documents.addEntry(input),
    updatePlanEntry: (_parent, { input }, ctx) => ctx.services().documents.updateEntry(input),
    removePlanEntry: (_parent, { input }, ctx) => ctx.services().documents.removeEntry(input),
    createVersion: (_parent, { input }, ctx) => ctx.services().documents.createVersion(input),
    restoreVersion: (_parent, { input }, ctx) => ctx.services().documents.restoreVersion(input),
    setSectionRight: (_parent, { input }, ctx) => ctx.services().documents.setSectionRight(input),
    grantRestrictedAccess: (_parent, { participantId }, ctx) => ctx.services().documents.restricted.grant(participantId),
    revokeRestrictedAccess: (_parent, { participantId }, ctx) => ctx.services().documents.restricted.revoke(participantId),
  },
  Subscription: {
    planChanged: guardedSubscription('planChanged', 'You no longer take part in this plan', async ({ planId }: { planId: string }, ctx: GraphQLContext, signal) => {
      // Refused at once (NOT_FOUND) when the subscriber cannot read the plan.
      const plan = await ctx.services().plans.get(planId);
      const check = () => ctx.freshServices().consents.contentAccess(plan.id);
      const first = await check();
      if (!first.allowed) throw forbidden('Your consent does not cover the content of this plan');
      // Consent withdrawn, expired (at its validUntil, by a timer) or the subscriber removed: end now, not at the next change.
      const watch = watchAccess(ctx, plan.id, check, first, signal);
      return {
        events: coalescePlanChanges(ctx.events.subscribe('documentChanged', watch.signal), plan.id),
        // Every event re-checks access: someone removed from the plan hears nothing more.
        stillAllowed: async () => (await check()).allowed,
        // Changes of the restricted part reach only those the person chose (asked again each time).
        delivers: async (event: PlanChangedModel) => !event.restricted || ctx.freshServices().documents.restricted.viewerReads(plan.id),
        lost: watch.lost,
        stop: watch.stop,
      };
    }),
  },
  Plan: {
    sections: (plan, _args, ctx) => ctx.services().documents.sections(plan),
    section: (plan, { key }, ctx) => ctx.services().documents.section(plan, key),
    documentSeq: (plan, _args, ctx) => ctx.services().documents.documentSeq(plan),
    restrictedDocumentSeq: (plan, _args, ctx) => ctx.services().documents.restrictedDocumentSeq(plan),
    history: (plan, args, ctx) => ctx.services().documents.history(plan, args),
    viewerReadsRestricted: (plan, _args, ctx) => ctx.services().documents.restricted.viewerReads(plan.id),
    versions: (plan, args, ctx) => ctx.services().documents.versions(plan, args),
  },
  PlanSection: {
    lastChange: (section, _args, ctx) => ctx.services().documents.lastChange(section),
  },
  SectionChange: {
    by: (change, _args, ctx) => ctx.services().documents.person(change.personId),
  },
  PlanChange: {
    by: (change, _args, ctx) => ctx.services().documents.person(change.personId),
    at: (change) => change.lastAt,
  },
  PlanVersion: {
    plan: (version) => version.plan.loadOrFail(),
    author: (version) => version.author.loadOrFail(),
    content: (version, _args, ctx) => ctx.services().documents.versionContent(version),
  },
  Participant: {
    sectionRights: (participant, _args, ctx) => ctx.services().documents.sectionRights(participant),
    readsRestricted: (participant, _args, ctx) => ctx.services().documents.restricted.reads(participant),
  },
  PlanChangedEvent: {
    by: (event, _args, ctx) => Promise.all(event.personIds.map((id) => ctx.freshServices().documents.person(id))),
  },
};

import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { forbidden } from '../errors/error-codes.js';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { watchContentAccess } from '../consent/content-access-watch.js';
import { cancellable } from '../events/cancellable.js';
import { coalescePlanChanges } from './plan-changed.js';
import type { PlanChangedModel } from './document.service.js';

export const documentResolvers: Resolvers = {
  JSON: GraphQLJSON,
  JSONObject: GraphQLJSONObject,
  Query: {
    version: (_parent, { id }, ctx) => ctx.services().documents.version(id),
  },
  Mutation: {
    addPlanEntry: (_parent, { input }, ctx) => ctx.services().documents.addEntry(input),
    updatePlanEntry: (_parent, { input }, ctx) => ctx.services().documents.updateEntry(input),
    removePlanEntry: (_parent, { input }, ctx) => ctx.services().documents.removeEntry(input),
    createVersion: (_parent, { input }, ctx) => ctx.services().documents.createVersion(input),
    restoreVersion: (_parent, { input }, ctx) => ctx.services().documents.restoreVersion(input),
    setSectionRight: (_parent, { input }, ctx) => ctx.services().documents.setSectionRight(input),
  },
  Subscription: {
    planChanged: {
      // The client completing or going away aborts `signal`, which ends the loop at once.
      subscribe: (_parent, { planId }, ctx) => cancellable(async function* (signal) {
        // Refused at once (NOT_FOUND) when the subscriber cannot read the plan.
        const plan = await ctx.services().plans.get(planId);
        const canRead = () => ctx.freshServices().consents.canReadContent(plan.id);
        if (!(await canRead())) throw forbidden('Your consent does not cover the content of this plan');
        // Consent withdrawn or expired, or the subscriber removed: end now, not at the next change.
        const watch = watchContentAccess(ctx.events, plan.id, canRead, signal);
        try {
          const changes = ctx.events.subscribe('documentChanged', watch.signal);
          for await (const event of coalescePlanChanges(changes, plan.id)) {
            // Every event re-checks access: someone removed from the plan hears nothing more.
            if (!(await canRead())) {
              yield { planChanged: { accessLost: true } };
              return;
            }
            yield { planChanged: event };
          }
          if (watch.lost()) yield { planChanged: { accessLost: true } };
        } finally {
          watch.stop();
        }
      }),
      resolve: (payload: { planChanged: PlanChangedModel | { accessLost: true } }) => {
        if ('accessLost' in payload.planChanged) throw forbidden('You no longer take part in this plan');
        return payload.planChanged;
      },
    },
  },
  Plan: {
    sections: (plan, _args, ctx) => ctx.services().documents.sections(plan),
    section: (plan, { key }, ctx) => ctx.services().documents.section(plan, key),
    documentSeq: (plan, _args, ctx) => ctx.services().documents.documentSeq(plan),
    history: (plan, args, ctx) => ctx.services().documents.history(plan, args),
    versions: (plan, _args, ctx) => ctx.services().documents.versions(plan),
  },
  PlanSection: {
    lastChange: (section) => section.lastChange,
  },
  SectionChange: {
    by: (change, _args, ctx) => ctx.services().documents.person(change.personId),
  },
  PlanChange: {
    by: (change, _args, ctx) => ctx.services().documents.person(change.personId),
  },
  PlanVersion: {
    plan: (version) => version.plan.loadOrFail(),
    author: (version) => version.author.loadOrFail(),
    content: (version, _args, ctx) => ctx.services().documents.versionContent(version),
  },
  Participant: {
    sectionRights: (participant, _args, ctx) => ctx.services().documents.sectionRights(participant),
  },
  PlanChangedEvent: {
    by: (event, _args, ctx) => Promise.all(event.personIds.map((id) => ctx.freshServices().documents.person(id))),
  },
};

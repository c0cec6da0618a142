import { toConnection } from '../shared/connection.js';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import type { GraphQLContext } from '../graphql/context.js';
import { guardedSubscription, onlyWhere } from '../graphql/guarded-subscription.js';

export const caseworkResolvers: Resolvers = {
  Query: {
    unitDashboard: (_parent, { unitId }, ctx) => ctx.services().casework.dashboard(unitId),
  },
  UnitDashboard: {
    counts: (dashboard, { withinDays }, ctx) => ctx.services().casework.counts(dashboard, withinDays),
    cases: async (dashboard, args, ctx) => {
      const page = await ctx.services().casework.cases(dashboard, args);
      return { ...toConnection(page.cases, page.cursors, page.hasNextPage, args.after), totalCount: page.totalCount };
    },
    recentEvents: (dashboard, { first }, ctx) => ctx.services().casework.recentEvents(dashboard, first),
    incompleteMeasures: (dashboard, { first }, ctx) => ctx.services().casework.incompleteMeasures(dashboard, first),
  },
  IncompleteMeasure: {
    person: (measure, _args, ctx) => ctx.services().documents.person(measure.personId),
  },
  // A case's person and coordinator come with the page (src/casework/caseload.ts): no read of their own.
  Case: {
    person: (node) => node.person,
    coordinator: (node) => node.coordinator,
  },
  CaseEventItem: {
    person: (event, _args, ctx) => (event.personId ? ctx.freshServices().documents.person(event.personId) : null),
    actor: (event, _args, ctx) => (event.actorId ? ctx.freshServices().documents.person(event.actorId) : null),
  },
  Subscription: {
    caseEvents: guardedSubscription('caseEvents', 'You are no longer staff of this unit', async ({ unitId }: { unitId: string }, ctx: GraphQLContext, signal) => {
      // Refused at once (NOT_FOUND) for anyone but the unit's staff.
      const unit = await ctx.services().casework.assertCanView(unitId);
      return {
        events: onlyWhere(ctx.events.subscribe('caseEvent', signal), (event) => event.unitId === unit.id),
        // Every event re-checks membership: someone who left the unit hears nothing more.
        stillAllowed: () => ctx.freshServices().casework.stillStaffOf(unit.id),
      };
    }),
  },
};

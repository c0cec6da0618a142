import { watchAccess } from '../consent/access-watch.js';
import { toConnection } from '../shared/connection.js';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import type { ParticipantsChangedEvent } from './plan.events.js';
import type { GraphQLContext } from '../graphql/context.js';
import { guardedSubscription, onlyWhere } from '../graphql/guarded-subscription.js';

/** Services return union results tagged with their GraphQL type name. */
function byTypename<Name extends string>(result: { __typename?: Name }): Name {
  if (!result.__typename) throw new Error('A union result must carry its __typename');
  return result.__typename;
}

export const planResolvers: Resolvers = {
  Query: {
    plan: (_parent, { id }, ctx) => ctx.services().plans.getForRead(id),
    plans: async (_parent, args, ctx) => {
      const page = await ctx.services().plans.list(args);
      return { ...toConnection(page.plans, page.cursors, page.hasNextPage, args.after), totalCount: page.totalCount };
    },
  },
  Mutation: {
    createPlan: (_parent, { input }, ctx) => ctx.services().plans.create(input),
    addParticipant: (_parent, { input }, ctx) => ctx.services().plans.addParticipant(input),
    removeParticipant: (_parent, { input }, ctx) => ctx.services().plans.removeParticipant(input),
    changeParticipantRole: (_parent, { input }, ctx) => ctx.services().plans.changeRole(input),
    endPlan: async (_parent, { input }, ctx) => {
      const outcome = await ctx.services().plans.end(input);
      return 'id' in outcome ? { __typename: 'PlanEnded' as const, plan: outcome } : outcome;
    },
  },
  Subscription: {
    participantsChanged: guardedSubscription('participantsChanged', 'You no longer take part in this plan', async ({ planId }: { planId: string }, ctx: GraphQLContext, signal) => {
      // Refuse at once when the subscriber cannot read the plan (NOT_FOUND, like a query).
      const plan = await ctx.services().plans.get(planId);
      const check = () => ctx.freshServices().plans.readAccess(plan.id);
      // Participation that ends by date ends the subscription at that instant, by a timer.
      const watch = watchAccess(ctx, plan.id, check, await check(), signal);
      return {
        events: onlyWhere(ctx.events.subscribe('participantsChanged', watch.signal), (event: ParticipantsChangedEvent) => event.planId === plan.id),
        // Every event re-checks access: someone removed from the plan hears nothing more.
        stillAllowed: async () => Boolean(await ctx.freshServices().plans.find(plan.id)),
        lost: watch.lost,
        stop: watch.stop,
      };
    }),
  },
  CreatePlanResult: { __resolveType: byTypename },
  AddParticipantResult: { __resolveType: byTypename },
  RemoveParticipantResult: { __resolveType: byTypename },
  ChangeParticipantRoleResult: { __resolveType: byTypename },
  EndPlanResult: { __resolveType: byTypename },
  Plan: {
    owner: (plan, _args, ctx) => ctx.services().plans.person(plan.owner),
    coordinatingUnit: (plan, _args, ctx) => ctx.services().plans.unitOf(plan),
    participants: (plan, _args, ctx) => ctx.services().plans.participants(plan),
    viewerRole: (plan, _args, ctx) => ctx.services().plans.viewerRole(plan),
    viewerCanManageParticipants: (plan, _args, ctx) => ctx.services().plans.viewerCanManageParticipants(plan),
    viewerCanAppointCoordinator: (plan, _args, ctx) => ctx.services().plans.viewerCanAppointCoordinator(plan),
    endedBy: (plan, _args, ctx) => (plan.endedBy ? ctx.services().plans.person(plan.endedBy) : null),
  },
  Participant: {
    person: (participant, _args, ctx) => ctx.services().plans.person(participant.person),
    organization: (participant, _args, ctx) => ctx.services().plans.organizationOf(participant),
    viewerCanRemove: (participant, _args, ctx) => ctx.services().plans.viewerCanRemove(participant),
    viewerCanChangeRole: (participant, _args, ctx) => ctx.services().plans.viewerCanChangeRole(participant),
  },
  ParticipantsChangedEvent: {
    participant: async (event, _args, ctx) => {
      const participant = await ctx.freshServices().plans.participantById(event.participantId);
      return participant && !participant.removedAt ? participant : null;
    },
  },
};

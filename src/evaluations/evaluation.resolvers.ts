import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const evaluationResolvers: Resolvers = {
  Mutation: {
    recordEvaluation: (_parent, { input }, ctx) => ctx.services().evaluations.record(input),
  },
  Plan: {
    evaluations: async (plan, _args, ctx) => {
      const evaluations = await ctx.services().evaluations.list(plan);
      // An evaluation's outcome is plan content: logged before it goes out (docs/access-log.md).
      await ctx.services().accessLog.read(plan.id, 'evaluations');
      return evaluations;
    },
  },
  Evaluation: {
    participants: (evaluation, _args, ctx) => ctx.services().evaluations.participants(evaluation),
    recordedBy: (evaluation) => evaluation.recordedBy.loadOrFail(),
    version: (evaluation) => evaluation.version?.loadOrFail() ?? null,
  },
};

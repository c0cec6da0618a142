import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const evaluationResolvers: Resolvers = {
  Mutation: {
    recordEvaluation: (_parent, { input }, ctx) => ctx.services().evaluations.record(input),
  },
  Plan: {
    evaluations: (plan, _args, ctx) => ctx.services().evaluations.list(plan),
  },
  Evaluation: {
    participants: (evaluation, _args, ctx) => ctx.services().evaluations.participants(evaluation),
    recordedBy: (evaluation) => evaluation.recordedBy.loadOrFail(),
    version: (evaluation) => evaluation.version?.loadOrFail() ?? null,
  },
};

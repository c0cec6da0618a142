import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const accessLogResolvers: Resolvers = {
  Plan: {
    accessLog: (plan, args, ctx) => ctx.services().accessLog.list(plan, args),
    accessLogIntegrity: (plan, _args, ctx) => ctx.services().accessLog.integrity(plan),
  },
};

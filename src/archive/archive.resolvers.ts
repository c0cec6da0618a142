import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const archiveResolvers: Resolvers = {
  Mutation: {
    archivePlan: (_parent, { planId }, ctx) => ctx.services().archive.archive(planId),
  },
  Plan: {
    archiveRecords: (plan, args, ctx) => ctx.services().archive.list(plan, args),
    archivedAt: (plan) => plan.archivedAt ?? null,
  },
  ArchiveRecord: {
    createdBy: (record) => record.createdBy.loadOrFail(),
    urls: (record, _args, ctx) => ctx.services().archive.urls(record),
  },
};

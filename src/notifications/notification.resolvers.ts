import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const notificationResolvers: Resolvers = {
  Query: {
    notifications: async (_parent, args, ctx) => {
      const page = await ctx.services().notifications.inbox(args);
      return {
        edges: page.notifications.map((node, index) => ({ node, cursor: page.cursors[index] ?? '' })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
        totalCount: page.totalCount,
        unreadCount: page.unreadCount,
      };
    },
  },
  Mutation: {
    markNotificationRead: (_parent, { id }, ctx) => ctx.services().notifications.markRead(id),
  },
};

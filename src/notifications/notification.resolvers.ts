import { toConnection } from '../shared/connection.js';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const notificationResolvers: Resolvers = {
  Query: {
    notifications: async (_parent, args, ctx) => {
      const page = await ctx.services().notifications.inbox(args);
      return {
        ...toConnection(page.notifications, page.cursors, page.hasNextPage, args.after),
        totalCount: page.totalCount,
        unreadCount: page.unreadCount,
      };
    },
  },
  Mutation: {
    markNotificationRead: (_parent, { id }, ctx) => ctx.services().notifications.markRead(id),
  },
};

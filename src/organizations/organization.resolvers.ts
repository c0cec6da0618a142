import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const organizationResolvers: Resolvers = {
  Query: {
    organizations: (_parent, _args, ctx) => ctx.services().organizations.list(),
    organization: (_parent, { id }, ctx) => ctx.services().organizations.byId(id),
    memberships: (_parent, { organizationId }, ctx) => ctx.services().organizations.members(organizationId),
  },
  Mutation: {
    createOrganization: (_parent, { input }, ctx) => ctx.services().organizations.create(input),
    addMembership: (_parent, { input }, ctx) => ctx.services().organizations.addMembership(input),
    removeMembership: (_parent, { id }, ctx) => ctx.services().organizations.removeMembership(id),
  },
  Organization: {
    viewerCanManageMembers: (organization, _args, ctx) => ctx.services().organizations.viewerCanManageMembers(organization),
  },
  Membership: {
    organization: ({ organization }) => organization.loadOrFail(),
    person: ({ person }) => person.loadOrFail(),
  },
};

import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import { can, mayRecordGuardianships } from '../policy/policy.js';

export const peopleResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => ctx.services().people.viewer(),
  },
  Mutation: {
    recordGuardianship: (_parent, { input }, ctx) => ctx.services().people.guardianships.record(input),
    revokeGuardianship: (_parent, { id, reason }, ctx) => ctx.services().people.guardianships.revoke(id, reason),
    grantAdministrator: (_parent, { personId }, ctx) => ctx.services().people.grantAdministrator(personId),
    setMyDisplayName: (_parent, { displayName }, ctx) => ctx.services().people.setMyDisplayName(displayName),
  },
  Viewer: {
    hprNumber: ({ person }) => person.hprNumber ?? null,
    isAdmin: ({ actor }) => actor.isAdmin,
    memberships: ({ actor }, _args, ctx) => ctx.services().organizations.membershipsOf(actor.personId),
    viewerCanCreateOrganization: ({ actor }) => can(actor, 'organization.create', null),
    viewerCanRecordGuardianship: ({ actor }) => mayRecordGuardianships(actor),
    guardianships: (_viewer, _args, ctx) => ctx.services().people.guardianships.mine(),
  },
  Guardianship: {
    guardian: ({ guardian }) => guardian.loadOrFail(),
    ward: ({ ward }) => ward.loadOrFail(),
    revokedBy: ({ revokedBy }) => revokedBy?.loadOrFail() ?? null,
    current: (guardianship, _args, ctx) => ctx.services().people.guardianships.isCurrent(guardianship),
  },
};

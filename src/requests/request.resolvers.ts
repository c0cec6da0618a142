import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const requestResolvers: Resolvers = {
  Query: {
    request: (_parent, { id }, ctx) => ctx.services().requests.get(id),
    myRequests: (_parent, args, ctx) => ctx.services().requests.mine(args),
  },
  Mutation: {
    submitRequest: (_parent, { input }, ctx) => ctx.services().requests.submit(input),
    decideRequest: (_parent, { input }, ctx) => ctx.services().requests.decide(input),
    recordInterimNotice: (_parent, { input }, ctx) => ctx.services().requests.recordInterimNotice(input),
    withdrawRequest: (_parent, { id }, ctx) => ctx.services().requests.withdraw(id),
  },
  DecideRequestResult: {
    __resolveType: (result) => {
      if (!result.__typename) throw new Error('A union result must carry its __typename');
      return result.__typename;
    },
  },
  ServiceRequest: {
    unit: (request) => request.unit.loadOrFail(),
    person: (request) => request.person.loadOrFail(),
    submittedBy: (request) => request.submittedBy.loadOrFail(),
    decidedBy: (request) => request.decidedBy?.loadOrFail() ?? null,
    interimNotice: async (request) => {
      const { interimNoticeSentAt: sentAt, interimNoticeReason: reason, interimNoticeExpectedDate: expectedDecisionDate, interimNoticeRecordedBy } = request;
      if (!sentAt || !reason || !expectedDecisionDate || !interimNoticeRecordedBy) return null;
      return { sentAt, reason, expectedDecisionDate, recordedBy: await interimNoticeRecordedBy.loadOrFail() };
    },
    // The plan shows only to those who take part in it (staff of the unit decide, not participate).
    plan: (request, _args, ctx) => (request.plan ? ctx.services().plans.find(request.plan.id) : null),
    planId: (request) => request.plan?.id ?? null,
    viewerCanDecide: (request, _args, ctx) => ctx.services().requests.viewerCanDecide(request),
  },
};

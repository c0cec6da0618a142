import type { Resolvers } from '../graphql/generated/resolvers-types.js';

export const consentResolvers: Resolvers = {
  Mutation: {
    giveConsent: (_parent, { input }, ctx) => ctx.services().consents.give(input),
    withdrawConsent: (_parent, { consentId }, ctx) => ctx.services().consents.withdraw(consentId),
  },
  WithdrawConsentResult: {
    __resolveType: (result) => ('message' in result ? 'ConsentNotCurrent' : 'ConsentWithdrawn'),
  },
  Plan: {
    consents: (plan, args, ctx) => ctx.services().consents.ofPlan(plan, args),
  },
  Participant: {
    consents: (participant, _args, ctx) => ctx.services().consents.ofParticipant(participant),
    pendingConsent: (participant, _args, ctx) => ctx.services().consents.pending(participant),
  },
  Consent: {
    person: (consent) => consent.person.loadOrFail(),
    participant: (consent) => consent.participant?.loadOrFail() ?? null,
    givenBy: (consent) => consent.givenBy.loadOrFail(),
    withdrawnBy: (consent) => consent.withdrawnBy?.loadOrFail() ?? null,
    current: (consent, _args, ctx) => ctx.services().consents.isCurrent(consent),
    viewerCanWithdraw: (consent, _args, ctx) => ctx.services().consents.viewerCanWithdraw(consent),
  },
};

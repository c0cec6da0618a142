import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from './test-app.js';

const CONSENT_FIELDS = 'id scope current validUntil withdrawnAt expiredAt person { id } givenBy { id } participant { id }';

/** The consent doors, through the public API, reading like the domain. */
export function consentFor(t: TestApp) {
  return {
    give: (token: string, input: Record<string, unknown>) =>
      t.gql(`mutation($input: GiveConsentInput!) { giveConsent(input: $input) { consent { ${CONSENT_FIELDS} } plan { id status } } }`, { input }, token),
    withdraw: (token: string, consentId: string) =>
      t.gql(
        `mutation($id: ID!) { withdrawConsent(consentId: $id) { __typename ... on ConsentWithdrawn { consent { ${CONSENT_FIELDS} } plan { id } } ... on ConsentNotCurrent { message } } }`,
        { id: consentId },
        token,
      ),
    /** The plan's participants with their consents, as the viewer sees them. */
    participants: (token: string, planId: string) =>
      t.gql(
        `query($id: ID!) { plan(id: $id) { status participants { id role pendingConsent person { id } consents { ${CONSENT_FIELDS} } } consents(first: 100) { edges { node { ${CONSENT_FIELDS} } } } } }`,
        { id: planId },
        token,
      ),
    sections: (token: string, planId: string) => t.gql('query($id: ID!) { plan(id: $id) { id sections { key } } }', { id: planId }, token),
    /** Case event kinds recorded for a plan, oldest first. */
    async caseEventKinds(planId: string): Promise<string[]> {
      const rows = await t.app.orm.em.fork().execute<Array<{ kind: string }>>('select "kind" from "case_event" where "plan_id" = ? and "kind" like \'CONSENT_%\' order by "at", "id"', [planId]);
      return rows.map((row) => row.kind);
    },
  };
}

/** A graphql-ws client and one subscription on it, recording what arrives. */
export function subscribeTo(t: TestApp, token: string, query: string, variables: Record<string, unknown>) {
  const client: Client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token }, lazy: false, retryAttempts: 0, onNonLazyError: () => undefined });
  const events: any[] = [];
  const errors: any[] = [];
  let completed = false;
  client.subscribe({ query, variables }, { next: (value) => events.push(value), error: (error) => errors.push(error), complete: () => (completed = true) });
  return { client, events, errors, isDone: () => completed || errors.length > 0 };
}

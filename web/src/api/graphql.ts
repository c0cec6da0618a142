import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import { currentSession } from './session';

/** GraphQL over HTTP at the server's public door, with the signed-in person's token. */
const http = new GraphQLClient(new URL('/graphql', window.location.href).toString(), {
  headers: () => {
    const session = currentSession();
    return session ? { authorization: `Bearer ${session.token}` } : ({} as Record<string, string>);
  },
});

/** A GraphQL error as the page shows it: the server's code (UNAUTHENTICATED, NOT_FOUND, …) and message. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** One typed operation; the server's first error becomes a `RequestFailed`. */
export async function request<TData, TVariables extends object>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<TData> {
  try {
    return await http.request<TData>({ document, variables: variables as Record<string, unknown> });
  } catch (error) {
    if (error instanceof ClientError) {
      const first = error.response.errors?.[0];
      throw new RequestFailed(first?.message ?? error.message, (first?.extensions as { code?: string } | undefined)?.code);
    }
    throw error;
  }
}

let subscriptions: Client | null = null;

/** graphql-ws at the same door; a new token is read for each connection (docs/identity.md). */
export function subscriptionClient(): Client {
  subscriptions ??= createClient({
    url: new URL('/graphql', window.location.href).toString().replace(/^http/, 'ws'),
    connectionParams: () => ({ token: currentSession()?.token }),
    lazy: true,
  });
  return subscriptions;
}

/** Closes the subscription connection (on sign-out, so the next person's token is used). */
export function closeSubscriptions(): void {
  void subscriptions?.dispose();
  subscriptions = null;
}

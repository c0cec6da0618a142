import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { graphql } from './gql/index.js';

/**
 * A typed Samplan client in a few lines: plain `fetch` and the typed documents GraphQL Code
 * Generator's client preset writes from `graphql(...)` calls (examples/typed-client/README.md).
 */
export function samplanClient(url: string, token: string) {
  return async function request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
    const response = await fetch(new URL('/graphql', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as { data?: Result | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (body.errors?.length) throw new Error(body.errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    return body.data as Result;
  };
}

export const MeQuery = graphql(`
  query Me {
    me {
      person {
        id
        displayName
        kind
      }
    }
  }
`);

export const MyPlansQuery = graphql(`
  query MyPlans($first: Int!, $after: String) {
    plans(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          title
          status
          viewerRole
        }
      }
    }
  }
`);

export const PlanQuery = graphql(`
  query Plan($id: ID!) {
    plan(id: $id) {
      id
      title
      participants {
        role
        person {
          displayName
        }
      }
      section(key: goals) {
        content
      }
    }
  }
`);

/** Who I am and my plans with their participants: every value typed, from the server's schema. */
export async function describeMyPlans(url: string, token: string): Promise<string[]> {
  const request = samplanClient(url, token);
  const { me } = await request(MeQuery, {});
  const lines = [`${me.person.displayName} (${me.person.kind})`];
  const { plans } = await request(MyPlansQuery, { first: 10 });
  for (const { node } of plans.edges) {
    const { plan } = await request(PlanQuery, { id: node.id });
    // `plan` is nullable: NOT_FOUND comes as an error, which `request` throws (docs/graphql.md).
    if (!plan) continue;
    const people = plan.participants.map((participant) => `${participant.person.displayName} (${participant.role})`);
    lines.push(`${plan.title}: ${people.join(', ')}`);
  }
  return lines;
}

/** The `extensions.code` of a GraphQL response's first error (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, …); undefined when it has none. */
export const errorCode = (response: { errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> }): string | undefined => {
  const code = response.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The data of an answer that must have succeeded, for arranging a test (a failed step throws, naming `what`). */
export function expectData<T>(response: { data?: T | null; errors?: unknown }, what: string): T {
  if (!response.data || response.errors) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** The nodes of a connection's page, in order. */
export const nodesOf = <T = any>(connection: { edges: ReadonlyArray<{ node: T }> }): T[] => connection.edges.map((edge) => edge.node);

/** The `extensions.code` of a GraphQL response's first error (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, …); undefined when it has none. */
export const errorCode = (response: { errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> }): string | undefined => {
  const code = response.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
};

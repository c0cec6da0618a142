import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A client's own codegen, as a client repository would keep it: the server's SDL (here read from
 * the folder, in a client repository from a copy or the running server) and this example's
 * operations in, typed documents out. Run from the repository's root: `npm run example:codegen`.
 */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  // ES module imports with `.js`, as NodeNext wants.
  emitLegacyCommonJSImports: false,
  documents: ['examples/typed-client/src/**/*.ts', '!examples/typed-client/src/gql/**'],
  generates: {
    'examples/typed-client/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;

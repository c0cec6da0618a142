import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Samplan web's typed documents: the server's SDL and the app's operations in, typed documents out
 * (GraphQL Code Generator's client preset). Run from the repository's root: `npm run web:codegen`.
 */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  documents: ['web/src/**/*.ts', 'web/src/**/*.tsx', '!web/src/gql/**'],
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;

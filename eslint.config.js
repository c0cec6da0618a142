// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import samplan from './eslint/table-ownership.js';
import { TABLE_OWNERS } from './eslint/table-owners.js';

const DOMAIN_MODULES = [...new Set(Object.values(TABLE_OWNERS))];

/**
 * A module's entities are its own: another module's file may import their types (the shape the owner
 * hands out) but not the values that query or write the tables. Entity files may name each other's
 * schemas as relation targets (a foreign key is declared, not queried), and src/db/entities.ts
 * registers them all with the ORM.
 */
const entityImportsOnlyByOwner = DOMAIN_MODULES.map((module) => ({
  files: [`src/${module}/**/*.ts`],
  ignores: ['src/*/*.entity.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        regex: `^(\\.\\./)+(?!${module}/)[a-z-]+/[^/]+\\.entity(\\.js)?$`,
        allowTypeImports: true,
        message: "Another module's entity: call its owner's service (or read model) instead; a type import is fine.",
      }],
    }],
  },
}));

/**
 * The plan-document core (docs/architecture.md): load, inspect, apply, commit, broadcast. It is
 * handed what it needs (who may do what, the rows kept of each commit) and imports no domain
 * module's values, so it can be read, tested and changed without them. Types are fine.
 */
const DOCUMENT_CORE = [
  'access-cache', 'content-edits', 'document-authorizer', 'document-hub', 'document-id', 'document-load', 'document-log', 'document-metrics',
  'document-peer', 'document.store', 'document.template', 'integrate-update', 'live-document', 'live-document.contracts',
  'log-writer', 'peer-gate', 'presence', 'restricted-move', 'touch', 'trial-inspection', 'update-inspector', 'update-shape',
].map((name) => `src/documents/${name}.ts`);
const documentCoreImportsNoDomain = {
  files: DOCUMENT_CORE,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        regex: `^(\\.\\./)+(${DOMAIN_MODULES.filter((module) => module !== 'documents').join('|')}|policy|collab|graphql|app|auth|cluster)/`,
        allowTypeImports: true,
        message: 'The document core is handed what it needs (src/documents/document-authorizer.ts, DocumentHubDeps): it imports no domain module.',
      }, {
        regex: '\\.entity(\\.js)?$',
        allowTypeImports: true,
        message: 'The document core stores through SQL of its own tables, not through entities.',
      }, {
        regex: '^prom-client$',
        message: 'The document core reports through the DocumentObserver it is handed (src/documents/document-metrics.ts), not to a metrics library.',
      }],
    }],
  },
};

/** Folders outside the domain modules (the edges, start-up, tools): they never touch a module's entities either. */
const entityImportsAtTheEdges = {
  files: ['src/*/**/*.ts'],
  ignores: [...DOMAIN_MODULES.map((module) => `src/${module}/**`), 'src/db/entities.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        regex: '^(\\.\\./)+[a-z-]+/[^/]+\\.entity(\\.js)?$',
        allowTypeImports: true,
        message: "A module's entity: call its owner's service instead; a type import is fine.",
      }],
    }],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'dist/', 'src/graphql/generated/', 'examples/typed-client/src/gql/', 'web/src/gql/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config/config.ts only.' },
      ],
    },
  },
  {
    // Each table has one owner (eslint/table-owners.js): only its module names it in SQL.
    files: ['src/**/*.ts'],
    plugins: { samplan },
    rules: { 'samplan/table-ownership': 'error' },
  },
  ...entityImportsOnlyByOwner,
  entityImportsAtTheEdges,
  documentCoreImportsNoDomain,
  {
    // Samplan web (web/): React's rules of hooks; the browser has no process environment to read.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // The config module is the one place that reads the environment; test and bench harnesses and the build pass it along.
    files: ['src/config/config.ts', 'test/**', 'vitest.config.ts', 'bench/**', 'web/vite.config.ts', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests read loosely typed GraphQL responses.
    files: ['test/**', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

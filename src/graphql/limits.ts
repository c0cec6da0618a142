import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GraphQLLimitsConfig } from '../config/config.js';
import type { ErrorCode } from '../errors/error-codes.js';

/**
 * What an operation may ask for, the same at both GraphQL doors (Apollo over HTTP, graphql-ws).
 * Tokens bound the parse, depth and aliases the document, cost what execution would fetch: every
 * refusal comes before any resolver runs. Each check is a library's (graphql-js's `maxTokens`,
 * graphql-armor's rules, graphql-query-complexity), configured here once.
 */
export interface GraphQLLimits {
  parseOptions: ParseOptions;
  /** Validation rules that depend on the document only (Apollo caches their verdict per document). */
  rules: ValidationRule[];
  /** The cost check, which depends on the variables too (`first: $n`); a refusal, or null. */
  costError(args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variables?: Record<string, unknown> | null }): GraphQLError | null;
  /**
   * Parse, validate (the standard rules and ours) and weigh one operation, for a door that does
   * its own (graphql-ws): a refusal carries the same code and message as over HTTP.
   */
  prepare(args: { schema: GraphQLSchema; query: string; operationName?: string | null; variables?: Record<string, unknown> | null }):
    | { document: DocumentNode }
    | { errors: GraphQLError[] };
  /**
   * The limit refusal an error stands for, or null: one of ours (however a door wrapped it), or
   * graphql-js's parse stopping at `maxTokens`.
   */
  refusalOf(error: unknown): GraphQLError | null;
}

/** Names of the limits as clients see them in `extensions.limit`, and operators in the configuration. */
export type LimitName = 'GRAPHQL_MAX_TOKENS' | 'GRAPHQL_MAX_DEPTH' | 'GRAPHQL_MAX_ALIASES' | 'GRAPHQL_MAX_COST';

/** A refused operation: `BAD_USER_INPUT` (HTTP 400), naming the limit and its value. */
export function limitError(limit: LimitName, max: number, detail: string): GraphQLError {
  return new GraphQLError(`Operation refused: ${detail} (limit ${limit} = ${max})`, {
    extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, limit, max },
  });
}

/** The refusal of ours inside an error a door may have wrapped (Apollo wraps validation errors). */
function ownRefusal(error: unknown): GraphQLError | null {
  let current: unknown = error;
  for (let hops = 0; current instanceof GraphQLError && hops < 5; hops++) {
    if (typeof current.extensions['limit'] === 'string') return current;
    current = current.originalError;
  }
  return null;
}

/** graphql-js's own wording when `maxTokens` stops a parse (graphql 16 spells it "more that"). */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

/**
 * Cost: each field costs its own weight, and a list multiplies what is under it by its size: the
 * `first`/`last` argument where the field has one (a connection), else an assumed size (a
 * connection asked without `first` included). A
 * connection's `edges` list is not multiplied again: its connection's `first` already was.
 */
export function listCostEstimator(weights: { assumedListSize: number; leafCost: number; objectCost: number }): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const own = isLeafType(getNamedType(field.type)) ? weights.leafCost : weights.objectCost;
    const requested = [args['first'], args['last']].find((value): value is number => typeof value === 'number');
    // A negative or zero size must not subtract from, or zero out, the rest of the operation.
    if (requested !== undefined) return own + Math.max(1, requested) * childComplexity;
    // A connection asked without `first` still returns a page (the resolver's default, up to 50).
    if (getNamedType(field.type).name.endsWith('Connection')) return own + weights.assumedListSize * childComplexity;
    const list = isListType(getNullableType(field.type)) && !type.name.endsWith('Connection');
    return list ? weights.assumedListSize * (own + childComplexity) : own + childComplexity;
  };
}

/** A scalar is read from what its parent already fetched; an object is usually one more load. */
const FIELD_WEIGHTS = { leafCost: 1, objectCost: 2 };

export function createGraphQLLimits(config: GraphQLLimitsConfig, options: { production: boolean }): GraphQLLimits {
  const reportAs = (limit: LimitName, max: number) => (context: ValidationContext | null, rejection: GraphQLError) => {
    context?.reportError(limitError(limit, max, rejection.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')));
  };
  // The codes Apollo gives the same failures; production leaves out what would name the schema.
  const forClient = (error: GraphQLError, code: string) =>
    typeof error.extensions['limit'] === 'string'
      ? error
      : new GraphQLError(options.production ? hideSuggestions(error.message) : error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          extensions: { ...error.extensions, code },
        });
  const estimators = [listCostEstimator({ assumedListSize: config.assumedListSize, ...FIELD_WEIGHTS })];
  const limits: GraphQLLimits = {
    parseOptions: { maxTokens: config.maxTokens },
    rules: [
      maxDepthRule({ n: config.maxDepth, propagateOnRejection: false, onReject: [reportAs('GRAPHQL_MAX_DEPTH', config.maxDepth)] }),
      maxAliasesRule({ n: config.maxAliases, propagateOnRejection: false, onReject: [reportAs('GRAPHQL_MAX_ALIASES', config.maxAliases)] }),
      // Apollo refuses introspection by itself when told to; graphql-ws has no such switch, so both take this one.
      ...(options.production ? [NoSchemaIntrospectionCustomRule] : []),
    ],
    costError({ schema, document, operationName, variables }) {
      let cost: number;
      try {
        cost = getComplexity({ schema, query: document, estimators, operationName: operationName ?? undefined, variables: variables ?? {} });
      } catch (error) {
        // Too many nodes to even weigh (fragment bombs) is a refusal; bad variables are execution's to report.
        if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
          return limitError('GRAPHQL_MAX_COST', config.maxCost, 'the operation has too many fields to weigh');
        }
        return null;
      }
      return cost > config.maxCost ? limitError('GRAPHQL_MAX_COST', config.maxCost, `the operation would cost ${cost}`) : null;
    },
    prepare({ schema, query, operationName, variables }) {
      let document: DocumentNode;
      try {
        document = parse(query, limits.parseOptions);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return { errors: [limits.refusalOf(error) ?? forClient(error, 'GRAPHQL_PARSE_FAILED')] };
      }
      const invalid = validate(schema, document, [...specifiedRules, ...limits.rules]);
      if (invalid.length) return { errors: invalid.map((error) => forClient(error, 'GRAPHQL_VALIDATION_FAILED')) };
      const refused = limits.costError({ schema, document, operationName, variables });
      return refused ? { errors: [refused] } : { document };
    },
    refusalOf(error) {
      const own = ownRefusal(error);
      if (own) return own;
      const parseError = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      return parseError instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(parseError.message)
        ? limitError('GRAPHQL_MAX_TOKENS', config.maxTokens, `the document has more than ${config.maxTokens} tokens`)
        : null;
    },
  };
  return limits;
}

/**
 * Production answers no "Did you mean …?" (it would name fields an unauthenticated caller cannot
 * see otherwise); the same pattern Apollo's `hideSchemaDetailsFromClientErrors` strips.
 */
export function hideSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}

import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { ERROR_TABLE, errorCodeOf } from '../errors/error-codes.js';
import { reportOutage, serviceUnavailable } from '../errors/outage.js';
import type { Logger } from '../logging/logger.js';
import { requestLogFields } from '../logging/request-scope.js';
import type { GraphQLContext } from './context.js';
import { graphqlOverHttpStatus } from './http-status.js';
import { hideSuggestions, type GraphQLLimits } from './limits.js';

/** Codes Apollo itself sets for malformed requests; they are the client's to see. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Known codes pass through; anything else is an unexpected failure, logged and masked in production.
 * A limit refusal keeps its own code (Apollo files it under GRAPHQL_VALIDATION_FAILED or _PARSE_FAILED),
 * so both GraphQL doors answer it alike; production strips schema suggestions from every message.
 */
export function formatError(logger: Logger, production: boolean, limits: GraphQLLimits) {
  const client = (formatted: GraphQLFormattedError): GraphQLFormattedError =>
    production ? { ...formatted, message: hideSuggestions(formatted.message) } : formatted;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const refusal = limits.refusalOf(error);
    if (refusal) return client({ message: refusal.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT', limit: refusal.extensions['limit'], max: refusal.extensions['max'] } });
    const code = String(formatted.extensions?.['code'] ?? '');
    if ((code in ERROR_TABLE && code !== 'INTERNAL_SERVER_ERROR') || REQUEST_ERROR_CODES.has(code)) return client(formatted);
    if (errorCodeOf(error) === 'SERVICE_UNAVAILABLE') {
      // The database went away during the operation: an outage, not a bug (status 503: graphql/http-status.ts).
      reportOutage(logger, 'database', error, { path: formatted.path });
      const { message, extensions } = serviceUnavailable('database');
      return { message, path: formatted.path, extensions: { code: extensions['code'], dependency: extensions['dependency'] } };
    }
    logger.error({ event: 'graphql.unexpected_error', ...requestLogFields(), err: error, path: formatted.path });
    if (!production) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** Cost verdicts kept per parsed document, for variables written in at most this many characters. */
const MAX_CACHED_VARIABLES_LENGTH = 1_000;
/** Verdicts kept per document at most (one per distinct operation name and variables); the oldest goes first. */
const MAX_VERDICTS_PER_DOCUMENT = 256;

/**
 * The cost check, remembered per document, operation name and variables. Weighing walks the whole
 * document with a validation context, which the profile of the plan query showed costing more CPU
 * than the rest of Apollo's work on it; the verdict depends on nothing else (the schema is fixed for
 * the server's life), and Apollo's document store hands back the same parsed document for the same
 * query text, so a repeated operation is weighed once. Large variables are weighed every time rather
 * than kept as keys.
 */
function cachedCostError(limits: GraphQLLimits): GraphQLLimits['costError'] {
  const verdicts = new WeakMap<object, Map<string, GraphQLError | null>>();
  return (args) => {
    const variables = JSON.stringify(args.variables ?? null);
    if (variables.length > MAX_CACHED_VARIABLES_LENGTH) return limits.costError(args);
    const key = `${args.operationName ?? ''}\u0000${variables}`;
    let ofDocument = verdicts.get(args.document);
    if (!ofDocument) verdicts.set(args.document, (ofDocument = new Map()));
    if (ofDocument.has(key)) return ofDocument.get(key)!;
    const verdict = limits.costError(args);
    ofDocument.set(key, verdict);
    if (ofDocument.size > MAX_VERDICTS_PER_DOCUMENT) ofDocument.delete(ofDocument.keys().next().value!);
    return verdict;
  };
}

/** The checks that need the variables (cost) run once the operation is known, before any resolver. */
function enforceLimits(limits: GraphQLLimits): ApolloServerPlugin {
  const costError = cachedCostError(limits);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const refused = costError({ schema, document, operationName, variables: request.variables });
          if (refused) throw new GraphQLError(refused.message, { extensions: { ...refused.extensions, http: { status: ERROR_TABLE.BAD_USER_INPUT.httpStatus } } });
        },
      };
    },
  };
}

export function createApollo(options: {
  schema: GraphQLSchema;
  httpServer: http.Server;
  logger: Logger;
  production: boolean;
  /** Closes the graphql-ws server when Apollo drains. */
  drainSubscriptions: () => Promise<void>;
  /** How long in-flight requests may take to finish on shutdown. */
  stopGracePeriodMillis: number;
  /** The same limits graphql-ws applies (src/graphql/limits.ts). */
  limits: GraphQLLimits;
  /** Timing and naming operations for metrics and logs (src/metrics/graphql-operations.plugin.ts). @default none */
  observe?: ApolloServerPlugin;
}): ApolloServer<GraphQLContext> {
  /**
   * Answers hold health data: nothing may keep them. Apollo's cache-control plugin said so
   * (`no-store`, there being no cache hints), but to learn that it wrapped every field's resolver
   * of every request, which profiles of the plan query showed; Samplan gives no hints, so this says
   * it alone and the plugin is off.
   */
  const neverStored: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
  const drainSubscriptions: ApolloServerPlugin = {
    async serverWillStart() {
      return { drainServer: options.drainSubscriptions };
    },
  };
  return new ApolloServer<GraphQLContext>({
    schema: options.schema,
    formatError: formatError(options.logger, options.production, options.limits),
    // main.ts owns the signals and stops everything in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    // Stack traces go to the log, never to clients.
    includeStacktraceInErrorResponses: false,
    parseOptions: options.limits.parseOptions,
    validationRules: options.limits.rules,
    // Refused in production by the shared rules (limits.ts), so graphql-ws refuses it the same way.
    introspection: true,
    // One operation per request: a batch would multiply every limit above by its length.
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: options.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.stopGracePeriodMillis }),
      drainSubscriptions,
      // 200 whenever data came back, whatever errors beside it; 503 for an outage (http-status.ts).
      graphqlOverHttpStatus,
      enforceLimits(options.limits),
      // Apollo Sandbox needs the internet; the IDE is GraphiQL, served by Samplan itself (http/graphiql.ts).
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      neverStored,
      ...(options.observe ? [options.observe] : []),
    ],
  });
}

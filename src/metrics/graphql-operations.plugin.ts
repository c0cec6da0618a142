import type { ApolloServerPlugin } from '@apollo/server';
import { currentRequestScope } from '../logging/request-scope.js';
import type { AppMetrics, OperationLabels } from './metrics.js';

/** Distinct operation names kept as label values; later new names are filed as `other`. */
const MAX_OPERATION_NAMES = 100;
/** GraphQL names are letters, digits and underscores; longer ones than this are a client's mistake or an attack. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Times every GraphQL operation over HTTP by operation name, and names it in the request's log
 * line. Label values stay bounded: `anonymous` for an operation without a name, `unknown` when the
 * request never resolved to an operation (it did not parse or validate), `other` for names past
 * the first hundred or not shaped like a GraphQL name. Variables and the query text are never read.
 */
export function graphqlOperationsPlugin(metrics: AppMetrics): ApolloServerPlugin {
  const known = new Set<string>();
  const labelOf = (name: string): string => {
    if (known.has(name)) return name;
    if (known.size >= MAX_OPERATION_NAMES) return 'other';
    known.add(name);
    return name;
  };
  return {
    async requestDidStart() {
      const started = performance.now();
      let operationName = 'unknown';
      let operationType: OperationLabels['operationType'] = 'unknown';
      return {
        async didResolveOperation({ operationName: name, operation }) {
          operationType = operation?.operation ?? 'unknown';
          if (name === null) operationName = 'anonymous';
          else if (OPERATION_NAME.test(name)) {
            operationName = labelOf(name);
            const scope = currentRequestScope();
            if (scope) scope.operationName = name;
          } else operationName = 'other';
        },
        async willSendResponse({ response }) {
          const failed = response.body.kind === 'single' ? Boolean(response.body.singleResult.errors?.length) : false;
          metrics.graphqlOperation({ operationName, operationType, outcome: failed ? 'error' : 'success' }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

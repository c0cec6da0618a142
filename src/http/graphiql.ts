import express, { type Request, type Response, type Router } from 'express';

/** Where the IDE's own files are served; the page itself is GET /graphql from a browser. */
const ASSETS = '/graphiql';

interface Asset {
  body: Buffer;
  type: string;
}

/**
 * GraphiQL at GET /graphql for a browser (a request that prefers `text/html`), served offline: every
 * script, style sheet, editor worker and icon comes from this server, out of the prebuilt bundle
 * GraphQL Yoga publishes (`@graphql-yoga/render-graphiql`, GraphiQL 5 with its Monaco editor), which
 * is read into memory on the first visit only. Queries and mutations go over HTTP with the headers
 * from the IDE's Headers tab; subscriptions go over graphql-ws on the same URL, with the
 * Authorization header from that tab as `connectionParams` (START below). Every other request to
 * /graphql (one that takes JSON, or any type) passes to Apollo.
 */
export function graphiqlRoutes(): Router {
  const router = express.Router();
  let loading: Promise<Map<string, Asset>> | undefined;
  const assets = () => (loading ??= loadAssets());

  router.get('/graphql', async (req: Request, res: Response, next) => {
    if (req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) !== 'text/html') return next();
    await assets();
    res
      .type('html')
      .set('Cache-Control', 'no-cache')
      .send(
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Samplan GraphiQL</title>
    <link rel="icon" href="${ASSETS}/favicon.ico" />
    <link rel="stylesheet" href="${ASSETS}/graphiql.css" />
  </head>
  <body class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script src="${ASSETS}/samplan-graphiql.js"></script>
    <script src="${ASSETS}/graphiql.js"></script>
  </body>
</html>
`,
      );
  });

  router.get(`${ASSETS}/:name`, async (req: Request<{ name: string }>, res: Response, next) => {
    const asset = (await assets()).get(req.params.name);
    if (!asset) return next();
    // Kept by the browser and checked by its ETag: a new bundle after an upgrade is fetched again.
    res.type(asset.type).set('Cache-Control', 'no-cache').send(asset.body);
  });
  return router;
}

const DEFAULT_QUERY = `# Samplan's GraphQL API. Put a token in the Headers tab below:
#   { "Authorization": "Bearer <token>" }
# (in development: curl -X POST /auth/dev-token, see the README's "Try it").
# Subscriptions use graphql-ws on this same URL, with the same header.

{
  me {
    person { id displayName kind }
  }
}
`;

/**
 * Runs before the bundle: Monaco reads `MonacoEnvironment` as it loads, and its workers are fetched
 * from here instead of being made from strings. Then GraphiQL is rendered once the page is parsed.
 * The subscription client connects when the first subscription starts and closes when the last one
 * ends, so it sends the headers the active tab has then (GraphiQL stores them, with its tabs, in
 * localStorage: `graphiql:tabState`).
 */
const START = `(function () {
  'use strict';
  var base = ${JSON.stringify(ASSETS)} + '/';
  var workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return base + (workers[label] || workers.editorWorkerService); },
  };
  function activeTabHeaders() {
    try {
      var state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
      var tab = state && state.tabs && state.tabs[state.activeTabIndex || 0];
      return JSON.parse((tab && tab.headers) || '{}') || {};
    } catch (error) {
      return {};
    }
  }
  function connectionParams() {
    var headers = activeTabHeaders();
    for (var name in headers) if (name.toLowerCase() === 'authorization') return { authorization: String(headers[name]) };
    return {};
  }
  addEventListener('DOMContentLoaded', function () {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), {
      title: 'Samplan',
      subscriptionsProtocol: 'WS',
      connectionParams: connectionParams,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
    });
  });
})();
`;

async function loadAssets(): Promise<Map<string, Asset>> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const js = 'text/javascript; charset=utf-8';
  const text = (value: string, type: string): Asset => ({ body: Buffer.from(value, 'utf8'), type });
  const favicon = /^data:([^;,]+);base64,(.*)$/s.exec(bundle.favicon);
  return new Map([
    ['samplan-graphiql.js', text(START, js)],
    ['graphiql.js', text(bundle.js, js)],
    ['graphiql.css', text(bundle.css, 'text/css; charset=utf-8')],
    ['editor.worker.js', text(bundle.editorWorkerService, js)],
    ['json.worker.js', text(bundle.jsonWorker, js)],
    ['graphql.worker.js', text(bundle.graphqlWorker, js)],
    ['favicon.ico', { body: Buffer.from(favicon?.[2] ?? '', 'base64'), type: favicon?.[1] ?? 'image/x-icon' }],
  ]);
}

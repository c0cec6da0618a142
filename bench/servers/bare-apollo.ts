/**
 * The GraphQL baseline: a bare Apollo Server answering a plan of the same shape as Samplan's plan
 * query, with no auth, policy or ORM.
 *
 * - Without FLOOR_DATABASE_URL it answers a constant: what Apollo itself costs on this machine.
 * - With FLOOR_DATABASE_URL it is the floor of a logged read: each answer first reads the plan by its
 *   primary key and then commits one access-log row (autocommit, synchronous_commit as the server
 *   has it) before it is sent, both prepared, through a pool of 10 connections as Samplan's. That is
 *   the least any server that logs every read durably, as Samplan must, adds to Apollo.
 * - With BARE_FRAME=express it answers the constant through the HTTP frame Samplan mounts Apollo in:
 *   Express 5, `express.json` and Samplan's own request logging (src/logging/http-logger.ts, at
 *   LOG_LEVEL warn as the bench runs Samplan), with no token check, rate limit, request scope or
 *   metrics. What that frame costs by itself (workload 4b).
 */
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import pg from 'pg';
import { httpLogger } from '../../src/logging/http-logger.js';
import { createLogger } from '../../src/logging/logger.js';

const typeDefs = `#graphql
  scalar JSON
  type Person { displayName: String! }
  type Participant { role: String! person: Person! }
  type PlanSection { key: String! content: JSON! }
  type Plan { id: ID! sections: [PlanSection!]! participants: [Participant!]! }
  type Query { plan(id: ID!): Plan }
`;

type PlanAnswer = { sections: { key: string; content: unknown }[]; participants: { role: string; person: { displayName: string } }[] };

const plan: PlanAnswer = {
  sections: ['goals', 'situation', 'contributions', 'measures', 'period', 'cooperation', 'log', 'evaluations'].map((key) => ({
    key,
    content: key === 'contributions' ? [{ id: 'c1', personId: 'p1', text: 'I drive to training on Tuesdays' }] : [],
  })),
  participants: [
    { role: 'OWNER', person: { displayName: 'Ingrid Lund' } },
    { role: 'RELATIVE', person: { displayName: 'Erik Lund' } },
  ],
};

/** The floor's two tables, and the one plan every request reads (its id is the query's). */
async function loggedReads(databaseUrl: string): Promise<(id: string) => Promise<PlanAnswer | null>> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(`
    create table if not exists floor_plan (id text primary key, answer jsonb not null);
    create table if not exists floor_access_log (id bigserial primary key, plan_id text not null, at timestamptz not null default now(), action text not null);
  `);
  const planId = process.env['FLOOR_PLAN_ID']!;
  await pool.query('insert into floor_plan (id, answer) values ($1, $2) on conflict (id) do update set answer = excluded.answer', [planId, JSON.stringify(plan)]);
  return async (id) => {
    const read = await pool.query<{ answer: PlanAnswer }>({ name: 'read-plan', text: 'select answer from floor_plan where id = $1', values: [id] });
    const row = read.rows[0];
    if (!row) return null;
    await pool.query({ name: 'log-read', text: 'insert into floor_access_log (plan_id, action) values ($1, $2)', values: [id, 'READ'] });
    return row.answer;
  };
}

const databaseUrl = process.env['FLOOR_DATABASE_URL'];
const read = databaseUrl ? await loggedReads(databaseUrl) : null;
const server = new ApolloServer({
  typeDefs,
  resolvers: {
    Query: {
      plan: async (_: unknown, args: { id: string }) => {
        const answer = read ? await read(args.id) : plan;
        return answer && { id: args.id, ...answer };
      },
    },
  },
});
const port = Number(process.env['PORT']);
if (process.env['BARE_FRAME'] === 'express') {
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  app.use(httpLogger(createLogger({ logLevel: 'warn' })));
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(server));
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
} else {
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
}
process.stderr.write(`bare apollo ready on ${port}\n`);
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));

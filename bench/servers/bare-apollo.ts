/**
 * The GraphQL baseline: a bare Apollo Server answering a constant of the same shape as Samplan's
 * plan query, with no auth, database or access log. What Apollo itself costs on this machine.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const typeDefs = `#graphql
  scalar JSON
  type Person { displayName: String! }
  type Participant { role: String! person: Person! }
  type PlanSection { key: String! content: JSON! }
  type Plan { id: ID! sections: [PlanSection!]! participants: [Participant!]! }
  type Query { plan(id: ID!): Plan }
`;

const plan = {
  sections: ['goals', 'situation', 'contributions', 'measures', 'period', 'cooperation', 'log', 'evaluations'].map((key) => ({
    key,
    content: key === 'contributions' ? [{ id: 'c1', personId: 'p1', text: 'I drive to training on Tuesdays' }] : [],
  })),
  participants: [
    { role: 'OWNER', person: { displayName: 'Ingrid Lund' } },
    { role: 'RELATIVE', person: { displayName: 'Erik Lund' } },
  ],
};

const server = new ApolloServer({ typeDefs, resolvers: { Query: { plan: (_: unknown, args: { id: string }) => ({ id: args.id, ...plan }) } } });
const port = Number(process.env['PORT']);
await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
process.stderr.write(`bare apollo ready on ${port}\n`);
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));

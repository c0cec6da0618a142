import { notFound } from '../errors/error-codes.js';
import { readVersion } from '../documents/document.resolvers.js';
import { parseId } from '../shared/ids.js';
import type { GraphQLContext } from './context.js';
import type { Resolvers } from './generated/resolvers-types.js';

type NodeType = 'Plan' | 'PlanVersion' | 'ArchiveRecord' | 'ServiceRequest' | 'Complaint' | 'Organization' | 'Notification';

/**
 * Each node type with the finder its own query field uses, so `node(id:)` asks the same policy
 * (null for whatever the viewer may not read). Ids stay the objects' raw UUIDs rather than
 * base64 "Type:uuid" global ids: they are random v4/v7 UUIDs and so unique across tables, every
 * client already holds them, and the type is known from the table that answered. Plans come
 * first: they are asked for most.
 */
const FINDERS: ReadonlyArray<readonly [NodeType, (ctx: GraphQLContext, id: string) => Promise<object | null>]> = [
  ['Plan', (ctx, id) => ctx.services().plans.find(id)],
  ['PlanVersion', readVersion],
  ['ArchiveRecord', (ctx, id) => ctx.services().archive.find(id)],
  ['ServiceRequest', (ctx, id) => ctx.services().requests.find(id)],
  ['Complaint', (ctx, id) => ctx.services().complaints.find(id)],
  ['Organization', (ctx, id) => ctx.services().organizations.find(id)],
  ['Notification', (ctx, id) => ctx.services().notifications.find(id)],
];

/** The type each object `node` answered was found as, for `__resolveType`. */
const typeOfNode = new WeakMap<object, NodeType>();

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_parent, { id }, ctx) => {
      const valid = parseId(id, 'Node');
      // One at a time, first hit wins: a UUID names at most one object.
      for (const [type, find] of FINDERS) {
        const found = await find(ctx, valid);
        if (found) {
          typeOfNode.set(found, type);
          return found as never;
        }
      }
      throw notFound('Node');
    },
  },
  Node: {
    __resolveType: (node) => {
      const type = typeOfNode.get(node);
      if (!type) throw new Error('A Node must be resolved by Query.node');
      return type;
    },
  },
};

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { organizationResolvers } from '../organizations/organization.resolvers.js';
import { peopleResolvers } from '../people/people.resolvers.js';
import { planResolvers } from '../plans/plan.resolvers.js';
import { documentResolvers } from '../documents/document.resolvers.js';
import { consentResolvers } from '../consent/consent.resolvers.js';
import { notificationResolvers } from '../notifications/notification.resolvers.js';
import { caseworkResolvers } from '../casework/casework.resolvers.js';
import { requestResolvers } from '../requests/request.resolvers.js';
import { complaintResolvers } from '../complaints/complaint.resolvers.js';
import { accessLogResolvers } from '../access-log/access-log.resolvers.js';
import { evaluationResolvers } from '../evaluations/evaluation.resolvers.js';
import { archiveResolvers } from '../archive/archive.resolvers.js';
import { nodeResolvers } from './node.resolvers.js';
import { PACKAGE_ROOT } from '../package-root.js';

const SCHEMA_DIR = path.join(PACKAGE_ROOT, 'schema');

/** The SDL of every domain, from `schema/*.graphql`. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(SCHEMA_DIR, file), 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [{ DateTime: DateTimeResolver }, peopleResolvers, organizationResolvers, planResolvers, documentResolvers, caseworkResolvers, notificationResolvers, requestResolvers, complaintResolvers, accessLogResolvers, consentResolvers, evaluationResolvers, archiveResolvers, nodeResolvers],
  });
}

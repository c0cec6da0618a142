import { accessLogOfCommits } from '../access-log/access-log.js';
import type { DocumentStoreOptions } from '../documents/document.store.js';
import { PLANS_SQL } from '../plans/plan.read-model.js';

/**
 * What the document core's storage is handed by the app: it imports no domain module
 * (docs/architecture.md). Every commit carries its access-log rows in the same statement, and a
 * plan's document exists only while the plans module lists the plan.
 */
export const documentStorage: DocumentStoreOptions = {
  recordsOfCommits: accessLogOfCommits,
  plansSql: PLANS_SQL,
};

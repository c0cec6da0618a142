import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL with the right to create databases; each test file makes its own. */
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run: the one in DATABASE_URL when set, else an embedded one
 * in a fresh directory on a free port, so concurrent runs never collide.
 */
export default async function setup(project: TestProject) {
  const external = process.env['DATABASE_URL'];
  if (external) {
    project.provide('adminDatabaseUrl', external);
    return;
  }
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-test-'));
  let embedded: EmbeddedDatabase | undefined;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), port: 0, logger: pino({ level: 'warn' }) });
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw error;
  }
  project.provide('adminDatabaseUrl', embedded.adminUrl);
  return async () => {
    await embedded.stop();
    await fs.rm(root, { recursive: true, force: true });
  };
}

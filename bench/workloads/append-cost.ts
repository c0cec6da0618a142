import pg from 'pg';
import * as Y from 'yjs';
import { accessLogOfCommits } from '../../src/access-log/access-log.js';
import { documentId } from '../../src/documents/document-id.js';
import { appendStatement, type RecordsOfCommits, type SqlStatement } from '../../src/documents/log-writer.js';
import type { BenchOptions } from '../lib/options.js';
import { postgresCpuMeter, postgresScopeOf, runSamplanCli, type PostgresScope } from '../lib/processes.js';
import * as progress from '../lib/progress.js';
import type { BenchReport } from '../lib/results.js';
import { round, summarize } from '../lib/stats.js';

/** One statement's cost on its own: wall time a round trip and PostgreSQL's CPU (all its processes) a statement. */
export interface StatementCost {
  statement: string;
  runs: number;
  p50Ms: number;
  p99Ms: number;
  postgresCpuMsPerStatement: number;
}

/**
 * Where PostgreSQL's CPU for one live edit goes: Samplan's own append statement for one edit of
 * one section (src/documents/log-writer.ts, as the group commit sends it when an edit commits
 * alone), the same without the access-log row its chain trigger writes, and without the
 * attribution row too, beside the floor's single-row insert and a round trip that writes nothing.
 * One connection, prepared statements, one after another, on a database of its own that
 * Samplan's migrations and seed made (a real plan and person for the foreign keys).
 */
export async function runAppendCost(report: BenchReport, options: BenchOptions, databaseUrl: string): Promise<StatementCost[]> {
  progress.phase('append cost: one edit\'s statement, its parts and the floor, one at a time');
  runSamplanCli('migrate', databaseUrl);
  runSamplanCli('seed', databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const costs: StatementCost[] = [];
  try {
    const [owner] = (await client.query<{ plan_id: string; person_id: string }>('select id as plan_id, owner_id as person_id from plan order by created_at limit 1')).rows;
    if (!owner) throw new Error('the seed made no plan');
    await client.query('create table bench_append_floor (id bigserial primary key, at timestamptz not null, note text not null)');
    const edit = oneEdit();
    const append = (records: RecordsOfCommits, sections: string[]): (() => SqlStatement) => () =>
      appendStatement([{ documentId: documentId(owner.plan_id, 'main'), entries: [{ authorId: owner.person_id, sections, update: edit, at: new Date(), door: 'LIVE' }], knownHead: 0 }], [{ planId: owner.plan_id, part: 'main' }], records);
    const statements: Array<[string, () => SqlStatement]> = [
      ['a round trip that writes nothing (select 1)', () => ({ sql: 'select 1', params: [] })],
      ['the floor: a single-row committed insert', () => ({ sql: 'insert into bench_append_floor (at, note) values (now(), ?)', params: ['one small row'] })],
      ['one edit: log row and head only', append(() => null, [])],
      ['one edit: with its attribution row', append(() => null, ['contributions'])],
      ['one edit as Samplan commits it (with its access-log row)', append(accessLogOfCommits, ['contributions'])],
    ];
    const scope = await postgresScopeOf(databaseUrl);
    for (const [index, [name, build]] of statements.entries()) costs.push(await timeStatement(client, scope, `bench_append_${index}`, name, build, options.floor.commits));
  } finally {
    await client.end();
  }
  report.add('0b. one edit\'s statement alone, and its parts', costs, costs.map((cost) => ({
    statement: cost.statement,
    runs: cost.runs,
    'p50 ms': cost.p50Ms.toFixed(3),
    'p99 ms': cost.p99Ms.toFixed(3),
    'PostgreSQL CPU ms a statement': cost.postgresCpuMsPerStatement.toFixed(3),
  })));
  progress.done(`append cost: ${costs.map((cost) => cost.postgresCpuMsPerStatement.toFixed(3)).join(' / ')} ms of PostgreSQL CPU a statement`);
  return costs;
}

async function timeStatement(client: pg.Client, scope: PostgresScope, prepared: string, name: string, build: () => SqlStatement, runs: number): Promise<StatementCost> {
  const first = build();
  let position = 0;
  const text = first.sql.replace(/\?/g, () => `$${++position}`);
  // A few first: the connection's plan of the statement and the tables' first pages are not the cost.
  for (let warm = 0; warm < 50; warm += 1) await client.query({ name: prepared, text, values: build().params });
  const meter = postgresCpuMeter(scope);
  const latencies: number[] = [];
  meter.start();
  for (let run = 0; run < runs; run += 1) {
    const { params } = build();
    const before = performance.now();
    await client.query({ name: prepared, text, values: params });
    latencies.push(performance.now() - before);
  }
  const { cpuSeconds } = meter.stop();
  const latency = summarize(latencies);
  return { statement: name, runs, p50Ms: round(latency.p50, 3), p99Ms: round(latency.p99, 3), postgresCpuMsPerStatement: round((cpuSeconds * 1000) / runs, 3) };
}

/** A real one-character edit, as an editor's keystroke arrives (its bytes are stored, never read here). */
function oneEdit(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'x');
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

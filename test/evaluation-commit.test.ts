import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/**
 * An evaluation's entry in the plan document and its row commit in one transaction
 * (src/evaluations/evaluation.service.ts, `withCommit` in src/documents/log-writer.ts): when the
 * database refuses the row, the entry is not kept either, and nobody is sent it.
 */
let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let coordinator: SeededPerson;
const editors: Editor[] = [];

const RECORD = `mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { id entryId version { kind } } }`;
const REFUSED_OUTCOME = 'The database refuses this row';

type EvaluationEntry = { id: string; text: string };
const entries = (editor: Editor) => editor.section<EvaluationEntry[]>('evaluations');
const db = <T>(sql: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(sql, params);

async function openEditor(): Promise<Editor> {
  const editor = connectEditor(t, plan.id, person.token);
  editors.push(editor);
  await editor.synced();
  return editor;
}

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
  person = await seed.citizen('eva');
  coordinator = await seed.staff('kim', unit.id);
  plan = await seed.plan().withOwner(person).withCoordinator(coordinator, unit.id).create();
  // The database's own refusal of one row, standing in for any failure of the row's write (a
  // constraint, a lost connection): the entry's change runs into it inside its commit.
  await t.asOwner(`alter table "evaluation" add constraint "test_refuse_row" check ("outcome" <> '${REFUSED_OUTCOME}')`);
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('an evaluation commits with its entry or not at all', () => {
  it('keeps neither the entry nor the row when the row is refused, and both when it is not', async () => {
    const watching = await openEditor();
    const refused = await t.gql(RECORD, { input: { planId: plan.id, date: '2025-06-02', participantIds: [person.id], outcome: REFUSED_OUTCOME } }, coordinator.token);
    expect(errorCode(refused)).toBe('INTERNAL_SERVER_ERROR');
    expect(await db('select id from "evaluation" where "plan_id" = ?', [plan.id])).toEqual([]);

    // The same plan takes the next evaluation: it is committed, row and entry, and the version links.
    const recorded = await t.gql(RECORD, { input: { planId: plan.id, date: '2025-06-03', participantIds: [person.id], outcome: 'Went well' } }, coordinator.token);
    expect(recorded.errors).toBeUndefined();
    const { id, entryId } = recorded.data!.recordEvaluation;
    expect(recorded.data!.recordEvaluation.version).toEqual({ kind: 'EVALUATION' });
    expect(await db<{ id: string }>('select id from "evaluation" where "plan_id" = ?', [plan.id])).toEqual([{ id }]);

    // A fresh reader of the stored document sees only the committed entry; the refused one never
    // existed. The barrier: the committed entry, sent after the refused one would have been, is there.
    const reader = await openEditor();
    expect(entries(reader).map((entry) => entry.id)).toEqual([entryId]);
    await vi.waitFor(() => expect(entries(watching).map((entry) => entry.id)).toEqual([entryId]));
    expect(entries(watching).map((entry) => entry.text)).toEqual(['Went well']);
  });
});

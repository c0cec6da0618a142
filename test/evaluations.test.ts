import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let coordinator: SeededPerson;
let stranger: SeededPerson;
const editors: Editor[] = [];

const RECORD = `mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) {
  id date outcome entryId participants { id } recordedBy { id } version { id kind } } }`;

const db = <T>(sql: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(sql, params);

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Unit', 'COORDINATING_UNIT');
  person = await seed.citizen('per');
  relative = await seed.citizen('rut');
  stranger = await seed.citizen('sven');
  coordinator = await seed.staff('kim', unit.id);
  plan = await seed.plan().withOwner(person).withRelative(relative).withCoordinator(coordinator, unit.id).create();
  // A coordinator from the coordinating unit brings the plan under that unit (docs/requests-and-complaints.md).
  expect(plan.coordinatingUnitId).toBe(unit.id);
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('recording an evaluation', () => {
  it('writes the row, adds the entry live, makes one EVALUATION version and tells the unit', async () => {
    const editor = connectEditor(t, plan.id, person.token);
    editors.push(editor);
    await editor.synced();

    const recorded = await t.gql(RECORD, { input: { planId: plan.id, date: '2025-06-02', participantIds: [person.id, coordinator.id], outcome: 'Goals met; keep home care' } }, coordinator.token);
    expect(recorded.errors).toBeUndefined();
    const evaluation = recorded.data!.recordEvaluation;
    expect(evaluation).toMatchObject({
      date: '2025-06-02',
      outcome: 'Goals met; keep home care',
      participants: [{ id: person.id }, { id: coordinator.id }],
      recordedBy: { id: coordinator.id },
      version: { kind: 'EVALUATION' },
    });

    // The person's open editor receives the entry.
    await vi.waitFor(() =>
      expect(editor.section('evaluations')).toEqual([{ id: evaluation.entryId, date: '2025-06-02', text: 'Goals met; keep home care', personId: coordinator.id }]),
    );
    const [row] = await db<{ participant_ids: string[]; version_id: string; recorded_by_id: string; date: string }>(
      `select participant_ids, version_id, recorded_by_id, to_char(date, 'YYYY-MM-DD') as date from evaluation where id = ?`,
      [evaluation.id],
    );
    expect(row).toEqual({ participant_ids: [person.id, coordinator.id], version_id: evaluation.version.id, recorded_by_id: coordinator.id, date: '2025-06-02' });

    const read = await t.gql('query($id: ID!) { plan(id: $id) { evaluations { id } versions { edges { node { id kind } } } } }', { id: plan.id }, person.token);
    expect(read.data!.plan.evaluations).toEqual([{ id: evaluation.id }]);
    // The entry made exactly one automatic version, the one the row points at.
    expect(read.data!.plan.versions.edges.map((edge: { node: { kind: string } }) => edge.node).filter((version: { kind: string }) => version.kind === 'EVALUATION')).toEqual([{ id: evaluation.version.id, kind: 'EVALUATION' }]);
    const events = await db<{ kind: string }>(`select kind from case_event where plan_id = ? and kind = 'EVALUATION_RECORDED'`, [plan.id]);
    expect(events).toHaveLength(1);
  });

  it('is refused to a relative, and to someone outside the plan without revealing it', async () => {
    const input = { planId: plan.id, date: '2025-06-03', participantIds: [relative.id], outcome: 'I think it went well' };
    const byRelative = await t.gql(RECORD, { input }, relative.token);
    expect(errorCode(byRelative)).toBe('FORBIDDEN');
    const byStranger = await t.gql(RECORD, { input }, stranger.token);
    expect(errorCode(byStranger)).toBe('NOT_FOUND');
    expect(await db(`select id from evaluation where date = '2025-06-03'`)).toEqual([]);
  });

  it.each([
    ['an impossible date', { date: '2025-02-30' }, /calendar date/],
    ['a future date', { date: '2999-01-01' }, /future/],
    ['an empty outcome', { outcome: '   ' }, /outcome/],
    ['nobody who took part', { participantIds: [] }, /participantIds/],
    ['someone outside the plan', { participantIds: ['stranger'] }, /participantIds|not a valid id/],
  ])('refuses %s as BAD_USER_INPUT', async (_case, change, message) => {
    const participantIds = (change as { participantIds?: string[] }).participantIds?.map((id) => (id === 'stranger' ? stranger.id : id));
    const input = { planId: plan.id, date: '2025-06-04', participantIds: [coordinator.id], outcome: 'Fine', ...change, ...(participantIds ? { participantIds } : {}) };
    const response = await t.gql(RECORD, { input }, coordinator.token);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(message);
  });
});

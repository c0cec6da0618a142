import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/**
 * Rule 9: every measure has a responsible unit and an evaluate-by date. Live editing builds a
 * measure field by field, so the inspector takes an unfinished one; the unit's dashboard shows it
 * as incomplete until it has both.
 */
const clock = new ManualClock('2026-11-02T09:00:00.000Z');
let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let homeCareId: string;
let kari: SeededPerson;
let otherUnitStaff: SeededPerson;
const editors: Editor[] = [];

const DASHBOARD = `query($u: ID!, $first: Int) { unitDashboard(unitId: $u) {
  counts { measuresIncomplete }
  cases(first: 100) { edges { node { planId incompleteMeasures nextDeadline { kind } } } }
  incompleteMeasures(first: $first) { planId measureId person { id } missing since } } }`;

const dashboard = async (token = kari.token, first?: number) => t.gql(DASHBOARD, { u: unitId, first }, token);

/** What the unit sees of one plan: its count on the dashboard, its case row, and its listed measures. */
async function seen(planId: string) {
  const response = await dashboard();
  expect(response.errors).toBeUndefined();
  const board = response.data!.unitDashboard;
  return {
    count: board.counts.measuresIncomplete as number,
    caseCount: board.cases.edges.find((edge: any) => edge.node.planId === planId)?.node.incompleteMeasures as number,
    listed: (board.incompleteMeasures as any[]).filter((row) => row.planId === planId),
    raw: JSON.stringify(response.data),
  };
}

async function editorFor(planId: string): Promise<Editor> {
  const editor = connectEditor(t, planId, kari.token);
  editors.push(editor);
  await editor.synced();
  return editor;
}

const measureAt = (editor: Editor, index: number) => editor.doc.getArray<Y.Map<unknown>>('measures').get(index);

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  seed = seedFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  homeCareId = (await seed.organization('Hjemmetjenesten', 'HOME_CARE')).id;
  const otherUnit = await seed.organization('Another unit', 'COORDINATING_UNIT');
  kari = await seed.staff('kari', unitId);
  otherUnitStaff = await seed.staff('ola', otherUnit.id);
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('a measure without a responsible unit or an evaluate-by date', () => {
  it('is taken live, shown as incomplete with what it lacks, and drops off once both are filled in', async () => {
    const { id: planId, owner: person } = await seed.plan().withOwner(await seed.citizen('ingrid')).openedBy(kari).withConsent().create();
    const editor = await editorFor(planId);

    // As a live editor writes it: the entry with its title first, nothing else yet.
    editor.doc.getArray('measures').push([newEntry({ id: 'measure-1', title: text('Safety alarm') })]);
    await vi.waitFor(async () => expect((await seen(planId)).listed).toHaveLength(1));
    const first = await seen(planId);
    expect(first.listed).toEqual([{ planId, measureId: 'measure-1', person: { id: person.id }, missing: ['RESPONSIBLE_UNIT', 'EVALUATE_BY'], since: '2026-11-02T09:00:00.000Z' }]);
    expect(first).toMatchObject({ count: 1, caseCount: 1 });
    // Case metadata only: the measure's title never reaches the dashboard.
    expect(first.raw).not.toContain('Safety alarm');
    expect(editor.denied).toEqual([]);

    clock.advanceDays(1);
    measureAt(editor, 0).set('evaluateBy', '2027-01-15');
    await vi.waitFor(async () => expect((await seen(planId)).listed[0]?.missing).toEqual(['RESPONSIBLE_UNIT']));
    // Still the same gap: since when it has been incomplete does not move.
    expect((await seen(planId)).listed[0]?.since).toBe('2026-11-02T09:00:00.000Z');

    // A unit id that names no organisation is no responsible unit. Written by the coordinator
    // (who may edit every measure), it is what a careless or hostile client could leave behind.
    clock.advanceDays(1);
    measureAt(editor, 0).set('organizationId', '7d7c1f9e-3b1a-4c55-9a43-1c7d1f0f0b11');
    // The barrier: the gap was re-read after this change (each reading stamps it with the clock).
    await vi.waitFor(async () => {
      const [row] = await t.app.orm.em.fork().execute<Array<{ updated_at: Date }>>('select "updated_at" from "measure_gap" where "plan_id" = ?', [planId]);
      expect(new Date(row!.updated_at).toISOString()).toBe('2026-11-04T09:00:00.000Z');
    });
    expect((await seen(planId)).listed[0]?.missing).toEqual(['RESPONSIBLE_UNIT']);

    measureAt(editor, 0).set('organizationId', homeCareId);
    await vi.waitFor(async () => expect(await seen(planId)).toMatchObject({ count: 0, caseCount: 0, listed: [] }));
    // Complete, it is an ordinary deadline now.
    expect((await seen(planId)).raw).toContain('MEASURE_EVALUATION');
  });

  it('counts only running measures, and forgets removed ones and ended plans', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('per')).openedBy(kari).withConsent().create();
    const editor = await editorFor(planId);
    // In one change: a finished measure lacking both, and a running one lacking its date.
    editor.doc.transact(() => {
      editor.doc.getArray('measures').push([
        newEntry({ id: 'done', title: text('Old arrangement'), status: 'DONE' }),
        newEntry({ id: 'running', title: text('Transport'), organizationId: homeCareId, status: 'ONGOING' }),
      ]);
    });
    // The barrier: the same reading listed the running one, so it saw the finished one too.
    await vi.waitFor(async () => expect((await seen(planId)).listed.map((row: any) => [row.measureId, row.missing])).toEqual([['running', ['EVALUATE_BY']]]));

    // Over GraphQL too: the coordinator's unit fills in the responsible unit, but no date is given.
    const added = await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
      { input: { planId, section: 'measures', fields: { title: 'Home care, mornings', status: 'ONGOING' } } },
      kari.token,
    );
    expect(added.errors).toBeUndefined();
    const entryId = added.data!.addPlanEntry.entryId as string;
    await vi.waitFor(async () => expect((await seen(planId)).listed.map((row: any) => [row.measureId, row.missing])).toEqual(expect.arrayContaining([
      ['running', ['EVALUATE_BY']],
      [entryId, ['EVALUATE_BY']],
    ])));
    expect((await seen(planId)).count).toBe(2);

    editor.doc.getArray('measures').delete(1, 1); // 'running' is removed
    await vi.waitFor(async () => expect((await seen(planId)).listed.map((row: any) => row.measureId)).toEqual([entryId]));

    const ended = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId, reason: 'The need has ended' } }, kari.token);
    expect(ended.errors).toBeUndefined();
    await vi.waitFor(async () => expect(await seen(planId)).toMatchObject({ caseCount: 0, listed: [] }));
    await vi.waitFor(async () => {
      const [row] = await t.app.orm.em.fork().execute<[{ count: number }]>('select count(*)::int as "count" from "measure_gap" where "plan_id" = ?', [planId]);
      expect(row.count).toBe(0);
    });
  });

  it('is shown to the unit’s staff only, and refuses a page size out of range', async () => {
    const denied = await dashboard(otherUnitStaff.token);
    expect(denied.data ?? null).toBeNull();
    expect(errorCode(denied)).toBe('NOT_FOUND');
    for (const first of [0, 201, -1]) {
      expect(errorCode(await dashboard(kari.token, first))).toBe('BAD_USER_INPUT');
    }
  });
  it('is read again at start for plans queued when incomplete measures came in, and the queue empties', async () => {
    const { id: planId } = await seed.plan().withOwner(await seed.citizen('olga')).openedBy(kari).withConsent().create();
    const added = await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
      { input: { planId, section: 'measures', fields: { title: 'Day centre', organizationId: homeCareId, status: 'ONGOING' } } },
      kari.token,
    );
    const entryId = added.data!.addPlanEntry.entryId as string;
    await vi.waitFor(async () => expect((await seen(planId)).listed.map((row: any) => row.measureId)).toEqual([entryId]));
    // As the plan stood before the upgrade: nothing recorded, and queued by the migration.
    await t.asOwner('delete from "measure_gap" where "plan_id" = $1', [planId]);
    await t.asOwner('insert into "plan_deadline_resync" ("plan_id") values ($1)', [planId]);
    expect((await seen(planId)).listed).toEqual([]);

    await t.restart();
    kari = { ...kari, token: await t.token('kari', 'personnel', 'kari name') };
    await vi.waitFor(async () => expect((await seen(planId)).listed.map((row: any) => [row.measureId, row.missing])).toEqual([[entryId, ['EVALUATE_BY']]]));
    await vi.waitFor(async () => expect(await t.asOwner('select "plan_id" from "plan_deadline_resync"')).toEqual([]));
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectData } from './helpers/graphql.js';
import { seedFor } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A plan's deadlines are read from its document half a second after a change to its measures or
 * period settles. A change is marked stale at once, in `plan_deadline_resync`, so no reading is
 * lost: a server that stops first reads it on its way down, and one that died reads it at its
 * next start. Whatever door the change came through: here GraphQL, as the seed writes.
 */
let t: TestApp;
let unitId: string;
let owners = 0;

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  await seed.staff('stale-kari', unitId);
});

afterAll(async () => {
  await t?.close();
});

/** Tokens are minted anew each time: the tests restart the server. */
const kari = () => t.token('stale-kari', 'personnel');

async function addMeasure(planId: string, evaluateBy: string): Promise<void> {
  expectData(
    await t.gql(
      'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
      { input: { planId, section: 'measures', fields: { title: 'Morgenhjelp', organizationId: unitId, evaluateBy, status: 'ONGOING' } } },
      await kari(),
    ),
    'addPlanEntry',
  );
}

/** A plan of a new person with Kari as coordinator, and one measure to evaluate by `evaluateBy`. */
async function planWithMeasure(evaluateBy: string): Promise<string> {
  const seed = seedFor(t);
  const owner = await seed.citizen(`stale-owner-${++owners}`);
  const plan = await seed.plan().withOwner(owner).withCoordinator(await seed.personnel('stale-kari'), unitId).create();
  await addMeasure(plan.id, evaluateBy);
  return plan.id;
}

const measureDeadlines = (planId: string) =>
  t.asOwner<{ due_at: Date }>(`select "due_at" from "deadline" where "plan_id" = $1 and "kind" = 'MEASURE_EVALUATION' and "resolved_at" is null`, [planId]);
const staleMarks = (planId: string) => t.asOwner('select "plan_id" from "plan_deadline_resync" where "plan_id" = $1', [planId]);

describe('deadlines read from a plan document', () => {
  it('a measure written just before the server stops has its deadline when it is down', async () => {
    const planId = await planWithMeasure('2027-03-01');
    // At once, well within the half second a burst is given to settle.
    await t.app.dispose();
    expect(await measureDeadlines(planId)).toHaveLength(1);
    expect(await staleMarks(planId)).toEqual([]);
    await t.restart();
  });

  it('a reading the server did not live to make is made at the next start', async () => {
    const planId = await planWithMeasure('2027-04-01');
    await vi.waitFor(async () => expect(await measureDeadlines(planId)).toHaveLength(1), { timeout: 10_000 });
    // As a server that died between the commit and the reading leaves it: marked, not read.
    await t.app.dispose();
    await t.asOwner('delete from "deadline" where "plan_id" = $1', [planId]);
    await t.asOwner('insert into "plan_deadline_resync" ("plan_id") values ($1)', [planId]);
    await t.restart();
    await vi.waitFor(async () => expect(await measureDeadlines(planId)).toHaveLength(1), { timeout: 10_000 });
    expect(await staleMarks(planId)).toEqual([]);
  });

  it('the mark stays until a reading has seen the change, and then goes', async () => {
    const planId = await planWithMeasure('2027-05-01');
    await addMeasure(planId, '2027-06-01');
    await vi.waitFor(async () => expect(await measureDeadlines(planId)).toHaveLength(2), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await staleMarks(planId)).toEqual([]), { timeout: 10_000 });
  });
});

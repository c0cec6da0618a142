import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { ManualClock } from './helpers/manual-clock.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode, nodesOf } from './helpers/graphql.js';

/**
 * The whole life of one person's plan, as a municipality would run it: a relative with a power of
 * attorney asks for it, the coordinating unit grants it, the person consents and invites who takes
 * part, they edit it live, it is evaluated when due, ended and archived. Each step is checked over
 * GraphQL and on the unit's dashboard subscription.
 */
const clock = new ManualClock('2026-02-02T09:00:00Z');
let t: TestApp;
let unitId: string;
let homeCareId: string;
let kari: SeededPerson; // coordinating unit
let ola: SeededPerson; // home care nurse
let ingrid: SeededPerson; // the person
let erik: SeededPerson; // her brother
let planId: string;
const editors: Editor[] = [];
let client: Client;
const heard: Array<{ kind: string; planId: string | null; requestId: string | null }> = [];

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
  const seed = seedFor(t);
  const unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  const homeCare = await seed.organization('Hjemmetjenesten', 'HOME_CARE');
  unitId = unit.id;
  homeCareId = homeCare.id;
  kari = await seed.staff('kari', unit.id);
  ola = await seed.staff('ola', homeCare.id);
  ingrid = await seed.citizen('ingrid');
  erik = await seed.citizen('erik');
  client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: kari.token }, retryAttempts: 0 });
  client.subscribe(
    { query: 'subscription($unit: ID!) { caseEvents(unitId: $unit) { kind planId requestId } }', variables: { unit: unitId } },
    { next: (value) => heard.push(value.data!.caseEvents as (typeof heard)[number]), error: (error) => { throw error; }, complete: () => undefined },
  );
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await client?.dispose();
  await t?.close();
});

async function ok<T = any>(query: string, variables: Record<string, unknown>, who: SeededPerson): Promise<T> {
  const response = await t.gql(query, variables, who.token);
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

const hears = (kind: string) => vi.waitFor(() => expect(heard.map((event) => event.kind)).toContain(kind), { timeout: 10_000 });

const caseOnDashboard = async () => {
  const data = await ok(
    `query($unit: ID!) { unitDashboard(unitId: $unit) {
      counts { openRequests plansWithoutCoordinator measuresPastEvaluation }
      cases(first: 10) { edges { node { id status planId requestId coordinator { id } nextDeadline { kind dueAt } } } } } }`,
    { unit: unitId },
    kari,
  );
  return { counts: data.unitDashboard.counts, node: data.unitDashboard.cases.edges[0]?.node };
};

describe('the life of a plan', () => {
  let requestId: string;

  it('1. a relative with a power of attorney asks for a plan; it lands at the unit with a one-month deadline', async () => {
    // Erik may not ask for his sister without a power of attorney.
    const refused = await t.gql(
      'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }',
      { input: { person: { id: ingrid.id }, municipality: '0301', source: 'RELATIVE', wants: 'PLAN_AND_COORDINATOR' } },
      erik.token,
    );
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');

    const data = await ok(
      'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id status decisionDueAt unit { id } } }',
      { input: { person: { id: ingrid.id }, municipality: '0301', source: 'RELATIVE', powerOfAttorney: 'Fullmakt fra Ingrid, datert 2026-01-20', wants: 'PLAN_AND_COORDINATOR' } },
      erik,
    );
    requestId = data.submitRequest.id;
    expect(data.submitRequest).toMatchObject({ status: 'RECEIVED', decisionDueAt: '2026-03-02T09:00:00.000Z', unit: { id: unitId } });
    await hears('REQUEST_RECEIVED');
    const { counts, node } = await caseOnDashboard();
    expect(counts.openRequests).toBe(1);
    expect(node).toMatchObject({ status: 'REQUESTED', requestId, nextDeadline: { kind: 'DECISION' } });
  });

  it('2. the unit grants it: a plan waiting for her consent', async () => {
    const data = await ok(
      'mutation($input: DecideRequestInput!) { decideRequest(input: $input) { ... on RequestDecided { request { status planId } } } }',
      { input: { requestId, decision: 'GRANTED', title: 'Ingrids plan' } },
      kari,
    );
    expect(data.decideRequest.request.status).toBe('GRANTED');
    planId = data.decideRequest.request.planId;
    await hears('REQUEST_DECIDED');
    expect((await caseOnDashboard()).node).toMatchObject({ id: planId, status: 'AWAITING_CONSENT' });
    // No content before she consents: not even her brother who asked for it sees the plan.
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: planId }, erik.token))).toBe('NOT_FOUND');
  });

  it('3. she consents, and invites her coordinator, her brother and the home care nurse', async () => {
    const consent = await ok('mutation($input: GiveConsentInput!) { giveConsent(input: $input) { plan { status } } }', { input: { planId, scope: 'PLAN' } }, ingrid);
    expect(consent.giveConsent.plan.status).toBe('ACTIVE');
    await hears('CONSENT_GIVEN');
    expect((await caseOnDashboard()).counts.plansWithoutCoordinator).toBe(1);

    const plans = plansFor(t);
    const add = async (who: SeededPerson, role: string, organizationId?: string) =>
      expect((await plans.addParticipant(ingrid, { planId, role, organizationId, person: { id: who.id } })).data?.addParticipant.__typename).toBe('ParticipantAdded');
    await add(kari, 'COORDINATOR', unitId);
    await add(erik, 'RELATIVE');
    await add(ola, 'PROVIDER', homeCareId);
    await hears('COORDINATOR_APPOINTED');
    const { counts, node } = await caseOnDashboard();
    expect(counts.plansWithoutCoordinator).toBe(0);
    expect(node).toMatchObject({ status: 'ACTIVE', coordinator: { id: kari.id } });
  });

  it('4. they edit the plan live together; her brother reads it over GraphQL', async () => {
    const hers = connectEditor(t, planId, ingrid.token);
    const coordinators = connectEditor(t, planId, kari.token);
    editors.push(hers, coordinators);
    await Promise.all([hers.synced(), coordinators.synced()]);
    hers.doc.getArray('goals').push([newEntry({ id: crypto.randomUUID(), text: text('Walk to the shop on my own') })]);
    coordinators.doc.getArray('measures').push([
      newEntry({ id: crypto.randomUUID(), title: text('Home care, mornings'), organizationId: homeCareId, evaluateBy: '2026-03-10', status: 'ONGOING' }),
    ]);
    for (const editor of [hers, coordinators]) {
      await vi.waitFor(() => {
        expect(editor.section<Array<{ text: string }>>('goals').map((goal) => goal.text)).toEqual(['Walk to the shop on my own']);
        expect(editor.section<Array<{ title: string }>>('measures').map((measure) => measure.title)).toEqual(['Home care, mornings']);
      });
    }
    const read = await ok('query($id: ID!) { plan(id: $id) { section(key: goals) { content lastChange { by { id } } } } }', { id: planId }, erik);
    expect(read.plan.section).toMatchObject({ content: [{ text: 'Walk to the shop on my own' }], lastChange: { by: { id: ingrid.id } } });
    expect([...hers.closes, ...coordinators.closes]).toEqual([]);
    await vi.waitFor(async () => expect((await caseOnDashboard()).node.nextDeadline).toEqual({ kind: 'MEASURE_EVALUATION', dueAt: '2026-03-10T23:00:00.000Z' }));
  });

  it('5. the evaluation comes due on the dashboard, and the coordinator records it', async () => {
    clock.set('2026-02-25T08:00:00Z'); // 14 days before the evaluate-by date
    expect(await t.app.scheduler.runDue()).toBe(1);
    await hears('EVALUATION_DUE');
    const inbox = await ok('{ notifications(first: 10) { edges { node { kind link } } } }', {}, kari);
    expect(inbox.notifications.edges.map((edge: any) => edge.node)).toContainEqual({ kind: 'EVALUATION_DUE', link: `/plans/${planId}` });

    const recorded = await ok(
      'mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { date outcome version { kind } participants { id } } }',
      { input: { planId, date: '2026-02-25', participantIds: [ingrid.id, kari.id, ola.id], outcome: 'She walks to the shop twice a week; keep the mornings.' } },
      kari,
    );
    expect(recorded.recordEvaluation).toMatchObject({ date: '2026-02-25', version: { kind: 'EVALUATION' } });
    await hears('EVALUATION_RECORDED');
  });

  it('6. she ends the plan: frozen, archived, and her brother downloads the record', async () => {
    const ended = await ok('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId, reason: 'The need has ended' } }, ingrid);
    expect(ended.endPlan.__typename).toBe('PlanEnded');
    await hears('PLAN_ENDED');
    await hears('PLAN_ARCHIVED');
    const plan = await ok('query($id: ID!) { plan(id: $id) { status archivedAt archiveRecords { edges { node { kind urls { json pdf } } } } } }', { id: planId }, erik);
    expect(plan.plan.status).toBe('ENDED');
    const final = nodesOf(plan.plan.archiveRecords).find((record: { kind: string }) => record.kind === 'FINAL');
    expect(final).toBeDefined();

    const json = await fetch(new URL(final.urls.json, t.url), { headers: { authorization: `Bearer ${erik.token}` } });
    expect(json.status).toBe(200);
    expect(JSON.stringify(await json.json())).toContain('Walk to the shop on my own');
    const pdf = await fetch(new URL(final.urls.pdf, t.url), { headers: { authorization: `Bearer ${erik.token}` } });
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    expect((await caseOnDashboard()).node).toMatchObject({ id: planId, status: 'ENDED', nextDeadline: null });
    // The unit's staff saw case metadata all along, never content: kari read content as the plan's coordinator only.
    const events = heard.filter((event) => event.planId === planId || event.requestId === requestId).map((event) => event.kind);
    expect(events).toEqual(expect.arrayContaining(['REQUEST_DECIDED', 'CONSENT_GIVEN', 'COORDINATOR_APPOINTED', 'EVALUATION_DUE', 'EVALUATION_RECORDED', 'PLAN_ENDED', 'PLAN_ARCHIVED']));
  });
});

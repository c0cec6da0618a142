import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode, nodesOf } from './helpers/graphql.js';

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let coordinator: SeededPerson;
let provider: SeededPerson;
let stranger: SeededPerson;
let homeCare: { id: string; name: string };
let unit: { id: string; name: string };
let interimUrls: { json: string; html: string; pdf: string };

const SCRIPT = '<script>alert("x")</script> Walk to the shop';
const RECORDS = 'query($id: ID!) { plan(id: $id) { archivedAt archiveRecords { edges { node { id kind createdAt createdBy { id } documentSeq urls { json html pdf } } } } } }';
const ARCHIVE = 'mutation($id: ID!) { archivePlan(planId: $id) { id kind createdBy { id } documentSeq urls { json html pdf } } }';

const db = <T>(sql: string, params: unknown[] = []) => t.app.orm.em.fork().execute<T[]>(sql, params);
const download = (path: string, token?: string) => fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const addEntry = (token: string, section: string, fields: Record<string, unknown>) =>
  t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section, fields } }, token);

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  unit = await seed.organization('Unit', 'COORDINATING_UNIT');
  homeCare = await seed.organization('Home care & co', 'HOME_CARE');
  person = await seed.citizen('per');
  relative = await seed.citizen('rut');
  stranger = await seed.citizen('sven');
  coordinator = await seed.staff('kim', unit.id);
  provider = await seed.staff('pia', homeCare.id);
  plan = await seed.plan().withOwner(person).withRelative(relative).withProvider(provider, homeCare.id).withCoordinator(coordinator, unit.id).create();
  // A coordinator from the coordinating unit brings the plan under that unit (docs/requests-and-complaints.md).
  expect(plan.coordinatingUnitId).toBe(unit.id);

  for (const response of [
    await addEntry(person.token, 'goals', { text: SCRIPT }),
    await addEntry(coordinator.token, 'measures', { title: 'Home help twice a week', organizationId: homeCare.id }),
    await t.gql(
      'mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { id } }',
      { input: { planId: plan.id, date: '2025-05-20', participantIds: [person.id, coordinator.id], outcome: 'Keep going' } },
      coordinator.token,
    ),
  ]) {
    expect(response.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await t?.close();
});

describe('interim archive', () => {
  it('is refused to a relative and a provider', async () => {
    for (const who of [relative, provider]) {
      const response = await t.gql(ARCHIVE, { id: plan.id }, who.token);
      expect(errorCode(response)).toBe('FORBIDDEN');
    }
  });

  it('is made by the coordinator and listed with download urls', async () => {
    const response = await t.gql(ARCHIVE, { id: plan.id }, coordinator.token);
    expect(response.errors).toBeUndefined();
    const record = response.data!.archivePlan;
    expect(record).toMatchObject({ kind: 'INTERIM', createdBy: { id: coordinator.id } });
    expect(record.documentSeq).toBeGreaterThan(0);
    interimUrls = record.urls;
    expect(interimUrls.json).toBe(`/plans/${plan.id}/archive/${record.id}.json`);
    const listed = await t.gql(RECORDS, { id: plan.id }, person.token);
    expect(nodesOf(listed.data!.plan.archiveRecords)).toEqual([expect.objectContaining({ id: record.id, kind: 'INTERIM' })]);
    expect(listed.data!.plan.archivedAt).toBeNull();
  });
});

describe('downloads', () => {
  it('JSON holds the plan: content, participants, measures with their unit, evaluations, versions', async () => {
    const response = await download(interimUrls.json, person.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const record = (await response.json()) as Record<string, any>;
    expect(record.sections.find((section: { key: string }) => section.key === 'goals').content).toEqual([expect.objectContaining({ text: SCRIPT })]);
    expect(record.participants.map((participant: { role: string }) => participant.role).sort()).toEqual(['COORDINATOR', 'OWNER', 'PROVIDER', 'RELATIVE']);
    expect(record.coordinator).toMatchObject({ person: { id: coordinator.id }, organization: { id: unit.id, name: 'Unit' } });
    expect(record.measures).toEqual([expect.objectContaining({ title: 'Home help twice a week', organization: { id: homeCare.id, name: 'Home care & co' } })]);
    expect(record.evaluations).toEqual([expect.objectContaining({ date: '2025-05-20', outcome: 'Keep going', participants: expect.arrayContaining([{ id: person.id, name: 'per name' }]) })]);
    expect(record.versions).toEqual([expect.objectContaining({ kind: 'EVALUATION' })]);
    expect(Array.isArray(record.consents)).toBe(true);
    expect(record.plan).toMatchObject({ id: plan.id, status: 'ACTIVE', endReason: null, owner: { id: person.id } });
  });

  it('HTML is a printable page with every value escaped', async () => {
    const response = await download(interimUrls.html, provider.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('@media print');
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; Walk to the shop');
    expect(html).toContain('Home care &#38; co');
  });

  it('PDF is a PDF', async () => {
    const response = await download(interimUrls.pdf, coordinator.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('logs each download in the plan access log', async () => {
    const rows = await db<{ person_id: string; what: string; action: string }>(`select person_id, what, action from access_log where plan_id = ? and door = 'ARCHIVE' order by id`, [plan.id]);
    expect(rows).toEqual([
      { person_id: person.id, what: 'archive.json', action: 'READ' },
      { person_id: provider.id, what: 'archive.html', action: 'READ' },
      { person_id: coordinator.id, what: 'archive.pdf', action: 'READ' },
    ]);
  });

  it('refuses: no token 401, bad token 401, unknown format 400, outsiders and unknown records 404', async () => {
    expect((await download(interimUrls.json)).status).toBe(401);
    expect((await download(interimUrls.json, 'not-a-token')).status).toBe(401);
    expect((await download(interimUrls.json.replace('.json', '.xml'), person.token)).status).toBe(400);
    expect((await download(interimUrls.json.replace('.json', ''), person.token)).status).toBe(400);
    const outsider = await download(interimUrls.json, stranger.token);
    expect(outsider.status).toBe(404);
    const unknownPlan = await download(`/plans/${crypto.randomUUID()}/archive/${crypto.randomUUID()}.json`, stranger.token);
    // The same answer whether the plan exists or not.
    expect([outsider.status, await outsider.json()]).toEqual([unknownPlan.status, await unknownPlan.json()]);
    expect((await download(`/plans/${plan.id}/archive/${crypto.randomUUID()}.json`, person.token)).status).toBe(404);
    expect((await download(`/plans/not-an-id/archive/also-not.json`, person.token)).status).toBe(404);
    const logged = await db(`select id from access_log where plan_id = ? and door = 'ARCHIVE' and person_id = ?`, [plan.id, stranger.id]);
    expect(logged).toEqual([]);
  });
});

describe('ending the plan', () => {
  it('writes the FINAL record with the end reason and marks the plan archived', async () => {
    const ended = await t.gql('mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId: plan.id, reason: 'The need has ended' } }, coordinator.token);
    expect(ended.errors).toBeUndefined();
    const final = await vi.waitFor(async () => {
      const read = await t.gql(RECORDS, { id: plan.id }, person.token);
      const record = nodesOf(read.data!.plan.archiveRecords).find((candidate: { kind: string }) => candidate.kind === 'FINAL');
      expect(record).toBeDefined();
      expect(read.data!.plan.archivedAt).not.toBeNull();
      return record;
    });
    const record = (await (await download(final.urls.json, person.token)).json()) as Record<string, any>;
    expect(record.plan).toMatchObject({ status: 'ENDED', endReason: 'The need has ended', endedBy: { id: coordinator.id } });
    // The frozen document is saved as a CLOSED version before the record that lists it.
    expect(record.versions).toContainEqual(expect.objectContaining({ kind: 'CLOSED' }));
    const events = await db<{ kind: string }>(`select kind from case_event where plan_id = ? and kind = 'PLAN_ARCHIVED' order by id`, [plan.id]);
    expect(events).toHaveLength(2); // the interim and the final record
    // Still downloadable after the end; no more interim records.
    expect((await download(final.urls.pdf, coordinator.token)).status).toBe(200);
    expect(errorCode(await t.gql(ARCHIVE, { id: plan.id }, coordinator.token))).toBe('FORBIDDEN');
  });

  it('is written at start-up for an ended plan the server stopped before archiving', async () => {
    // As if the server stopped right after committing the end: no FINAL record, not archived.
    await db(`delete from archive_record where plan_id = ? and kind = 'FINAL'`, [plan.id]);
    await db(`update plan set archived_at = null where id = ?`, [plan.id]);
    await t.restart();
    const rows = await db<{ kind: string }>(`select kind from archive_record where plan_id = ? order by created_at`, [plan.id]);
    expect(rows.map((row) => row.kind)).toEqual(['INTERIM', 'FINAL']);
    const [archived] = await db<{ archived_at: Date | null }>(`select archived_at from plan where id = ?`, [plan.id]);
    expect(archived!.archived_at).not.toBeNull();
  });
});

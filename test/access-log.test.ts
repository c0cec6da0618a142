import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { ManualClock } from './helpers/manual-clock.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

interface LogRow {
  person: { id: string; displayName: string };
  at: string;
  action: 'READ' | 'WRITE';
  what: string;
  door: 'GRAPHQL' | 'LIVE' | 'ARCHIVE';
}

const ACCESS_LOG = `query($id: ID!, $first: Int, $after: String, $personId: ID, $door: AccessDoor) {
  plan(id: $id) { accessLog(first: $first, after: $after, personId: $personId, door: $door) {
    edges { cursor node { person { id displayName } at action what door } }
    pageInfo { hasNextPage endCursor } } } }`;

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let relative: SeededPerson;
let provider: SeededPerson;
let stranger: SeededPerson;
let guardian: SeededPerson;
let homeCareId: string;
const clock = new ManualClock('2026-11-23T09:00:00.000Z');
const editors: Editor[] = [];
/** What the scenario did that was accepted, oldest first. */
const expected: Array<{ who: SeededPerson; action: LogRow['action']; what: string; door: LogRow['door']; at: string }> = [];

const open = (who: SeededPerson) => {
  const editor = connectEditor(t, plan.id, who.token);
  editors.push(editor);
  return editor;
};
/** Each step happens a second after the last, so every row's time is known. */
const step = () => {
  clock.advance(1000);
  return clock.now().toISOString();
};
const expectLogged = (who: SeededPerson, action: LogRow['action'], what: string, door: LogRow['door'], at: string) =>
  expected.push({ who, action, what, door, at });

async function accessLog(token: string, args: { first?: number; after?: string; personId?: string; door?: string } = {}) {
  return t.gql<{ plan: { accessLog: { edges: Array<{ cursor: string; node: LogRow }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>(
    ACCESS_LOG,
    { id: plan.id, first: 100, ...args },
    token,
  );
}
const rowsOf = async (args: Parameters<typeof accessLog>[1] = {}) => {
  const response = await accessLog(person.token, args);
  expect(response.errors).toBeUndefined();
  return response.data!.plan.accessLog.edges.map((edge) => edge.node);
};
const shape = (row: LogRow) => ({ personId: row.person.id, action: row.action, what: row.what, door: row.door, at: row.at });
const ok = <T>(response: { data?: T | null; errors?: unknown }): T => {
  expect(response.errors).toBeUndefined();
  return response.data!;
};

beforeAll(async () => {
  t = await startTestApp({}, { clock });
  const seed = seedFor(t);
  const homeCare = await seed.organization('Home care');
  homeCareId = homeCare.id;
  person = await seed.citizen('ingrid');
  relative = await seed.citizen('erik');
  stranger = await seed.citizen('stranger');
  provider = await seed.staff('nurse', homeCare.id);
  guardian = await seed.citizen('ingrid-mother');
  await seed.guardianship(guardian, person);
  plan = await seed.plan().withOwner(person).withRelative(relative).withProvider(provider, homeCare.id).withGuardian(guardian).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('access log', () => {
  it('holds exactly the accepted reads and writes, with who, what, door and time, newest first', async () => {
    // Setting the plan up (creating it, adding participants) touches no content and logs nothing.
    expect(await rowsOf()).toEqual([]);

    // GraphQL reads: the same thing read twice in one operation is logged once.
    let at = step();
    ok(await t.gql('query($id: ID!) { plan(id: $id) { title participants { role } sections { key content } again: sections { key } } }', { id: plan.id }, person.token));
    expectLogged(person, 'READ', 'sections', 'GRAPHQL', at);
    at = step();
    ok(await t.gql('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, person.token));
    expectLogged(person, 'READ', 'section:goals', 'GRAPHQL', at);

    // GraphQL writes; the section in the payload is part of the write, not a separate read.
    at = step();
    ok(await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq section { content } } }',
      { input: { planId: plan.id, section: 'goals', fields: { text: 'Walk to the shop' } } }, person.token));
    expectLogged(person, 'WRITE', 'section:goals', 'GRAPHQL', at);
    at = step();
    const versionId = ok(await t.gql<{ createVersion: { id: string } }>('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }',
      { input: { planId: plan.id, label: 'Before the summer' } }, person.token)).createVersion.id;
    expectLogged(person, 'WRITE', `version:${versionId}`, 'GRAPHQL', at);
    at = step();
    ok(await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'goals', fields: { text: 'Swim on Fridays' } } }, person.token));
    expectLogged(person, 'WRITE', 'section:goals', 'GRAPHQL', at);
    at = step();
    const restored = ok(await t.gql<{ restoreVersion: { sections: string[] } }>('mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) { sections version { content } } }',
      { input: { versionId } }, person.token));
    expect(restored.restoreVersion.sections).toEqual(['goals']);
    expectLogged(person, 'WRITE', 'section:goals', 'GRAPHQL', at);
    // Asking for the restored version's content in the payload is a read of it, after the write.
    expectLogged(person, 'READ', `version:${versionId}`, 'GRAPHQL', at);

    // The relative reads history, versions and a version's content.
    at = step();
    ok(await t.gql('query($id: ID!) { plan(id: $id) { history(first: 5) { edges { node { section } } } } }', { id: plan.id }, relative.token));
    expectLogged(relative, 'READ', 'history', 'GRAPHQL', at);
    at = step();
    ok(await t.gql('query($id: ID!) { plan(id: $id) { versions { edges { node { id label } } } } }', { id: plan.id }, relative.token));
    expectLogged(relative, 'READ', 'versions', 'GRAPHQL', at);
    at = step();
    ok(await t.gql('query($id: ID!) { version(id: $id) { label content } }', { id: versionId }, relative.token));
    expectLogged(relative, 'READ', `version:${versionId}`, 'GRAPHQL', at);

    // Refused: the relative may not edit goals; a stranger reads nothing, through either door.
    step();
    const forbidden = await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'goals', fields: { text: 'Mine' } } }, relative.token);
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    const notFound = await t.gql('query($id: ID!) { plan(id: $id) { sections { content } } }', { id: plan.id }, stranger.token);
    expect(errorCode(notFound)).toBe('NOT_FOUND');
    const outsider = open(stranger);
    await vi.waitFor(() => expect(outsider.closes).toEqual([expect.objectContaining({ code: 4404 })]));

    // Live: the provider connects (a read of the document) and edits, once one section, once two.
    at = step();
    const nurse = open(provider);
    await nurse.synced();
    expectLogged(provider, 'READ', 'document', 'LIVE', at);
    at = step();
    nurse.doc.getArray('measures').push([newEntry({ id: 'm1', organizationId: homeCareId, title: text('Morning help') })]);
    expectLogged(provider, 'WRITE', 'section:measures', 'LIVE', at);
    await vi.waitFor(async () => expect(await rowsOf()).toHaveLength(expected.length));
    at = step();
    Y.transact(nurse.doc, () => {
      (nurse.doc.getArray('measures').get(0) as Y.Map<Y.Text>).get('title')!.insert(0, 'Daily ');
      nurse.doc.getArray('contributions').push([newEntry({ id: 'c1', personId: provider.id, text: text('I come at eight') })]);
    });
    await vi.waitFor(async () => expect(await rowsOf()).toHaveLength(expected.length + 2));
    const twoSections = (await rowsOf({ first: 2 })).map(shape);
    expect(twoSections).toEqual(expect.arrayContaining([
      { personId: provider.id, action: 'WRITE', what: 'section:measures', door: 'LIVE', at },
      { personId: provider.id, action: 'WRITE', what: 'section:contributions', door: 'LIVE', at },
    ]));
    // One update touching two sections: one row each, in the order the inspector reports them.
    for (const row of [...twoSections].reverse()) expectLogged(provider, 'WRITE', row.what, 'LIVE', at);

    // The relative connects (admitted: a read), then tries a live edit of goals: refused, not logged.
    at = step();
    const erik = open(relative);
    await erik.synced();
    expectLogged(relative, 'READ', 'document', 'LIVE', at);
    step();
    erik.doc.getArray('goals').push([newEntry({ id: 'g-erik', text: text('Mine') })]);
    await vi.waitFor(() => expect(erik.closes).toEqual([expect.objectContaining({ code: 4403 })]));

    const byId = new Map([person, relative, provider].map((who) => [who.id, who]));
    const rows = await rowsOf();
    expect(rows.map(shape)).toEqual(
      [...expected].reverse().map((entry) => ({ personId: entry.who.id, action: entry.action, what: entry.what, door: entry.door, at: entry.at })),
    );
    for (const row of rows) expect(row.person.displayName).toBe(`${byId.get(row.person.id)!.sub} name`);
    // Reading the log is not itself logged.
    expect(await rowsOf()).toHaveLength(rows.length);
    // Every committed update has its WRITE rows, committed with it: same author, same sections.
    const em = t.app.orm.em.fork();
    const committed = await em.execute<Array<{ author_id: string; section: string }>>(
      'select author_id, unnest(sections) as section from plan_update where plan_id = ?', [plan.id]);
    const writes = await em.execute<Array<{ person_id: string; what: string }>>(
      `select person_id, what from access_log where plan_id = ? and action = 'WRITE' and what like 'section:%'`, [plan.id]);
    expect(writes.map((row) => `${row.person_id} ${row.what}`).sort()).toEqual(committed.map((row) => `${row.author_id} section:${row.section}`).sort());
  });

  it('pages newest first with opaque cursors and filters by person and door', async () => {
    const all = (await rowsOf()).map(shape);
    expect(all.length).toBeGreaterThan(5);
    const paged: Array<ReturnType<typeof shape>> = [];
    let after: string | undefined;
    for (;;) {
      const page = (await accessLog(person.token, { first: 3, ...(after ? { after } : {}) })).data!.plan.accessLog;
      expect(page.edges.length).toBeLessThanOrEqual(3);
      paged.push(...page.edges.map((edge) => shape(edge.node)));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      after = page.pageInfo.endCursor!;
    }
    expect(paged).toEqual(all);

    expect((await rowsOf({ personId: provider.id })).map(shape)).toEqual(all.filter((row) => row.personId === provider.id));
    expect((await rowsOf({ door: 'LIVE' })).map(shape)).toEqual(all.filter((row) => row.door === 'LIVE'));
    const relativeLive = await rowsOf({ personId: relative.id, door: 'LIVE' });
    expect(relativeLive.map((row) => row.what)).toEqual(['document']);
    expect(await rowsOf({ door: 'ARCHIVE' })).toEqual([]);
  });

  it('is shown only to the person and their guardian; bad arguments are BAD_USER_INPUT', async () => {
    const asGuardian = await accessLog(guardian.token);
    expect(asGuardian.errors).toBeUndefined();
    expect(asGuardian.data!.plan.accessLog.edges.map((edge) => edge.node)).toEqual(await rowsOf());
    for (const who of [relative, provider]) {
      const response = await accessLog(who.token);
      expect(errorCode(response)).toBe('FORBIDDEN');
    }
    expect(errorCode(await accessLog(stranger.token))).toBe('NOT_FOUND');
    for (const args of [{ after: 'not-a-cursor' }, { after: Buffer.from('access_log:-1').toString('base64url') }, { first: 0 }, { first: 101 }, { personId: 'nobody' }]) {
      const response = await accessLog(person.token, args);
      expect(errorCode(response), JSON.stringify(args)).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const before = await rowsOf();
    // The app's own connection has no right to change the log (test/access-log-tamper.test.ts tries every way).
    const em = t.app.orm.em.fork();
    await expect(em.execute(`update access_log set what = 'nothing'`)).rejects.toThrow(/permission denied/);
    await expect(em.execute('delete from access_log where plan_id = ?', [plan.id])).rejects.toThrow(/permission denied/);
    // Even the owner is refused by the table's triggers.
    await expect(t.asOwner(`update access_log set what = 'nothing'`)).rejects.toThrow(/append-only/);
    await expect(t.asOwner('delete from access_log where plan_id = $1', [plan.id])).rejects.toThrow(/append-only/);
    await expect(t.asOwner('truncate access_log')).rejects.toThrow(/append-only/);
    expect(await rowsOf()).toEqual(before);
  });
});

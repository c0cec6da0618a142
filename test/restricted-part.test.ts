import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocumentStore } from '../src/documents/document.store.js';
import { subscribeTo } from './helpers/consent.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { documentStorage } from '../src/app/document-wiring.js';
import { errorCode } from './helpers/graphql.js';
import { rawSocket, syncUpdate } from './helpers/raw-socket.js';

/**
 * The plan's restricted part (docs/document-model.md): the person's situation lives in a second
 * document, `/collab/<planId>/restricted`, which only the person, their guardians and those the
 * person chose read. Through every door: y-websocket, raw sockets, GraphQL, graphql-ws, archive downloads.
 */

let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let guardian: SeededPerson;
let nurse: SeededPerson;
let physio: SeededPerson;
let coordinator: SeededPerson;
const editors: Editor[] = [];
const NEEDS = 'Help with morning care after the fall';

const open = (who: SeededPerson, part: 'main' | 'restricted' = 'main') => {
  const editor = connectEditor(t, part === 'main' ? plan.id : `${plan.id}/restricted`, who.token);
  editors.push(editor);
  return editor;
};
const gql = (who: SeededPerson, query: string, variables: Record<string, unknown> = {}) => t.gql(query, { id: plan.id, ...variables }, who.token);
const choose = (who: SeededPerson, mutation: 'grantRestrictedAccess' | 'revokeRestrictedAccess', target: SeededPerson) =>
  t.gql(`mutation($p: ID!) { ${mutation}(participantId: $p) { readsRestricted } }`, { p: plan.participantIds[target.sub] }, who.token);
async function addGoal(goal: string): Promise<void> {
  const added = await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: goal } } }, person.token);
  expect(added.errors).toBeUndefined();
}
const situationOf = async (who: SeededPerson) => gql(who, 'query($id: ID!) { plan(id: $id) { section(key: situation) { content restricted canEdit } } }');
const sectionKeys = async (who: SeededPerson) =>
  ((await gql(who, 'query($id: ID!) { plan(id: $id) { sections { key } } }')).data!.plan.sections as Array<{ key: string }>).map((section) => section.key);

/** A raw socket at `path`: what the server sends, and how it closes (or the HTTP status it refuses with). */
const raw = (path: string) => rawSocket(`${t.url.replace(/^http/, 'ws')}${path}`);
const deniedReasons = (messages: Uint8Array[]) => messages.flatMap((bytes) => {
  const decoder = decoding.createDecoder(bytes);
  return decoding.readVarUint(decoder) === 2 && decoding.readVarUint(decoder) === 0 ? [decoding.readVarString(decoder)] : [];
});
/** An update made on a fresh client: root-level items need nothing the server has. */
const freshUpdate = (edit: (doc: Y.Doc) => void) => {
  const doc = new Y.Doc();
  edit(doc);
  return Y.encodeStateAsUpdate(doc);
};

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const homeCare = await seed.organization('Home care');
  const physiotherapy = await seed.organization('Physiotherapy', 'PHYSIOTHERAPY');
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  person = await seed.citizen('ingrid');
  guardian = await seed.citizen('ingrid-mother');
  nurse = await seed.staff('nurse', homeCare.id);
  physio = await seed.staff('physio', physiotherapy.id);
  coordinator = await seed.staff('coordinator', unit.id);
  await seed.guardianship(guardian, person);
  // Everyone added by the person has consent to the content (CONFIDENTIAL_INFORMATION).
  plan = await seed.plan().withOwner(person).withProvider(nurse, homeCare.id).withProvider(physio, physiotherapy.id).withCoordinator(coordinator, unit.id)
    .withGuardian(guardian).create();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('the restricted document', () => {
  it('holds what the person writes about their situation; nobody else reads it until the person chooses them', async () => {
    const own = open(person, 'restricted');
    await own.synced();
    own.doc.getMap('situation').set('needs', text(NEEDS));
    await vi.waitFor(async () => expect((await situationOf(person)).data?.plan.section).toEqual({ content: { needs: NEEDS }, restricted: true, canEdit: true }));
    expect((await situationOf(guardian)).data?.plan.section.content).toEqual({ needs: NEEDS });

    // The coordinator and the providers take part and read the content, but not this part.
    for (const who of [coordinator, nurse, physio]) {
      expect(errorCode(await situationOf(who))).toBe('FORBIDDEN');
      expect(await sectionKeys(who)).not.toContain('situation');
      const refused = open(who, 'restricted');
      await vi.waitFor(() => expect(refused.closes).toEqual([expect.objectContaining({ code: 4403 })]));
    }
    const participants = await gql(person, 'query($id: ID!) { plan(id: $id) { participants { role readsRestricted } } }');
    expect(participants.data!.plan.participants).toEqual(expect.arrayContaining([
      { role: 'OWNER', readsRestricted: true }, { role: 'GUARDIAN', readsRestricted: true },
      { role: 'PROVIDER', readsRestricted: false }, { role: 'COORDINATOR', readsRestricted: false },
    ]));
  });

  it('is read, and within their section rights edited, by a provider the person chooses', async () => {
    const granted = await choose(person, 'grantRestrictedAccess', nurse);
    expect(granted.data?.grantRestrictedAccess).toEqual({ readsRestricted: true });
    expect((await gql(nurse, 'query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }')).data!.plan.viewerReadsRestricted).toBe(true);
    const reader = open(nurse, 'restricted');
    await reader.synced();
    await vi.waitFor(() => expect(reader.section('situation')).toEqual({ needs: NEEDS }));

    // Reading is the person's choice; editing still follows section rights (a provider has none on the situation).
    reader.doc.getMap('situation').set('resources', text('Mine'));
    await vi.waitFor(() => expect(reader.closes).toEqual([expect.objectContaining({ code: 4403 })]));
    expect(reader.denied.join(' ')).toContain('situation');
    const right = await t.gql('mutation($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }',
      { input: { participantId: plan.participantIds[nurse.sub], section: 'situation', right: 'EDIT' } }, person.token);
    expect(right.errors).toBeUndefined();
    const writer = open(nurse, 'restricted');
    await writer.synced();
    writer.doc.getMap('situation').set('resources', text('A daughter nearby'));
    const own = open(person, 'restricted');
    await vi.waitFor(() => expect(own.section('situation')).toEqual({ needs: NEEDS, resources: 'A daughter nearby' }));
    expect(writer.closes).toEqual([]);

    const log = await gql(person, `query($id: ID!, $who: ID) { plan(id: $id) { accessLog(first: 20, personId: $who) { edges { node { action what door } } } } }`, { who: nurse.id });
    expect(log.data!.plan.accessLog.edges.map((edge: { node: unknown }) => edge.node)).toEqual(expect.arrayContaining([
      { action: 'READ', what: 'document:restricted', door: 'LIVE' },
      { action: 'WRITE', what: 'section:situation', door: 'LIVE' },
    ]));
  });

  it('stays closed at every door to a provider the person has not chosen, whose consent covers the content', async () => {
    const socket = raw(`/collab/${plan.id}/restricted?token=${encodeURIComponent(physio.token)}`);
    expect((await socket.closed).code).toBe(4403);
    expect(socket.messages).toEqual([]);

    const read = await gql(physio, 'query($id: ID!) { plan(id: $id) { restrictedDocumentSeq viewerReadsRestricted history(first: 100) { edges { node { section } } } } }');
    expect(read.data!.plan).toMatchObject({ restrictedDocumentSeq: null, viewerReadsRestricted: false });
    expect(read.data!.plan.history.edges.map((edge: { node: { section: string } }) => edge.node.section)).not.toContain('situation');
    expect(errorCode(await gql(physio, 'query($id: ID!) { plan(id: $id) { history(first: 5, section: situation) { edges { cursor } } } }'))).toBe('FORBIDDEN');
    expect((await gql(nurse, 'query($id: ID!) { plan(id: $id) { history(first: 5, section: situation) { edges { node { by { id } } } } } }')).data!.plan.history.edges)
      .toContainEqual({ node: { by: { id: nurse.id } } });

    // Versions and archive records hold both documents; each reader gets what they may read.
    const version = await t.gql('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }', { input: { planId: plan.id, label: 'Spring' } }, person.token);
    const versionContent = async (who: SeededPerson) => (await t.gql('query($v: ID!) { version(id: $v) { content } }', { v: version.data!.createVersion.id }, who.token)).data!.version.content;
    expect(await versionContent(physio)).not.toHaveProperty('situation');
    expect((await versionContent(nurse)).situation).toEqual({ needs: NEEDS, resources: 'A daughter nearby' });
    const record = await gql(person, 'mutation($id: ID!) { archivePlan(planId: $id) { urls { json html } } }');
    const download = (path: string, who: SeededPerson) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${who.token}` } });
    const { urls } = record.data!.archivePlan;
    const physioJson = await (await download(urls.json, physio)).text();
    expect(physioJson).not.toContain(NEEDS);
    expect(JSON.parse(physioJson).restrictedSectionsLeftOut).toEqual([{ key: 'situation', title: 'Resources and needs' }]);
    expect(await (await download(urls.html, physio)).text()).not.toContain(NEEDS);
    expect(JSON.parse(await (await download(urls.json, nurse)).text()).sections).toContainEqual(expect.objectContaining({ key: 'situation', content: { needs: NEEDS, resources: 'A daughter nearby' } }));

    // planChanged: a change of the restricted part reaches the nurse, not the physiotherapist.
    const subscription = 'subscription($id: ID!) { planChanged(planId: $id) { restricted sections } }';
    const [physioEvents, nurseEvents] = [subscribeTo(t, physio.token, subscription, { id: plan.id }), subscribeTo(t, nurse.token, subscription, { id: plan.id })];
    // Both are live once each has heard something.
    await vi.waitFor(async () => {
      if (!physioEvents.events.length || !nurseEvents.events.length) await addGoal(`ping ${Math.random()}`);
      expect(Math.min(physioEvents.events.length, nurseEvents.events.length)).toBeGreaterThan(0);
    });
    const own = open(person, 'restricted');
    await own.synced();
    (own.doc.getMap('situation').get('needs') as Y.Text).insert(0, 'Urgent: ');
    await vi.waitFor(() => expect(nurseEvents.events).toContainEqual({ data: { planChanged: { restricted: true, sections: ['situation'] } } }));
    await addGoal('Walk again');
    // Barrier: the goals change came after the restricted one; once the physiotherapist has it, they would have had the other.
    await vi.waitFor(() => expect(physioEvents.events).toContainEqual({ data: { planChanged: { restricted: false, sections: ['goals'] } } }));
    expect(physioEvents.events.filter((event) => event.data.planChanged.restricted)).toEqual([]);
    await Promise.all([physioEvents.client.dispose(), nurseEvents.client.dispose()]);

    const log = await gql(person, `query($id: ID!, $who: ID) { plan(id: $id) { accessLog(first: 50, personId: $who) { edges { node { what } } } } }`, { who: physio.id });
    expect(log.data!.plan.accessLog.edges.map((edge: { node: { what: string } }) => edge.node.what).filter((what: string) => /restricted|situation/.test(what))).toEqual([]);
  });

  it('closes a revoked reader\'s open restricted connection at once; their main connection stays', async () => {
    const restricted = open(nurse, 'restricted');
    const main = open(nurse);
    await Promise.all([restricted.synced(), main.synced()]);
    expect(errorCode(await choose(physio, 'revokeRestrictedAccess', nurse))).toBe('FORBIDDEN');
    expect((await choose(person, 'revokeRestrictedAccess', nurse)).data?.revokeRestrictedAccess).toEqual({ readsRestricted: false });
    await vi.waitFor(() => expect(restricted.closes).toEqual([expect.objectContaining({ code: 4403 })]));
    // Barrier for the main connection: a change made after the revocation still reaches it.
    await addGoal('After revoking');
    await vi.waitFor(() => expect(main.section<Array<{ text: string }>>('goals').map((goal) => goal.text)).toContain('After revoking'));
    expect(main.closes).toEqual([]);
    expect(errorCode(await situationOf(nurse))).toBe('FORBIDDEN');
  });

  it('is chosen only by the person or their guardian, for others than themselves', async () => {
    expect(errorCode(await choose(coordinator, 'grantRestrictedAccess', physio))).toBe('FORBIDDEN');
    expect(errorCode(await choose(physio, 'grantRestrictedAccess', physio))).toBe('FORBIDDEN');
    expect(errorCode(await choose(person, 'grantRestrictedAccess', person))).toBe('BAD_USER_INPUT');
    expect(errorCode(await choose(guardian, 'revokeRestrictedAccess', guardian))).toBe('BAD_USER_INPUT');
    expect((await choose(guardian, 'grantRestrictedAccess', coordinator)).data?.grantRestrictedAccess).toEqual({ readsRestricted: true });
    // The coordinator's default rights include the situation: chosen, they read and edit it.
    const edited = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq section { content } } }',
      { input: { planId: plan.id, section: 'situation', fields: { resources: 'A daughter nearby; a neighbour' } } }, coordinator.token);
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updatePlanEntry.section.content.resources).toBe('A daughter nearby; a neighbour');
    const refused = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'situation', fields: { resources: 'Nothing' } } }, physio.token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
  });
});

describe('the /collab door refuses', () => {
  it('a situation written into the main document, and any other section into the restricted one', async () => {
    const main = raw(`/collab/${plan.id}?token=${encodeURIComponent(person.token)}`);
    await main.opened;
    main.socket.send(syncUpdate(freshUpdate((doc) => doc.getMap('situation').set('needs', new Y.Text('Sent to everyone')))));
    expect((await main.closed).code).toBe(4400);
    expect(deniedReasons(main.messages).join(' ')).toMatch(/situation.*restricted document/);

    const restricted = raw(`/collab/${plan.id}/restricted?token=${encodeURIComponent(person.token)}`);
    await restricted.opened;
    restricted.socket.send(syncUpdate(freshUpdate((doc) => doc.getArray('goals').push([newEntry({ id: 'g-x', text: text('Hidden goal') })]))));
    expect((await restricted.closed).code).toBe(4400);
    expect(deniedReasons(restricted.messages).join(' ')).toMatch(/goals/);

    expect(JSON.stringify((await gql(person, 'query($id: ID!) { plan(id: $id) { sections { key content } } }')).data)).not.toMatch(/Sent to everyone|Hidden goal/);
  });

  it('paths beside the two documents', async () => {
    for (const path of [`/collab/${plan.id}/restricted/x`, `/collab/${plan.id}/other`, `/collab/${plan.id}/restricted/`, `/collab/${plan.id}//restricted`]) {
      expect(await raw(`${path}?token=${encodeURIComponent(person.token)}`).status, path).toBe(404);
    }
  });
});

describe('a plan from before the split', () => {
  it('has its situation moved out of the main document the first time it is opened; old versions show it only to those the person chose', async () => {
    const seed = seedFor(t);
    const owner = await seed.citizen('legacy-owner');
    const clinic = await seed.organization('Clinic', 'PHYSIOTHERAPY');
    const provider = await seed.staff('clinic-physio', clinic.id);
    const legacy = await seed.plan().withOwner(owner).withProvider(provider, clinic.id).create();
    const LEGACY_NEEDS = 'Private needs written before the split';
    // The main document as stored before: a goal and the situation side by side, and a version of it.
    const old = new Y.Doc();
    old.getArray('goals').push([newEntry({ id: 'g-old', text: text('Live at home') })]);
    old.getMap('situation').set('needs', text(LEGACY_NEEDS));
    const state = Y.encodeStateAsUpdate(old);
    const em = t.app.orm.em.fork();
    await new DocumentStore(t.app.orm, documentStorage).append(legacy.id, [{ authorId: owner.id, sections: ['goals', 'situation'], update: state, at: new Date(), door: 'LIVE' }], 0);
    const versionId = crypto.randomUUID();
    await em.execute(`insert into plan_version (id, plan_id, label, kind, author_id, seq, state, created_at) values (?, ?, 'Before', 'NAMED', ?, 1, ?, now())`,
      [versionId, legacy.id, owner.id, Buffer.from(state)]);
    const writesBefore = await em.execute(`select id from access_log where plan_id = ? and action = 'WRITE'`, [legacy.id]);

    // The first to open it is a provider the person never chose: they get the plan without it.
    const main = connectEditor(t, legacy.id, provider.token);
    editors.push(main);
    await main.synced();
    expect(main.section('goals')).toEqual([{ id: 'g-old', text: 'Live at home' }]);
    expect(main.section('situation')).toEqual({});
    expect(Buffer.from(Y.encodeStateAsUpdate(main.doc)).includes(Buffer.from(LEGACY_NEEDS))).toBe(false);
    const ownerRead = await t.gql('query($id: ID!) { plan(id: $id) { section(key: situation) { content } } }', { id: legacy.id }, owner.token);
    expect(ownerRead.data!.plan.section.content).toEqual({ needs: LEGACY_NEEDS });

    // Stored: the restricted document holds it, and the main one's log and snapshot no longer do (compacted).
    const holds = async (part: string) => {
      const rows = await em.execute<Array<{ bytes: Buffer }>>(
        `select update as bytes from plan_update where plan_id = ? and part = ? union all select state from plan_snapshot where plan_id = ? and part = ?`,
        [legacy.id, part, legacy.id, part]);
      return rows.some((row) => row.bytes.includes(Buffer.from(LEGACY_NEEDS)));
    };
    await vi.waitFor(async () => expect(await holds('main')).toBe(false));
    expect(await holds('restricted')).toBe(true);
    // The move is the server's, nobody's access: no new WRITE rows.
    expect(await em.execute(`select id from access_log where plan_id = ? and action = 'WRITE'`, [legacy.id])).toHaveLength(writesBefore.length);

    const versionContent = async (who: SeededPerson) => (await t.gql('query($v: ID!) { version(id: $v) { content } }', { v: versionId }, who.token)).data!.version.content;
    expect(await versionContent(provider)).not.toHaveProperty('situation');
    expect((await versionContent(owner)).situation).toEqual({ needs: LEGACY_NEEDS });
  });
});

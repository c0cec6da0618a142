import net from 'node:net';
import { randomBytes } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Redis } from 'ioredis';
import { createApp, type App } from '../src/app/create-app.js';
import { encodeDocumentMessage, encodePresenceMessage } from '../src/cluster/cluster-messages.js';
import { parseConfig } from '../src/config/config.js';
import { openOrm } from '../src/db/orm.js';
import { DocumentStore } from '../src/documents/document.store.js';
import { movedContentUpdate } from '../src/documents/restricted-move.js';
import { consentFor, subscribeTo } from './helpers/consent.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { errorCode } from './helpers/graphql.js';
import { plansFor } from './helpers/plans.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { startRedisProcess, type RedisProcess } from './helpers/redis-process.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { documentStorage } from '../src/app/document-wiring.js';

/**
 * Attacks on the plan's restricted part (docs/document-model.md, "The restricted part"): every way
 * a participant the person did not choose could read or write the situation, or a reader keep it
 * after the person took it back, through the real doors with what no honest client sends.
 */

const NEEDS = 'Needs help at night since the stroke';
const holds = (bytes: Uint8Array | Buffer, secret: string) => Buffer.from(bytes).includes(Buffer.from(secret));

/** y-websocket messages, as bytes. */
const message = (write: (encoder: encoding.Encoder) => void) => {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
};
const syncStep1 = (doc = new Y.Doc()) => message((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 0); encoding.writeVarUint8Array(e, Y.encodeStateVector(doc)); });
const queryAwareness = () => message((e) => encoding.writeVarUint(e, 3));
const awarenessOf = (clientId: number, state: unknown) =>
  message((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, message((inner) => {
      encoding.writeVarUint(inner, 1);
      encoding.writeVarUint(inner, clientId);
      encoding.writeVarUint(inner, 1);
      encoding.writeVarString(inner, JSON.stringify(state));
    }));
  });
/** The names in the awareness messages a socket received. */
const namesIn = (messages: Uint8Array[]) => messages.flatMap((bytes) => {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== 1) return [];
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const names: string[] = [];
  for (let count = decoding.readVarUint(inner); count > 0; count--) {
    decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    const state = JSON.parse(decoding.readVarString(inner)) as { user?: { name?: string } } | null;
    if (state?.user?.name) names.push(state.user.name);
  }
  return names;
});

/** A raw socket through the `ws` client (which normalises the path): what arrives, and how it ends. */
const rawSockets: WebSocket[] = [];
function raw(baseUrl: string, path: string, early: Uint8Array[] = []) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`);
  rawSockets.push(socket);
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  socket.on('error', () => undefined);
  // Sent before the server has checked anything: it must hold them until it has.
  socket.once('open', () => early.forEach((bytes) => socket.send(bytes)));
  const outcome = new Promise<{ status: number; close?: number }>((resolve) => {
    socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    socket.once('close', (close) => resolve({ status: 101, close }));
  });
  return { socket, messages, outcome, leaked: (secret: string) => messages.some((bytes) => holds(bytes, secret)) };
}

/**
 * A WebSocket upgrade written by hand, the path sent byte for byte as given (no client
 * normalises it), and the server's frames read back: the HTTP status, any binary payloads, and
 * the close code.
 */
function handUpgrade(baseUrl: string, path: string, early: Uint8Array[] = [], until?: (payloads: Buffer[]) => boolean): Promise<{ status: number; payloads: Buffer[]; close?: number }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let buffer = Buffer.alloc(0);
    let status = 0;
    const payloads: Buffer[] = [];
    const finish = (close?: number) => {
      socket.destroy();
      resolve({ status, payloads, close });
    };
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!status) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(buffer.subarray(0, end).toString())?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        if (status !== 101) return finish();
        for (const bytes of early) socket.write(maskedFrame(bytes));
      }
      // Server frames are unmasked: opcode, length (7, 16 or 64 bits), payload.
      while (buffer.length >= 2) {
        const opcode = buffer[0]! & 0x0f;
        let length = buffer[1]! & 0x7f;
        let offset = 2;
        if (length === 126) [length, offset] = [buffer.readUInt16BE(2), 4];
        else if (length === 127) [length, offset] = [Number(buffer.readBigUInt64BE(2)), 10];
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 8) return finish(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
        if (opcode === 2) payloads.push(Buffer.from(payload));
        if (until?.(payloads)) return finish();
      }
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
  });
}
function maskedFrame(payload: Uint8Array): Buffer {
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x82, 0x80 | payload.length]) : Buffer.from([0x82, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, mask, Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!))]);
}

/** A PostgreSQL session that holds a lock on a table until released: a storage that answers late. */
async function holdLock(databaseUrl: string, table: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${table} in access exclusive mode`);
  return {
    /** Sessions of this database waiting on a lock (the servers' queries this one holds up). */
    waiting: async () => Number((await client.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n),
    release: async () => {
      await client.query('commit');
      await client.end();
    },
  };
}

let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let plans: ReturnType<typeof plansFor>;
const recording = recordingLogger('debug');
const editors: Editor[] = [];
let owner: SeededPerson;
let nurse: SeededPerson;
let physio: SeededPerson;
let coordinator: SeededPerson;
let homeCareId: string;
let physiotherapyId: string;
let unitId: string;
let plan: SeededPlan;

const open = (who: SeededPerson, planId: string, part: 'main' | 'restricted' = 'main', on: TestApp = t) => {
  const editor = connectEditor(on, part === 'main' ? planId : `${planId}/restricted`, who.token);
  editors.push(editor);
  return editor;
};
const choose = (who: SeededPerson, mutation: 'grantRestrictedAccess' | 'revokeRestrictedAccess', participantId: string, on: TestApp = t) =>
  on.gql(`mutation($p: ID!) { ${mutation}(participantId: $p) { id } }`, { p: participantId }, who.token);
const setSituation = async (who: SeededPerson, planId: string, fields: Record<string, string>) => {
  const changed = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }', { input: { planId, section: 'situation', fields } }, who.token);
  expect(changed.errors).toBeUndefined();
};
const situationOf = (who: SeededPerson, planId: string) => t.gql('query($id: ID!) { plan(id: $id) { section(key: situation) { content } } }', { id: planId }, who.token);
const loaded = (planId: string, part: string) => recording.records.filter((record) => record['event'] === 'document.loaded' && record['planId'] === planId && record['part'] === part).length;
const unloaded = (planId: string, part: string) => recording.records.filter((record) => record['event'] === 'document.unloaded' && record['planId'] === planId && record['part'] === part).length;

beforeAll(async () => {
  // Documents nobody uses unload quickly, so a test can catch one loading.
  t = await startTestApp({ DOC_IDLE_UNLOAD_MS: '200' }, { logger: recording.logger });
  seed = seedFor(t);
  plans = plansFor(t);
  homeCareId = (await seed.organization('Home care')).id;
  physiotherapyId = (await seed.organization('Physiotherapy', 'PHYSIOTHERAPY')).id;
  unitId = (await seed.organization('Coordinating unit', 'COORDINATING_UNIT')).id;
  owner = await seed.citizen('astrid');
  nurse = await seed.staff('nurse', homeCareId);
  physio = await seed.staff('physio', physiotherapyId);
  coordinator = await seed.staff('coordinator', unitId);
  plan = await seed.plan().withOwner(owner).withProvider(nurse, homeCareId).withProvider(physio, physiotherapyId).withCoordinator(coordinator, unitId).create();
  await setSituation(owner, plan.id, { needs: NEEDS });
  expect((await choose(owner, 'grantRestrictedAccess', plan.participantIds[nurse.sub]!)).errors).toBeUndefined();
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  for (const socket of rawSockets) socket.terminate();
  await t?.close();
});

describe('holes found (each failed before its fix)', () => {
  it('a reader revoked while their restricted connection is still opening is not left connected', async () => {
    const person = await seed.citizen('racing-owner');
    const racePlan = await seed.plan().withOwner(person).withProvider(nurse, homeCareId).create();
    await setSituation(person, racePlan.id, { needs: NEEDS });
    expect((await choose(person, 'grantRestrictedAccess', racePlan.participantIds[nurse.sub]!)).errors).toBeUndefined();
    // Nobody uses the plan: both documents unload (the main one once used itself).
    expect((await t.gql('query($id: ID!) { plan(id: $id) { documentSeq } }', { id: racePlan.id }, person.token)).errors).toBeUndefined();
    await vi.waitFor(() => expect([unloaded(racePlan.id, 'main'), unloaded(racePlan.id, 'restricted')]).toEqual([1, 1]));

    // Storage answers late: the nurse is admitted by the facts of that moment, then waits for the
    // main document to load (the restricted one opens after it, so the revocation's re-check of
    // the plan's loaded documents cannot see it yet).
    const lock = await holdLock(t.databaseUrl, 'plan_snapshot');
    let socket: ReturnType<typeof raw>;
    try {
      socket = raw(t.url, `/collab/${racePlan.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]);
      await vi.waitFor(async () => expect(await lock.waiting()).toBeGreaterThan(0));
      expect((await choose(person, 'revokeRestrictedAccess', racePlan.participantIds[nurse.sub]!)).errors).toBeUndefined();
      // The server knows before the document has loaded.
      await vi.waitFor(async () => expect((await t.gql('query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }', { id: racePlan.id }, nurse.token)).data!.plan.viewerReadsRestricted).toBe(false));
    } finally {
      await lock.release();
    }
    let ended: { status: number; close?: number } | undefined;
    void socket.outcome.then((outcome) => (ended = outcome));
    await vi.waitFor(() => expect(ended !== undefined || socket.leaked(NEEDS)).toBe(true));
    expect(socket.leaked(NEEDS)).toBe(false);
    expect(ended).toEqual({ status: 101, close: 4403 });
  });

  it('a main document opened only on the way to the restricted one unloads once nobody uses it (it stayed in memory for good)', async () => {
    const person = await seed.citizen('unloading-owner');
    const local = await seed.plan().withOwner(person).create();
    await setSituation(person, local.id, { needs: NEEDS });
    expect((await situationOf(person, local.id)).data!.plan.section.content).toEqual({ needs: NEEDS });
    await vi.waitFor(() => expect([loaded(local.id, 'main'), unloaded(local.id, 'main'), unloaded(local.id, 'restricted')]).toEqual([1, 1, 1]));
  });

  it('updatePlanEntry answers a guess at content the caller may not read exactly like a wrong guess', async () => {
    const probe = async (who: SeededPerson, planId: string, section: string, fields: Record<string, unknown>) => {
      const response = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }', { input: { planId, section, fields } }, who.token);
      return { code: errorCode(response), message: response.errors?.[0]?.message };
    };
    // The coordinator reads the content, but the person has not chosen them for the situation.
    const hit = await probe(coordinator, plan.id, 'situation', { needs: NEEDS });
    expect(hit).toEqual(await probe(coordinator, plan.id, 'situation', { needs: 'A wrong guess' }));
    expect(hit.code).toBe('FORBIDDEN');

    // A relative who takes part without consent to the content probes the main document the same way.
    const relative = await seed.citizen('probing-relative');
    const added = await plans.addParticipant(owner, { planId: plan.id, role: 'RELATIVE', person: { id: relative.id }, consent: { confidentialInformation: false } });
    expect(added.data?.addParticipant.__typename).toBe('ParticipantAdded');
    const period = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'period', fields: { start: '2027-03-01' } } }, coordinator.token);
    expect(period.errors).toBeUndefined();
    const periodHit = await probe(relative, plan.id, 'period', { start: '2027-03-01' });
    expect(periodHit).toEqual(await probe(relative, plan.id, 'period', { start: '2027-03-02' }));
    expect(periodHit.code).toBe('FORBIDDEN');
  });

  it('an archive download without the restricted part does not tell how far the situation has been edited', async () => {
    const record = await t.gql('mutation($id: ID!) { archivePlan(planId: $id) { urls { json } } }', { id: plan.id }, owner.token);
    const download = async (who: SeededPerson) =>
      (await (await fetch(`${t.url}${record.data!.archivePlan.urls.json}`, { headers: { authorization: `Bearer ${who.token}` } })).json()) as Record<string, unknown>;
    const [physioCopy, nurseCopy] = [await download(physio), await download(nurse)];
    expect(physioCopy.restrictedSectionsLeftOut).toEqual([{ key: 'situation', title: 'Resources and needs' }]);
    expect(physioCopy).not.toHaveProperty('restrictedDocumentSeq');
    // Like GraphQL's restrictedDocumentSeq: null for them, a number for those the person chose.
    expect(typeof nurseCopy.restrictedDocumentSeq).toBe('number');
    expect((await t.gql('query($id: ID!) { plan(id: $id) { restrictedDocumentSeq } }', { id: plan.id }, physio.token)).data!.plan.restrictedDocumentSeq).toBeNull();
  });
});

describe('doors that hold', () => {
  it('/collab paths in every spelling: only the exact restricted path opens it, with the same checks', async () => {
    const token = encodeURIComponent(physio.token);
    const upper = plan.id.toUpperCase();
    // Through the ws client (the path as a browser would send it).
    const spelled: Array<[string, { status: number; close?: number }]> = [
      [`/collab/${plan.id}%2Frestricted`, { status: 101, close: 4404 }],
      [`/collab/${plan.id}%2frestricted`, { status: 101, close: 4404 }],
      [`/collab/${plan.id}%2F..%2F${plan.id}/restricted`, { status: 101, close: 4404 }],
      [`/collab/${upper}/restricted`, { status: 101, close: 4403 }],
      [`/collab/${plan.id}/restricted?part=main`, { status: 101, close: 4403 }],
      [`/collab/${plan.id}/restricted/`, { status: 404 }],
      [`/collab/${plan.id}/RESTRICTED`, { status: 404 }],
      [`/collab/${plan.id}/%72estricted`, { status: 404 }],
      [`/collab/${plan.id}/restricted%00`, { status: 404 }],
      [`/collab/${plan.id}/restricted;main`, { status: 404 }],
      [`/collab/${plan.id}/restricted/restricted`, { status: 404 }],
      [`/collab/restricted/${plan.id}`, { status: 404 }],
    ];
    for (const [path, expected] of spelled) {
      const socket = raw(t.url, `${path}${path.includes('?') ? '&' : '?'}token=${token}`, [syncStep1(), queryAwareness()]);
      expect(await socket.outcome, path).toEqual(expected);
      expect(socket.messages, path).toEqual([]);
    }
    // Written by hand, byte for byte: the server reads the path as the router does.
    const byHand: Array<[string, { status: number; close?: number }]> = [
      [`/collab/${plan.id}/./restricted`, { status: 101, close: 4403 }],
      [`/collab/${plan.id}/x/../restricted`, { status: 101, close: 4403 }],
      [`/collab\\${plan.id}\\restricted`, { status: 101, close: 4403 }],
      [`http://elsewhere.example/collab/${plan.id}/restricted`, { status: 101, close: 4403 }],
      [`/collab/${plan.id}/restricted/..`, { status: 404 }],
      [`/collab/${plan.id}/restricted/.`, { status: 404 }],
      [`//collab/${plan.id}/restricted`, { status: 404 }],
    ];
    for (const [path, expected] of byHand) {
      const { status, close, payloads } = await handUpgrade(t.url, `${path}?token=${token}`, [syncStep1(), queryAwareness()]);
      expect({ status, close }, path).toEqual(expected);
      expect(payloads, path).toEqual([]);
    }
    // The same hand-written upgrade does carry the situation to a reader the person chose.
    const chosen = await handUpgrade(t.url, `/collab/${plan.id}/./restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()], (payloads) => payloads.some((bytes) => holds(bytes, NEEDS)));
    expect(chosen.status).toBe(101);
    expect(chosen.payloads.some((bytes) => holds(bytes, NEEDS))).toBe(true);
  });

  it('messages sent before the server has checked anything get nothing back, and set no presence', async () => {
    const present = open(owner, plan.id, 'restricted');
    await present.synced();
    present.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
    // A reader the person chose sees the person there, and the situation.
    const reader = raw(t.url, `/collab/${plan.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1(), queryAwareness()]);
    await vi.waitFor(() => expect([reader.leaked(NEEDS), namesIn(reader.messages)]).toEqual([true, expect.arrayContaining(['astrid name'])]));
    reader.socket.close();
    // Someone the person did not choose: sync request, presence query and a presence of their own, all before admission.
    const intruder = raw(t.url, `/collab/${plan.id}/restricted?token=${encodeURIComponent(physio.token)}`, [syncStep1(), queryAwareness(), awarenessOf(424242, { user: { name: 'Watching' } })]);
    expect(await intruder.outcome).toEqual({ status: 101, close: 4403 });
    expect(intruder.messages).toEqual([]);
    // The person's own client never hears of them.
    expect([...present.provider.awareness.getStates().keys()]).toEqual([present.doc.clientID]);
  });

  it('GraphQL, for a participant the person has not chosen: every field that could carry the situation leaves it out or refuses', async () => {
    const q = (who: SeededPerson, query: string, variables: Record<string, unknown> = {}) => t.gql(query, { id: plan.id, ...variables }, who.token);
    const versionId = (await q(owner, 'mutation($id: ID!) { createVersion(input: { planId: $id, label: "With the situation" }) { id } }')).data!.createVersion.id as string;
    const evaluation = await q(coordinator, 'mutation($id: ID!, $who: [ID!]!) { recordEvaluation(input: { planId: $id, date: "2026-01-05", participantIds: $who, outcome: "Reviewed" }) { id } }', { who: [owner.id] });
    expect(evaluation.errors).toBeUndefined();
    const forbidden = [
      'query($id: ID!) { plan(id: $id) { section(key: situation) { content } } }',
      'query($id: ID!) { plan(id: $id) { history(first: 5, section: situation) { edges { cursor } } } }',
      'query($id: ID!) { plan(id: $id) { accessLog(first: 5) { edges { node { what } } } } }',
      'mutation($id: ID!) { addPlanEntry(input: { planId: $id, section: situation, fields: { needs: "x" } }) { seq } }',
      'mutation($id: ID!) { updatePlanEntry(input: { planId: $id, section: situation, fields: { needs: "x" } }) { seq } }',
      'mutation($id: ID!) { updatePlanEntry(input: { planId: $id, section: situation, entryId: "e", fields: {} }) { seq } }',
      'mutation($id: ID!) { removePlanEntry(input: { planId: $id, section: situation, entryId: "e" }) { seq } }',
    ];
    for (const query of forbidden) expect(errorCode(await q(physio, query)), query).toBe('FORBIDDEN');
    // Ids that name the restricted document are no ids anywhere but /collab.
    for (const [query, variables] of [
      ['query($id: ID!) { plan(id: $id) { id } }', { id: `${plan.id}/restricted` }],
      ['query($v: ID!) { version(id: $v) { content } }', { v: `${versionId}/restricted` }],
      ['mutation($p: ID!) { grantRestrictedAccess(participantId: $p) { id } }', { p: `${plan.participantIds[physio.sub]}/restricted` }],
    ] as const) {
      const response = await q(owner, query, variables);
      expect(JSON.stringify(response.data ?? null), query).not.toContain(NEEDS);
      expect(errorCode(response) ?? 'null', query).toMatch(/BAD_USER_INPUT|NOT_FOUND|null/);
    }
    const everything = await q(physio, `query($id: ID!, $v: ID!) { plan(id: $id) {
      sections { key content } restrictedDocumentSeq viewerReadsRestricted documentSeq
      history(first: 100) { edges { node { section } } }
      versions(first: 100) { edges { node { id content } } } evaluations { outcome version { content } }
      participants { readsRestricted sectionRights { section access } } }
      version(id: $v) { content } }`, { v: versionId });
    expect(everything.errors).toBeUndefined();
    expect(JSON.stringify(everything.data)).not.toContain(NEEDS);
    expect(everything.data!.plan.sections.map((section: { key: string }) => section.key)).not.toContain('situation');
    expect(everything.data!.plan.history.edges.map((edge: { node: { section: string } }) => edge.node.section)).not.toContain('situation');
    expect(everything.data!.plan.restrictedDocumentSeq).toBeNull();
    expect(everything.data!.version.content).not.toHaveProperty('situation');
    // Barrier: the nurse, whom the person chose, gets the same version with it.
    expect((await q(nurse, 'query($v: ID!) { version(id: $v) { content } }', { v: versionId })).data!.version.content.situation).toEqual({ needs: NEEDS });

    // Restoring that version as the coordinator (not chosen) writes nothing into the restricted part.
    await setSituation(owner, plan.id, { needs: `${NEEDS}, and in the mornings` });
    const restored = await q(coordinator, 'mutation($v: ID!) { restoreVersion(input: { versionId: $v }) { sections version { content } } }', { v: versionId });
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreVersion.sections).not.toContain('situation');
    expect(JSON.stringify(restored.data)).not.toContain(NEEDS);
    expect((await situationOf(owner, plan.id)).data!.plan.section.content).toEqual({ needs: `${NEEDS}, and in the mornings` });

    // The person's access log names what was read, never what it said.
    const log = await q(owner, 'query($id: ID!) { plan(id: $id) { accessLog(first: 100) { edges { node { what } } } } }');
    expect(JSON.stringify(log.data)).not.toContain('Needs help');
    await setSituation(owner, plan.id, { needs: NEEDS });
  });

  it('planChanged to someone not chosen: nothing of the restricted document, also with the plan id spelled as the document', async () => {
    const bad = subscribeTo(t, physio.token, 'subscription($id: ID!) { planChanged(planId: $id) { seq } }', { id: `${plan.id}/restricted` });
    await vi.waitFor(() => expect(bad.isDone()).toBe(true));
    expect([...bad.errors, ...bad.events.flatMap((event) => event.errors ?? [])]).not.toEqual([]);
    expect(bad.events.filter((event) => event.data)).toEqual([]);
    await bad.client.dispose();
    const physioEvents = subscribeTo(t, physio.token, 'subscription($id: ID!) { planChanged(planId: $id) { restricted sections seq by { id } } }', { id: plan.id });
    const addGoal = async (goal: string) => expect((await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: plan.id, section: 'goals', fields: { text: goal } } }, owner.token)).errors).toBeUndefined();
    await vi.waitFor(async () => {
      if (!physioEvents.events.length) await addGoal(`ping ${Math.random()}`);
      expect(physioEvents.events.length).toBeGreaterThan(0);
    });
    const before = physioEvents.events.length;
    await setSituation(owner, plan.id, { resources: 'A sister in town' });
    // Barrier: a goal added after the situation changed reaches them; the situation's event would have come first.
    await addGoal('Barrier after the situation');
    await vi.waitFor(() => expect(physioEvents.events.slice(before).map((event) => event.data?.planChanged.sections)).toContainEqual(['goals']));
    expect(physioEvents.events.filter((event) => event.data?.planChanged.restricted || event.data?.planChanged.sections.includes('situation'))).toEqual([]);
    await physioEvents.client.dispose();
  });

  it('the choice: only the person or a guardian makes it, only for someone taking part, and it ends with the participation', async () => {
    const person = await seed.citizen('choosing-owner');
    const relative = await seed.citizen('choosing-relative');
    const local = await seed.plan().withOwner(person).withProvider(nurse, homeCareId).withProvider(physio, physiotherapyId).withCoordinator(coordinator, unitId).create();
    await setSituation(person, local.id, { needs: NEEDS });
    const elsewhere = await seed.plan().withOwner(await seed.citizen('other-owner')).withProvider(physio, physiotherapyId).create();
    const grant = (who: SeededPerson, participantId: string) => choose(who, 'grantRestrictedAccess', participantId);
    const table: Array<[string, SeededPerson, string, string]> = [
      ['the coordinator choosing for a provider', coordinator, local.participantIds[physio.sub]!, 'FORBIDDEN'],
      ['a provider choosing themselves', physio, local.participantIds[physio.sub]!, 'FORBIDDEN'],
      ['the person choosing themselves', person, local.participantIds[person.sub]!, 'BAD_USER_INPUT'],
      ['the person choosing in a plan they take no part in', person, elsewhere.participantIds[physio.sub]!, 'NOT_FOUND'],
      ['a made-up participant id', person, crypto.randomUUID(), 'NOT_FOUND'],
      ['not an id', person, 'restricted', 'BAD_USER_INPUT'],
    ];
    for (const [what, who, participantId, expected] of table) expect(errorCode(await grant(who, participantId)), what).toBe(expected);
    expect(errorCode(await grant(person, local.participantIds[nurse.sub]!))).toBeUndefined();
    // A reader the person chose cannot pass it on.
    expect(errorCode(await grant(nurse, local.participantIds[physio.sub]!))).toBe('FORBIDDEN');
    const physioReads = await t.gql('query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }', { id: local.id }, physio.token);
    expect(physioReads.data!.plan.viewerReadsRestricted).toBe(false);

    // Chosen while their consent covers only taking part: still nothing of the situation.
    const added = await plans.addParticipant(person, { planId: local.id, role: 'RELATIVE', person: { id: relative.id }, consent: { confidentialInformation: false } });
    const relativeParticipant = added.data!.addParticipant.participant.id as string;
    expect(errorCode(await grant(person, relativeParticipant))).toBeUndefined();
    expect(errorCode(await situationOf(relative, local.id))).toBe('FORBIDDEN');
    expect((await raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(relative.token)}`, [syncStep1()]).outcome).close).toBe(4403);

    // Removed while connected: closed at once; the choice does not come back with them.
    const reader = raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]);
    await vi.waitFor(() => expect(reader.leaked(NEEDS)).toBe(true));
    const removed = await plans.removeParticipant(person, local.participantIds[nurse.sub]!);
    expect(removed.errors).toBeUndefined();
    expect(await reader.outcome).toEqual({ status: 101, close: 4403 });
    expect(errorCode(await grant(person, local.participantIds[nurse.sub]!))).toBe('NOT_FOUND');
    const again = await plans.addParticipant(person, { planId: local.id, role: 'PROVIDER', organizationId: homeCareId, person: { id: nurse.id } });
    expect(again.data!.addParticipant.participant.readsRestricted).toBe(false);
    expect((await raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]).outcome).close).toBe(4403);
  });

  it('a chosen reader whose consent to the content is withdrawn, or runs out, is closed at once; given again, the choice stands', async () => {
    const person = await seed.citizen('consenting-owner');
    const friend = await seed.citizen('consenting-friend');
    const local = await seed.plan().withOwner(person).withProvider(nurse, homeCareId).create();
    await setSituation(person, local.id, { needs: NEEDS });
    const nurseParticipant = local.participantIds[nurse.sub]!;
    expect(errorCode(await choose(person, 'grantRestrictedAccess', nurseParticipant))).toBeUndefined();
    const consents = consentFor(t);
    const reader = raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]);
    await vi.waitFor(() => expect(reader.leaked(NEEDS)).toBe(true));
    const listed = await consents.participants(person.token, local.id);
    const content = (listed.data!.plan.participants as Array<{ id: string; consents: Array<{ id: string; scope: string; current: boolean }> }>)
      .find((participant) => participant.id === nurseParticipant)!.consents.find((consent) => consent.scope === 'CONFIDENTIAL_INFORMATION' && consent.current)!;
    expect((await consents.withdraw(nurse.token, content.id)).data?.withdrawConsent.__typename).toBe('ConsentWithdrawn');
    expect(await reader.outcome).toEqual({ status: 101, close: 4403 });
    expect(errorCode(await situationOf(nurse, local.id))).toBe('FORBIDDEN');
    expect((await raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]).outcome).close).toBe(4403);
    expect((await consents.give(person.token, { participantId: nurseParticipant, scope: 'CONFIDENTIAL_INFORMATION' })).errors).toBeUndefined();
    expect((await situationOf(nurse, local.id)).data!.plan.section.content).toEqual({ needs: NEEDS });

    // Consent that ends by the clock: the restricted connection closes at validUntil.
    const validUntil = new Date(Date.now() + 2_500).toISOString();
    const added = await plans.addParticipant(person, { planId: local.id, role: 'RELATIVE', person: { id: friend.id }, consent: { validUntil } });
    expect(errorCode(await choose(person, 'grantRestrictedAccess', added.data!.addParticipant.participant.id))).toBeUndefined();
    const friendReader = raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(friend.token)}`, [syncStep1()]);
    await vi.waitFor(() => expect(friendReader.leaked(NEEDS)).toBe(true));
    expect(await friendReader.outcome).toEqual({ status: 101, close: 4403 });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(validUntil));
    // Their consent to take part ended with it: they no longer take part.
    expect(errorCode(await situationOf(friend, local.id))).toBe('NOT_FOUND');
  });

  it('a reader revoked while connected is closed before anything written after the revocation reaches them', async () => {
    const person = await seed.citizen('revoking-owner');
    const local = await seed.plan().withOwner(person).withProvider(nurse, homeCareId).create();
    await setSituation(person, local.id, { needs: NEEDS });
    expect(errorCode(await choose(person, 'grantRestrictedAccess', local.participantIds[nurse.sub]!))).toBeUndefined();
    const own = open(person, local.id, 'restricted');
    await own.synced();
    const reader = raw(t.url, `/collab/${local.id}/restricted?token=${encodeURIComponent(nurse.token)}`, [syncStep1()]);
    await vi.waitFor(() => expect(reader.leaked(NEEDS)).toBe(true));
    expect(errorCode(await choose(person, 'revokeRestrictedAccess', local.participantIds[nurse.sub]!))).toBeUndefined();
    // Written the moment the revocation has answered, live and over GraphQL.
    (own.doc.getMap('situation').get('needs') as Y.Text).insert(0, 'Typed after: ');
    await setSituation(person, local.id, { resources: 'Written after' });
    await vi.waitFor(() => expect(own.section('situation')).toEqual({ needs: `Typed after: ${NEEDS}`, resources: 'Written after' }));
    expect(await reader.outcome).toEqual({ status: 101, close: 4403 });
    expect(reader.leaked('Typed after')).toBe(false);
    expect(reader.leaked('Written after')).toBe(false);
    // Their main connection is another matter: it stays, and the main document carries none of it.
    const main = open(nurse, local.id);
    await main.synced();
    expect(holds(Y.encodeStateAsUpdate(main.doc), NEEDS)).toBe(false);
  });

  it('a plan from before the split: the move cannot be raced from the main door, is written once, survives a crash between its halves, and is not undone by restoring', async () => {
    const LEGACY = 'Legacy needs kept in the main document';
    const legacyPlan = async (name: string, halfMoved: boolean) => {
      const person = await seed.citizen(name);
      const local = await seed.plan().withOwner(person).withProvider(physio, physiotherapyId).withCoordinator(coordinator, unitId).create();
      const old = new Y.Doc();
      old.getArray('goals').push([newEntry({ id: 'g-old', text: text('Live at home') })]);
      old.getMap('situation').set('needs', text(LEGACY));
      const store = new DocumentStore(t.app.orm, documentStorage);
      await store.append(local.id, [{ authorId: person.id, sections: ['goals', 'situation'], update: Y.encodeStateAsUpdate(old), at: new Date(), door: 'LIVE' }], 0);
      // A server that died once the restricted half was durable, before the main document was cleared.
      if (halfMoved) await store.append(`${local.id}/restricted`, [{ authorId: person.id, sections: ['situation'], update: movedContentUpdate(local.id, old), at: new Date(), door: 'LIVE', system: true }], 0);
      return { person, local, state: Y.encodeStateAsUpdate(old) };
    };
    const mainOpened = (socket: ReturnType<typeof raw>) => vi.waitFor(() => expect(socket.leaked('Live at home')).toBe(true));

    // Many first opens at once, through every door.
    const raced = await legacyPlan('legacy-raced', false);
    const mains = Array.from({ length: 6 }, () => raw(t.url, `/collab/${raced.local.id}?token=${encodeURIComponent(physio.token)}`, [syncStep1()]));
    const ownerRestricted = raw(t.url, `/collab/${raced.local.id}/restricted?token=${encodeURIComponent(raced.person.token)}`, [syncStep1()]);
    const [sections, ownerSituation] = await Promise.all([
      t.gql('query($id: ID!) { plan(id: $id) { sections { key content } documentSeq } }', { id: raced.local.id }, coordinator.token),
      situationOf(raced.person, raced.local.id),
    ]);
    for (const socket of mains) await mainOpened(socket);
    expect(mains.filter((socket) => socket.leaked(LEGACY))).toEqual([]);
    expect(JSON.stringify(sections.data)).not.toContain(LEGACY);
    expect(ownerSituation.data!.plan.section.content).toEqual({ needs: LEGACY });
    await vi.waitFor(() => expect(ownerRestricted.leaked(LEGACY)).toBe(true));

    // Crashed halfway: the move runs again, writes nothing twice and loses nothing.
    const crashed = await legacyPlan('legacy-crashed', true);
    const main = raw(t.url, `/collab/${crashed.local.id}?token=${encodeURIComponent(physio.token)}`, [syncStep1()]);
    await mainOpened(main);
    expect(main.leaked(LEGACY)).toBe(false);
    expect((await situationOf(crashed.person, crashed.local.id)).data!.plan.section.content).toEqual({ needs: LEGACY });
    const storedMain = async () => (await t.asOwner<{ bytes: Buffer }>(
      `select update as bytes from plan_update where plan_id = $1 and part = 'main' union all select state from plan_snapshot where plan_id = $1 and part = 'main'`, [crashed.local.id]));
    await vi.waitFor(async () => expect((await storedMain()).some((row) => holds(row.bytes, LEGACY))).toBe(false));

    // A version from before the split, restored by the coordinator (not chosen) or by the person, never puts it back into the main document.
    const versionId = crypto.randomUUID();
    await t.asOwner(`insert into plan_version (id, plan_id, label, kind, author_id, seq, state, created_at) values ($1, $2, 'Before', 'NAMED', $3, 1, $4, now())`,
      [versionId, crashed.local.id, crashed.person.id, Buffer.from(crashed.state)]);
    await setSituation(crashed.person, crashed.local.id, { needs: 'Changed since' });
    for (const who of [coordinator, crashed.person]) {
      const restored = await t.gql('mutation($v: ID!) { restoreVersion(input: { versionId: $v }) { sections } }', { v: versionId }, who.token);
      expect(restored.errors, who.sub).toBeUndefined();
    }
    expect((await situationOf(crashed.person, crashed.local.id)).data!.plan.section.content).toEqual({ needs: LEGACY });
    const after = raw(t.url, `/collab/${crashed.local.id}?token=${encodeURIComponent(physio.token)}`, [syncStep1()]);
    await mainOpened(after);
    expect(after.leaked(LEGACY)).toBe(false);
    expect(recording.records.filter((record) => record['event'] === 'document.restricted_moved' && record['planId'] === crashed.local.id)).toHaveLength(1);
  });
});

/**
 * A second server in this process, on the first one's database and Redis (as src/cluster runs
 * them), with a logger the test reads. Its development issuer signs with a key of its own: mint
 * tokens there.
 */
async function secondServer(databaseUrl: string, env: Record<string, string>, logger: ReturnType<typeof recordingLogger>['logger']): Promise<TestApp & { app: App }> {
  const app = await createApp(parseConfig({
    NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl,
    BOOTSTRAP_ADMIN_ISSUER: ADMIN.issuer, BOOTSTRAP_ADMIN_SUBJECT: ADMIN.subject, ...env,
  }), { logger });
  const server = {
    app,
    url: app.url,
    wsUrl: `${app.url.replace(/^http/, 'ws')}/graphql`,
    databaseUrl,
    async token(sub: string, kind: 'citizen' | 'personnel' = 'citizen', name = sub) {
      const response = await fetch(`${app.url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub, name, kind }) });
      return ((await response.json()) as { token: string }).token;
    },
    async gql(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    close: () => app.dispose(),
  };
  return server as unknown as TestApp & { app: App };
}

describe('two servers on one database, with a Redis of their own', { timeout: 60_000 }, () => {
  let redis: RedisProcess;
  let a: TestApp;
  let b: TestApp;
  const bLog = recordingLogger('debug');
  const prefix = `samplan-attacks-${randomBytes(4).toString('hex')}`;
  const A_ID = 'attack-a';
  let seedA: ReturnType<typeof seedFor>;
  let careId: string;
  let physioUnitId: string;
  /** Each person's token on B, by sub. */
  const onB = new Map<string, string>();
  const bToken = (who: SeededPerson) => onB.get(who.sub)!;
  const local: Editor[] = [];

  beforeAll(async () => {
    redis = await startRedisProcess();
    const env = { REDIS_URL: redis.url, REDIS_CHANNEL_PREFIX: prefix };
    a = await startTestApp({ ...env, SERVER_ID: A_ID });
    b = await secondServer(a.databaseUrl, { ...env, SERVER_ID: 'attack-b' }, bLog.logger);
    seedA = seedFor(a);
    careId = (await seedA.organization('Home care')).id;
    physioUnitId = (await seedA.organization('Physiotherapy', 'PHYSIOTHERAPY')).id;
  });
  afterAll(async () => {
    for (const editor of local) editor.destroy();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  /** A plan on the shared database: its owner, a nurse and a physiotherapist, with tokens on both servers. */
  async function planOnBoth(name: string) {
    const person = await seedA.citizen(`${name}-owner`);
    const reader = await seedA.staff(`${name}-nurse`, careId);
    const other = await seedA.staff(`${name}-physio`, physioUnitId);
    for (const who of [person, reader, other]) onB.set(who.sub, await b.token(who.sub, who.kind, `${who.sub} name`));
    const created = await seedA.plan().withOwner(person).withProvider(reader, careId).withProvider(other, physioUnitId).create();
    return { person, reader, other, plan: created };
  }
  const openOn = async (server: TestApp, token: string, room: string) => {
    const editor = connectEditor(server, room, token);
    local.push(editor);
    await editor.synced();
    return editor;
  };
  const publishAsA = async (room: string, change: { seq: number; authorId: string; sections: string[]; update: Uint8Array }) => {
    const publisher = new Redis(redis.url);
    try {
      await publisher.publish(`${prefix}:document`, encodeDocumentMessage({ origin: A_ID, planId: room, change: { ...change, at: new Date() } }));
    } finally {
      publisher.disconnect();
    }
  };

  const publishPresenceAsA = async (room: string, clientId: number, state: unknown) => {
    const publisher = new Redis(redis.url);
    try {
      const update = message((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, clientId);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, JSON.stringify(state));
      });
      await publisher.publish(`${prefix}:presence`, encodePresenceMessage({ origin: A_ID, planId: room, update }));
    } finally {
      publisher.disconnect();
    }
  };

  it('hole: a reader revoked through A gets nothing B applies from A after the revocation, however late B re-reads its facts', async () => {
    const { person, reader, plan: shared } = await planOnBoth('late');
    const AFTER = 'Written on A after the revocation';
    const written = await b.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }', { input: { planId: shared.id, section: 'situation', fields: { needs: NEEDS } } }, bToken(person));
    expect(written.errors).toBeUndefined();
    expect(errorCode(await choose(person, 'grantRestrictedAccess', shared.participantIds[reader.sub]!, a))).toBeUndefined();
    await vi.waitFor(async () => expect((await b.gql('query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }', { id: shared.id }, bToken(reader))).data!.plan.viewerReadsRestricted).toBe(true));
    const nurseOnB = raw(b.url, `/collab/${shared.id}/restricted?token=${encodeURIComponent(bToken(reader))}`, [syncStep1()]);
    await vi.waitFor(() => expect(nurseOnB.leaked(NEEDS)).toBe(true));
    const ownerOnB = await openOn(b, bToken(person), `${shared.id}/restricted`);
    // A's facts are fresh, so the revocation does not wait; B's re-read of the facts answers late.
    expect((await a.gql('query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }', { id: shared.id }, person.token)).errors).toBeUndefined();
    const lock = await holdLock(a.databaseUrl, 'section_grant');
    try {
      expect(await lock.waiting()).toBe(0);
      expect(errorCode(await choose(person, 'revokeRestrictedAccess', shared.participantIds[reader.sub]!, a))).toBeUndefined();
      await vi.waitFor(async () => expect(await lock.waiting()).toBeGreaterThan(0));
      // A change A commits after the revocation, and the message A sends the other servers about it.
      const orm = await openOrm(a.databaseUrl);
      let sentSeq = 0;
      try {
        const update = Y.encodeStateAsUpdate((() => { const doc = new Y.Doc(); doc.getMap('situation').set('resources', new Y.Text(AFTER)); return doc; })());
        const change = { authorId: person.id, sections: ['situation'], update, at: new Date(), door: 'LIVE' as const };
        const { firstSeq } = await new DocumentStore(orm, documentStorage).append(`${shared.id}/restricted`, [change], 0);
        sentSeq = firstSeq;
        await publishAsA(`${shared.id}/restricted`, { seq: firstSeq, authorId: person.id, sections: ['situation'], update });
      } finally {
        await orm.close();
      }
      // Barrier: B has the message while its re-read of the facts is still held up. (Presence from
      // A would not do: B holds everything bound for its peers, presence too, until the re-check.)
      await vi.waitFor(() => expect(bLog.records.some((record) => record['event'] === 'document.remote_commit_received' && record['documentId'] === `${shared.id}/restricted` && record['seq'] === sentSeq)).toBe(true));
      // Presence heard meanwhile waits with the change: it reaches the person after the re-check, never the nurse.
      await publishPresenceAsA(`${shared.id}/restricted`, 777001, { user: { name: 'Presence after the revocation' } });
    } finally {
      await lock.release();
    }
    // Barrier: the person, still a reader, gets it through B.
    await vi.waitFor(() => expect(ownerOnB.section('situation')).toEqual({ needs: NEEDS, resources: AFTER }));
    expect(nurseOnB.leaked(AFTER)).toBe(false);
    await vi.waitFor(() => expect(ownerOnB.provider.awareness.getStates().has(777001)).toBe(true));
    expect(nurseOnB.leaked('Presence after the revocation')).toBe(false);
    expect(await nurseOnB.outcome).toEqual({ status: 101, close: 4403 });
  });

  it('hole: a revocation made while Redis was down closes the reader on B once the link is back, before anything more reaches them', async () => {
    const { person, reader, plan: shared } = await planOnBoth('outage');
    const AFTER = 'Written after the link came back';
    const write = (fields: Record<string, string>) => b.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }', { input: { planId: shared.id, section: 'situation', fields } }, bToken(person));
    expect((await write({ needs: NEEDS })).errors).toBeUndefined();
    expect(errorCode(await choose(person, 'grantRestrictedAccess', shared.participantIds[reader.sub]!, a))).toBeUndefined();
    await vi.waitFor(async () => expect((await b.gql('query($id: ID!) { plan(id: $id) { viewerReadsRestricted } }', { id: shared.id }, bToken(reader))).data!.plan.viewerReadsRestricted).toBe(true));
    const nurseOnB = raw(b.url, `/collab/${shared.id}/restricted?token=${encodeURIComponent(bToken(reader))}`, [syncStep1()]);
    await vi.waitFor(() => expect(nurseOnB.leaked(NEEDS)).toBe(true));
    const ownerOnB = await openOn(b, bToken(person), `${shared.id}/restricted`);

    const count = (event: string) => bLog.records.filter((record) => record['event'] === event).length;
    const [lost, resynced] = [count('cluster.redis_disconnected'), count('cluster.resynced')];
    await redis.stop();
    await vi.waitFor(() => expect(count('cluster.redis_disconnected')).toBeGreaterThan(lost));
    // Revoked through A while B cannot hear it.
    expect(errorCode(await choose(person, 'revokeRestrictedAccess', shared.participantIds[reader.sub]!, a))).toBeUndefined();
    await redis.start();
    await vi.waitFor(() => expect(count('cluster.resynced')).toBeGreaterThan(resynced), { timeout: 15_000 });
    // Written through B right after it caught up.
    expect((await write({ resources: AFTER })).errors).toBeUndefined();
    await vi.waitFor(() => expect(ownerOnB.section('situation')).toEqual({ needs: NEEDS, resources: AFTER }));
    expect(nurseOnB.leaked(AFTER)).toBe(false);
    expect(await nurseOnB.outcome).toEqual({ status: 101, close: 4403 });
  });

  it('hole: the move of an old plan on A is no planChanged event about the situation for someone on B the person did not choose', async () => {
    const { person, other, plan: shared } = await planOnBoth('moved');
    const old = new Y.Doc();
    old.getArray('goals').push([newEntry({ id: 'g-old', text: text('Live at home') })]);
    old.getMap('situation').set('needs', text('Needs written before the split'));
    const orm = await openOrm(a.databaseUrl);
    const store = new DocumentStore(orm, documentStorage);
    try {
      await store.append(shared.id, [{ authorId: person.id, sections: ['goals', 'situation'], update: Y.encodeStateAsUpdate(old), at: new Date(), door: 'LIVE' }], 0);
      const events = subscribeTo(b, bToken(other), 'subscription($id: ID!) { planChanged(planId: $id) { restricted sections } }', { id: shared.id });
      // Live once B has passed on a change A announced (nobody has opened the plan yet: no move).
      await vi.waitFor(async () => {
        if (!events.events.length) {
          const ping = new Y.Doc();
          ping.getArray('log').push([newEntry({ id: crypto.randomUUID(), personId: person.id, text: text('ping') })]);
          const update = Y.encodeStateAsUpdate(ping);
          const { firstSeq } = await store.append(shared.id, [{ authorId: person.id, sections: ['log'], update, at: new Date(), door: 'LIVE' }], 0);
          await publishAsA(shared.id, { seq: firstSeq, authorId: person.id, sections: ['log'], update });
        }
        expect(events.events.length).toBeGreaterThan(0);
      }, { timeout: 10_000, interval: 300 });
      const heard = events.events.length;
      // The physiotherapist opens the plan on A: A moves the situation, and tells B.
      const onA = await openOn(a, other.token, shared.id);
      expect(onA.section('situation')).toEqual({});
      const added = await a.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: shared.id, section: 'goals', fields: { text: 'After the move' } } }, person.token);
      expect(added.errors).toBeUndefined();
      // Barrier: the goal added after the move reaches B's subscriber.
      await vi.waitFor(() => expect(events.events.slice(heard).some((event) => event.data?.planChanged.sections.includes('goals'))).toBe(true));
      expect(events.events.slice(heard).filter((event) => JSON.stringify(event).includes('situation') || event.data?.planChanged.restricted)).toEqual([]);
      await events.client.dispose();
    } finally {
      await orm.close();
    }
  });

  it('holds: a restricted change made on A reaches the chosen reader on B, and nobody\'s main connection there; presence stays in its document', async () => {
    const { person, reader, other, plan: shared } = await planOnBoth('spread');
    expect(errorCode(await choose(person, 'grantRestrictedAccess', shared.participantIds[reader.sub]!, a))).toBeUndefined();
    const ownerOnA = await openOn(a, person.token, `${shared.id}/restricted`);
    const readerOnB = await openOn(b, bToken(reader), `${shared.id}/restricted`);
    const mainOnB = await openOn(b, bToken(other), shared.id);
    const readerMainOnB = await openOn(b, bToken(reader), shared.id);
    // Set once the document is loaded on B too (presence is relayed to copies that are loaded).
    ownerOnA.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    ownerOnA.doc.getMap('situation').set('needs', text(NEEDS));
    await vi.waitFor(() => expect(readerOnB.section('situation')).toEqual({ needs: NEEDS }));
    await vi.waitFor(() => expect(readerOnB.provider.awareness.getStates().has(ownerOnA.doc.clientID)).toBe(true));
    // Barrier: a goal added on A after it reaches both main connections on B.
    expect((await a.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }', { input: { planId: shared.id, section: 'goals', fields: { text: 'Shared goal' } } }, person.token)).errors).toBeUndefined();
    for (const main of [mainOnB, readerMainOnB]) {
      await vi.waitFor(() => expect(main.section<Array<{ text: string }>>('goals').map((goal) => goal.text)).toContain('Shared goal'));
      expect(holds(Y.encodeStateAsUpdate(main.doc), NEEDS)).toBe(false);
      expect(main.provider.awareness.getStates().has(ownerOnA.doc.clientID)).toBe(false);
    }
  });
});

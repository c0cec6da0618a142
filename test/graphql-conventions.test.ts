import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, expectData } from './helpers/graphql.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { describeMyPlans, PlanQuery, samplanClient } from '../examples/typed-client/src/samplan.js';

/* The conventions docs/graphql.md promises typed clients: node ids, one not-found rule, connections. */

const NODE = `query($id: ID!) { node(id: $id) { __typename id
  ... on Plan { title } ... on PlanVersion { label } ... on ArchiveRecord { archiveKind: kind } ... on Organization { name } ... on Notification { notificationKind: kind } } }`;

let t: TestApp;
let owner: SeededPerson;
let relative: SeededPerson;
let outsider: SeededPerson;
let plan: SeededPlan;
let unit: { id: string; name: string };
let versionId: string;
let recordId: string;

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  unit = await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT');
  owner = await seed.citizen('node-owner');
  relative = await seed.citizen('node-relative');
  outsider = await seed.citizen('node-outsider');
  plan = await seed.plan().withOwner(owner).titled('Nodes').withRelative(relative).create();
  versionId = expectData(await t.gql<{ createVersion: { id: string } }>('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }',
    { input: { planId: plan.id, label: 'First' } }, owner.token), 'createVersion').createVersion.id;
  recordId = expectData(await t.gql<{ archivePlan: { id: string } }>('mutation($id: ID!) { archivePlan(planId: $id) { id } }', { id: plan.id }, owner.token), 'archivePlan').archivePlan.id;
});
afterAll(() => t?.close());

describe('node(id:)', () => {
  it('fetches each node type by the id read anywhere else, typed by __typename', async () => {
    expect((await t.gql(NODE, { id: plan.id }, relative.token)).data?.node).toEqual({ __typename: 'Plan', id: plan.id, title: 'Nodes' });
    expect((await t.gql(NODE, { id: versionId }, relative.token)).data?.node).toEqual({ __typename: 'PlanVersion', id: versionId, label: 'First' });
    expect((await t.gql(NODE, { id: recordId }, owner.token)).data?.node).toEqual({ __typename: 'ArchiveRecord', id: recordId, archiveKind: 'INTERIM' });
    expect((await t.gql(NODE, { id: unit.id }, outsider.token)).data?.node).toEqual({ __typename: 'Organization', id: unit.id, name: unit.name });
    const inbox = expectData(await t.gql<{ notifications: { edges: Array<{ node: { id: string } }> } }>('{ notifications(first: 1) { edges { node { id } } } }', {}, relative.token), 'notifications');
    const invitation = inbox.notifications.edges[0]!.node.id;
    expect((await t.gql(NODE, { id: invitation }, relative.token)).data?.node).toEqual({ __typename: 'Notification', id: invitation, notificationKind: 'PLAN_INVITATION' });
    // Someone else's notification is as unknown as an id that names nothing.
    const theirs = await t.gql(NODE, { id: invitation }, owner.token);
    expect([theirs.data?.node, errorCode(theirs)]).toEqual([null, 'NOT_FOUND']);
  });

  it('answers whoever takes no part exactly as plan(id:) and version(id:) do: null and NOT_FOUND', async () => {
    for (const id of [plan.id, versionId, recordId, crypto.randomUUID()]) {
      const viaNode = await t.gql(NODE, { id }, outsider.token);
      expect([viaNode.data?.node, errorCode(viaNode)], id).toEqual([null, 'NOT_FOUND']);
    }
    const viaPlan = await t.gql('query($id: ID!) { plan(id: $id) { id } }', { id: plan.id }, outsider.token);
    expect([viaPlan.data?.plan, errorCode(viaPlan)]).toEqual([null, 'NOT_FOUND']);
    // A participant gets a record exactly when the plan's own archiveRecords lists it for them.
    const listed = await t.gql('query($id: ID!) { plan(id: $id) { archiveRecords { edges { node { id } } } } }', { id: plan.id }, relative.token);
    const record = await t.gql(NODE, { id: recordId }, relative.token);
    expect(record.data?.node?.id ?? null).toBe(listed.data?.plan.archiveRecords.edges[0]?.node.id ?? null);
  });

  it('refuses an id that is not an id, as plan(id:) does, and leaks no other type through a fragment', async () => {
    for (const id of ['', 'UGxhbjox', `${plan.id}'--`, 'Plan:' + plan.id]) {
      const viaNode = await t.gql(NODE, { id }, owner.token);
      expect([viaNode.data?.node, errorCode(viaNode)], id).toEqual([null, 'BAD_USER_INPUT']);
    }
    // Another type's id under a Plan fragment is that type, never a plan.
    const asPlan = await t.gql('query($id: ID!) { node(id: $id) { __typename ... on Plan { title } } }', { id: versionId }, owner.token);
    expect(asPlan.data?.node).toEqual({ __typename: 'PlanVersion' });
  });
});

describe('one not-found rule', () => {
  const BY_ID = {
    plan: 'query($id: ID!) { plan(id: $id) { id } }',
    version: 'query($id: ID!) { version(id: $id) { id } }',
    request: 'query($id: ID!) { request(id: $id) { id } }',
    complaint: 'query($id: ID!) { complaint(id: $id) { id } }',
    organization: 'query($id: ID!) { organization(id: $id) { id } }',
    node: 'query($id: ID!) { node(id: $id) { id } }',
  } as const;

  it('answers null with NOT_FOUND for an id that names nothing, and BAD_USER_INPUT for one that is no id, on every field', async () => {
    for (const [field, query] of Object.entries(BY_ID)) {
      const missing = await t.gql(query, { id: crypto.randomUUID() }, owner.token);
      expect([missing.data?.[field], errorCode(missing)], field).toEqual([null, 'NOT_FOUND']);
      const malformed = await t.gql(query, { id: 'not-an-id' }, owner.token);
      expect([malformed.data?.[field], errorCode(malformed)], field).toEqual([null, 'BAD_USER_INPUT']);
    }
  });
});

describe('connections', () => {
  const VERSIONS = 'query($id: ID!, $after: String) { plan(id: $id) { versions(first: 2, after: $after) { totalCount edges { cursor node { label } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }';

  it('pages versions forward with a full PageInfo, and refuses a cursor that is not one', async () => {
    for (const label of ['Second', 'Third']) {
      expectData(await t.gql('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }', { input: { planId: plan.id, label } }, owner.token), 'createVersion');
    }
    const first = expectData(await t.gql<any>(VERSIONS, { id: plan.id }, owner.token), 'versions').plan.versions;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((edge: any) => edge.node.label)).toEqual(['Third', 'Second']);
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0].cursor, endCursor: first.edges[1].cursor });
    const second = expectData(await t.gql<any>(VERSIONS, { id: plan.id, after: first.pageInfo.endCursor }, owner.token), 'versions').plan.versions;
    expect(second.edges.map((edge: any) => edge.node.label)).toEqual(['First']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    for (const after of ['garbage', Buffer.from('["x","y"]').toString('base64url'), Buffer.from(`["2026-01-01T00:00:00Z","${plan.id}' or 1=1"]`).toString('base64url')]) {
      expect(errorCode(await t.gql(VERSIONS, { id: plan.id, after }, owner.token)), after).toBe('BAD_USER_INPUT');
    }
  });

  it('pages archive records, consents and my requests the same way', async () => {
    const read = expectData(await t.gql<any>(`query($id: ID!) { plan(id: $id) {
      archiveRecords(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage } }
      consents(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } myRequests(first: 5) { totalCount pageInfo { hasNextPage } } }`,
    { id: plan.id }, owner.token), 'lists');
    expect(read.plan.archiveRecords).toEqual({ totalCount: 1, edges: [{ node: { id: recordId } }], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    expect(read.plan.consents.edges).toHaveLength(Math.min(1, read.plan.consents.totalCount));
    expect(read.plan.consents.pageInfo.hasNextPage).toBe(read.plan.consents.totalCount > 1);
    expect(read.myRequests).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false } });
    // A page is at most 100, as on every connection.
    expect(errorCode(await t.gql('query($id: ID!) { plan(id: $id) { archiveRecords(first: 1000) { totalCount } } }', { id: plan.id }, owner.token))).toBe('BAD_USER_INPUT');
  });
});

describe('section content, typed', () => {
  it('serves the committed JSON Schema of sections, and real content keeps to it', async () => {
    const committed = JSON.parse(await readFile(new URL('../schema/sections.schema.json', import.meta.url), 'utf8'));
    const response = await fetch(new URL('/schema/sections.schema.json', t.url));
    expect(response.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(await response.json()).toEqual(committed);

    expectData(await t.gql('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
      { input: { planId: plan.id, section: 'goals', fields: { text: 'Walk to the shop' } } }, owner.token), 'addPlanEntry');
    const read = expectData(await t.gql<any>('query($id: ID!) { plan(id: $id) { section(key: goals) { content } } }', { id: plan.id }, owner.token), 'section');
    const entry = committed.$defs.goals.items;
    for (const item of read.plan.section.content) {
      expect(Object.keys(item).every((key) => key in entry.properties), JSON.stringify(item)).toBe(true);
      for (const key of entry.required) expect(typeof item[key]).toBe('string');
    }
    expect(read.plan.section.content).toHaveLength(1);
  });
});

describe('the typed client example (examples/typed-client)', () => {
  it('queries me, my plans and a plan with its typed documents against the real app', async () => {
    const lines = await describeMyPlans(t.url, relative.token);
    expect(lines[0]).toBe('node-relative name (CITIZEN)');
    expect(lines).toContainEqual(expect.stringMatching(/^Nodes: .*node-owner name \(OWNER\).*node-relative name \(RELATIVE\)/));
    // A plan it may not read is thrown as the server's NOT_FOUND.
    await expect(samplanClient(t.url, outsider.token)(PlanQuery, { id: plan.id })).rejects.toThrow(/^NOT_FOUND/);
  });
});

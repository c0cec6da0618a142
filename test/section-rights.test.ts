import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { errorCode } from './helpers/graphql.js';

/**
 * Every rule of the default rights table (src/policy/section-rules.ts), tried through both
 * doors: live over y-websocket and over GraphQL. Allowed edits land; refused ones are refused the
 * same way on both doors, reach nobody, and are gone after a restart.
 */

let t: TestApp;
let plan: SeededPlan;
const people: Record<string, SeededPerson> = {};
const orgs: Record<string, string> = {};
const editors: Editor[] = [];
let observer: Editor;

/** A live editor on the plan's main document, or (`restricted`) on its restricted one. */
const open = async (who: string, part: 'main' | 'restricted' = 'main') => {
  const editor = connectEditor(t, part === 'main' ? plan.id : `${plan.id}/restricted`, people[who]!.token);
  editors.push(editor);
  await editor.synced();
  return editor;
};
const entry = (doc: Y.Doc, section: string, id: string) =>
  doc.getArray<Y.Map<unknown>>(section).toArray().find((candidate) => candidate.get('id') === id)!;
const field = (doc: Y.Doc, section: string, id: string, name: string) => entry(doc, section, id).get(name) as Y.Text;

/** How many changes both of the plan's documents have committed. */
async function documentSeq(): Promise<number> {
  const response = await t.gql<{ plan: { documentSeq: number; restrictedDocumentSeq: number } }>(
    'query($id: ID!) { plan(id: $id) { documentSeq restrictedDocumentSeq } }', { id: plan.id }, people['person']!.token);
  return response.data!.plan.documentSeq + response.data!.plan.restrictedDocumentSeq;
}

async function content(token = people['person']!.token): Promise<Record<string, unknown>> {
  const response = await t.gql<{ plan: { sections: Array<{ key: string; content: unknown }> } }>(
    'query($id: ID!) { plan(id: $id) { sections { key content } } }', { id: plan.id }, token);
  return Object.fromEntries(response.data!.plan.sections.map((section) => [section.key, section.content]));
}

/** A change everyone can see arrive: once the observer has it, anything sent before it would have arrived too. */
let markers = 0;
async function expectObserverMatchesServer(): Promise<void> {
  const marker = `marker ${++markers}`;
  const coordinator = people['coordinator']!;
  const result = await t.gql('mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
    { input: { planId: plan.id, section: 'period', fields: { note: marker } } }, coordinator.token);
  expect(result.errors).toBeUndefined();
  await vi.waitFor(() => expect(observer.section<{ note?: string }>('period').note).toBe(marker));
  // The observer reads the main document: everything but the restricted part.
  const server = await content(people['physio']!.token);
  expect(server).not.toHaveProperty('situation');
  for (const [key, value] of Object.entries(server)) expect(observer.section(key as never), key).toEqual(value);
}

const mutations = {
  add: 'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { seq } }',
  update: 'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }',
  remove: 'mutation($input: RemovePlanEntryInput!) { removePlanEntry(input: $input) { seq } }',
} as const;

interface Case {
  who: string;
  rule: string;
  section: string;
  allowed: boolean;
  /** The document the live edit goes to. @default 'main' */
  part?: 'restricted';
  live: (doc: Y.Doc) => void;
  graphql: { mutation: keyof typeof mutations; input: Record<string, unknown> };
}

const FORBIDDEN_TEXT = 'FORBIDDEN CHANGE';
let counter = 0;
const uniqueId = () => `case-${++counter}`;

/** Ids are looked up when a case runs; at collection time only the names are needed. */
const idOf = (who: string) => people[who]?.id ?? '';

const cases = (): Case[] => [
  { who: 'person', rule: 'the person edits goals', section: 'goals', allowed: true,
    live: (doc) => doc.getArray('goals').push([newEntry({ id: uniqueId(), text: text('Swim weekly') })]),
    graphql: { mutation: 'add', input: { section: 'goals', fields: { text: 'Read more' } } } },
  { who: 'guardian', rule: 'the guardian edits the situation', section: 'situation', allowed: true, part: 'restricted',
    live: (doc) => (doc.getMap('situation').get('needs') as Y.Text).insert(0, 'Also: '),
    graphql: { mutation: 'update', input: { section: 'situation', fields: { resources: 'A supportive family' } } } },
  { who: 'person', rule: 'the person does not edit the plan period', section: 'period', allowed: false,
    live: (doc) => doc.getMap('period').set('end', '2030-01-01'),
    graphql: { mutation: 'update', input: { section: 'period', fields: { end: '2030-01-01' } } } },
  { who: 'relative', rule: 'a relative does not edit goals', section: 'goals', allowed: false,
    live: (doc) => doc.getArray('goals').push([newEntry({ id: uniqueId(), text: text(FORBIDDEN_TEXT) })]),
    graphql: { mutation: 'add', input: { section: 'goals', fields: { text: FORBIDDEN_TEXT } } } },
  { who: 'relative', rule: 'a relative adds their own contribution', section: 'contributions', allowed: true,
    live: (doc) => doc.getArray('contributions').push([newEntry({ id: uniqueId(), personId: idOf('relative'), text: text('Drive to training') })]),
    graphql: { mutation: 'add', input: { section: 'contributions', fields: { text: 'Cook on Sundays' } } } },
  { who: 'relative', rule: "a relative does not edit the person's contribution", section: 'contributions', allowed: false,
    live: (doc) => field(doc, 'contributions', 'c-person', 'text').insert(0, FORBIDDEN_TEXT),
    graphql: { mutation: 'update', input: { section: 'contributions', entryId: 'c-person', fields: { text: FORBIDDEN_TEXT } } } },
  { who: 'relative', rule: 'a relative cannot add a contribution in the person\'s name', section: 'contributions', allowed: false,
    live: (doc) => doc.getArray('contributions').push([newEntry({ id: uniqueId(), personId: idOf('person'), text: text(FORBIDDEN_TEXT) })]),
    graphql: { mutation: 'add', input: { section: 'contributions', fields: { personId: idOf('person'), text: FORBIDDEN_TEXT } } } },
  { who: 'coordinator', rule: "the coordinator does not edit others' contributions", section: 'contributions', allowed: false,
    live: (doc) => field(doc, 'contributions', 'c-relative', 'text').insert(0, FORBIDDEN_TEXT),
    graphql: { mutation: 'remove', input: { section: 'contributions', entryId: 'c-relative' } } },
  { who: 'coordinator', rule: 'the coordinator edits any measure', section: 'measures', allowed: true,
    live: (doc) => entry(doc, 'measures', 'm-physio').set('status', 'ONGOING'),
    graphql: { mutation: 'update', input: { section: 'measures', entryId: 'm-home', fields: { extent: 'Twice a day' } } } },
  { who: 'nurse', rule: "a provider edits their own unit's measure", section: 'measures', allowed: true,
    live: (doc) => field(doc, 'measures', 'm-home', 'implementation').insert(0, 'Morning and evening. '),
    graphql: { mutation: 'update', input: { section: 'measures', entryId: 'm-home', fields: { status: 'ONGOING' } } } },
  { who: 'nurse', rule: "a provider does not edit another unit's measure", section: 'measures', allowed: false,
    live: (doc) => field(doc, 'measures', 'm-physio', 'implementation').insert(0, FORBIDDEN_TEXT),
    graphql: { mutation: 'update', input: { section: 'measures', entryId: 'm-physio', fields: { implementation: FORBIDDEN_TEXT } } } },
  { who: 'nurse', rule: 'a provider cannot hand their measure to another unit', section: 'measures', allowed: false,
    live: (doc) => entry(doc, 'measures', 'm-home').set('organizationId', orgs['physio']),
    graphql: { mutation: 'update', input: { section: 'measures', entryId: 'm-home', fields: { organizationId: orgs['physio'] } } } },
  { who: 'nurse', rule: 'a provider adds a measure for their own unit only', section: 'measures', allowed: false,
    live: (doc) => doc.getArray('measures').push([newEntry({ id: uniqueId(), organizationId: orgs['physio'], title: text(FORBIDDEN_TEXT) })]),
    graphql: { mutation: 'add', input: { section: 'measures', fields: { organizationId: orgs['physio'], title: FORBIDDEN_TEXT } } } },
  { who: 'nurse', rule: 'a provider adds a measure for their unit', section: 'measures', allowed: true,
    live: (doc) => doc.getArray('measures').push([newEntry({ id: uniqueId(), organizationId: orgs['homeCare'], title: text('Meals') })]),
    graphql: { mutation: 'add', input: { section: 'measures', fields: { title: 'Shopping' } } } },
  { who: 'nurse', rule: 'a provider does not edit goals', section: 'goals', allowed: false,
    live: (doc) => field(doc, 'goals', 'g-first', 'text').insert(0, FORBIDDEN_TEXT),
    graphql: { mutation: 'remove', input: { section: 'goals', entryId: 'g-first' } } },
  { who: 'relative', rule: 'everyone adds their own log entries', section: 'log', allowed: true,
    live: (doc) => doc.getArray('log').push([newEntry({ id: uniqueId(), personId: idOf('relative'), text: text('Called the school') })]),
    graphql: { mutation: 'add', input: { section: 'log', fields: { text: 'Visited on Friday' } } } },
  { who: 'relative', rule: "nobody edits another person's log entry", section: 'log', allowed: false,
    live: (doc) => field(doc, 'log', 'l-nurse', 'text').insert(0, FORBIDDEN_TEXT),
    graphql: { mutation: 'remove', input: { section: 'log', entryId: 'l-nurse' } } },
  { who: 'nurse', rule: 'everyone removes their own log entries', section: 'log', allowed: true,
    live: (doc) => doc.getArray('log').delete(doc.getArray('log').toArray().findIndex((item) => (item as Y.Map<unknown>).get('id') === 'l-nurse-2'), 1),
    graphql: { mutation: 'update', input: { section: 'log', entryId: 'l-nurse', fields: { text: 'Visited, all well' } } } },
];

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  orgs['homeCare'] = (await seed.organization('Home care')).id;
  orgs['physio'] = (await seed.organization('Physiotherapy', 'PHYSIOTHERAPY')).id;
  people['person'] = await seed.citizen('nora');
  people['guardian'] = await seed.citizen('nora-mother');
  people['relative'] = await seed.citizen('nora-uncle');
  people['nurse'] = await seed.staff('nurse', orgs['homeCare']);
  people['physio'] = await seed.staff('physio', orgs['physio']);
  people['coordinator'] = await seed.staff('coordinator', unit.id);
  await seed.guardianship(people['guardian'], people['person']);
  plan = await seed.plan().withOwner(people['person']).withRelative(people['relative'])
    .withProvider(people['nurse'], orgs['homeCare']).withProvider(people['physio'], orgs['physio'])
    .withCoordinator(people['coordinator'], unit.id).withGuardian(people['guardian']).create();

  // Starting content, each part written by whoever may write it.
  const coordinator = await open('coordinator');
  coordinator.doc.getArray('goals').push([newEntry({ id: 'g-first', text: text('Live at home') })]);
  coordinator.doc.getArray('measures').push([
    newEntry({ id: 'm-home', organizationId: orgs['homeCare'], title: text('Home care'), implementation: text('') }),
    newEntry({ id: 'm-physio', organizationId: orgs['physio'], title: text('Training'), implementation: text('') }),
  ]);
  (await open('person', 'restricted')).doc.getMap('situation').set('needs', text('Help with meals'));
  (await open('person')).doc.getArray('contributions').push([newEntry({ id: 'c-person', personId: people['person'].id, text: text('Do the exercises') })]);
  (await open('relative')).doc.getArray('contributions').push([newEntry({ id: 'c-relative', personId: people['relative'].id, text: text('Join the walks') })]);
  (await open('nurse')).doc.getArray('log').push([
    newEntry({ id: 'l-nurse', personId: people['nurse'].id, text: text('First visit done') }),
    newEntry({ id: 'l-nurse-2', personId: people['nurse'].id, text: text('Second visit done') }),
  ]);
  observer = await open('physio');
  await vi.waitFor(() => expect(observer.section('log')).toHaveLength(2));
  await vi.waitFor(() => expect(observer.section('contributions')).toHaveLength(2));
});

afterAll(async () => {
  for (const editor of editors) editor.destroy();
  await t?.close();
});

describe('rights per section, live', () => {
  for (const [index, rule] of cases().entries()) {
    it(`${rule.allowed ? 'allows' : 'refuses'}: ${rule.rule}`, async () => {
      const current = cases()[index]!; // built now, when seeded ids exist
      const editor = await open(current.who, current.part);
      const before = await documentSeq();
      current.live(editor.doc);
      if (current.allowed) {
        await vi.waitFor(async () => expect(await documentSeq()).toBeGreaterThan(before));
        await expectObserverMatchesServer();
        expect(editor.closes).toEqual([]);
      } else {
        await vi.waitFor(() => expect(editor.closes).toEqual([expect.objectContaining({ code: 4403 })]));
        expect(editor.denied.join(' ')).toContain(current.section);
        expect(await documentSeq()).toBe(before);
        await expectObserverMatchesServer();
      }
      editor.destroy();
    });
  }
});

describe('rights per section, over GraphQL', () => {
  for (const [index, rule] of cases().entries()) {
    it(`${rule.allowed ? 'allows' : 'refuses'}: ${rule.rule}`, async () => {
      const current = cases()[index]!;
      const before = await documentSeq();
      const response = await t.gql(mutations[current.graphql.mutation], { input: { planId: plan.id, ...current.graphql.input } }, people[current.who]!.token);
      if (current.allowed) {
        expect(response.errors).toBeUndefined();
        expect(await documentSeq()).toBeGreaterThan(before);
      } else {
        expect(errorCode(response)).toBe('FORBIDDEN');
        expect(response.errors?.[0]?.message).toContain(current.section);
        expect(await documentSeq()).toBe(before);
      }
      await expectObserverMatchesServer();
    });
  }
});

describe('granted and revoked rights', () => {
  const setRight = (who: string, target: string, section: string, right: string) =>
    t.gql('mutation($input: SetSectionRightInput!) { setSectionRight(input: $input) { sectionRights { section access granted } } }',
      { input: { participantId: plan.participantIds[people[target]!.sub] ?? '', section, right } }, people[who]!.token);

  it('takes effect on an open connection: a grant allows, a revocation stops the very next edit', async () => {
    const relative = await open('relative');
    const granted = await setRight('person', 'relative', 'goals', 'EDIT');
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.setSectionRight.sectionRights).toContainEqual({ section: 'goals', access: 'ALL', granted: 'EDIT' });
    const before = await documentSeq();
    relative.doc.getArray('goals').push([newEntry({ id: 'g-granted', text: text('Go to the cinema') })]);
    await vi.waitFor(async () => expect(await documentSeq()).toBeGreaterThan(before));

    expect((await setRight('coordinator', 'relative', 'goals', 'READ')).errors).toBeUndefined();
    const afterRevoke = await documentSeq();
    field(relative.doc, 'goals', 'g-granted', 'text').insert(0, FORBIDDEN_TEXT);
    await vi.waitFor(() => expect(relative.closes).toEqual([expect.objectContaining({ code: 4403 })]));
    expect(await documentSeq()).toBe(afterRevoke);
    expect((await setRight('person', 'relative', 'goals', 'DEFAULT')).data!.setSectionRight.sectionRights).toContainEqual({ section: 'goals', access: 'NONE', granted: null });
  });

  it('only the person, their guardian and the coordinator set rights; only the person and guardian touch the person\'s own', async () => {
    expect(errorCode(await setRight('relative', 'relative', 'goals', 'EDIT'))).toBe('FORBIDDEN');
    expect(errorCode(await setRight('nurse', 'relative', 'goals', 'EDIT'))).toBe('FORBIDDEN');
    expect(errorCode(await setRight('coordinator', 'person', 'period', 'EDIT'))).toBe('FORBIDDEN');
    expect((await setRight('guardian', 'person', 'period', 'EDIT')).errors).toBeUndefined();
    expect((await setRight('guardian', 'person', 'period', 'DEFAULT')).errors).toBeUndefined();
  });
});

describe('after a restart', () => {
  it('holds every allowed change and none of the refused ones', async () => {
    const final = await content();
    expect(JSON.stringify(final)).not.toContain(FORBIDDEN_TEXT);
    for (const editor of editors.splice(0)) editor.destroy();
    await t.restart();
    const reloaded = await content(await t.token(people['person']!.sub));
    expect(reloaded).toEqual(final);
  });
});

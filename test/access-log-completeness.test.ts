import { getNamedType, isAbstractType, isInterfaceType, isLeafType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_PLAN_CONTENT_FIELDS, PLAN_CONTENT_FIELDS, type PlanContentField } from '../src/access-log/plan-content-fields.js';
import { buildSchema } from '../src/graphql/schema.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type GraphQLResponse, type TestApp } from './helpers/test-app.js';

/*
 * Walks the executable schema: every field that can return plan content is classified once
 * (src/access-log/plan-content-fields.ts), and every content field, read through HTTP by someone
 * who may read it, leaves a row in the access log; fields that are not content leave none.
 */

const schema = buildSchema();
type Field = GraphQLField<unknown, unknown>;
interface Step {
  parent: string;
  field: Field;
}

const objectType = (name: string): GraphQLObjectType | null => {
  const type = schema.getType(name);
  return type && !name.startsWith('__') && (isObjectType(type) || isInterfaceType(type)) ? (type as GraphQLObjectType) : null;
};
const fieldsOf = (name: string): Field[] => Object.values(objectType(name)?.getFields() ?? {});
/** The object types a field can return (union and interface members included). */
const targetsOf = (field: Field): string[] => {
  const named = getNamedType(field.type);
  return isAbstractType(named) ? schema.getPossibleTypes(named).map((type) => type.name) : [named.name];
};
const reachableFrom = (start: readonly string[]): Set<string> => {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name) || !objectType(name)) continue;
    seen.add(name);
    for (const field of fieldsOf(name)) queue.push(...targetsOf(field));
  }
  return seen;
};
const allTypes = Object.keys(schema.getTypeMap()).filter((name) => objectType(name));
const allFields = allTypes.flatMap((parent) => fieldsOf(parent).map((field) => ({ parent, field, name: `${parent}.${field.name}` })));
const classOf = (name: string): PlanContentField | 'none' | undefined => PLAN_CONTENT_FIELDS[name] ?? (NOT_PLAN_CONTENT_FIELDS.includes(name) ? 'none' : undefined);
const isContent = (name: string) => {
  const kind = classOf(name);
  return kind !== undefined && kind !== 'none' && kind !== 'written';
};

/** Types reachable from a plan, and those of them that hold content (with Plan itself). */
const fromPlan = reachableFrom(['Plan']);
const contentTypes = new Set(['Plan', ...[...fromPlan].filter((type) => fieldsOf(type).some((field) => isContent(`${type}.${field.name}`)))]);
/** Every field of a type reachable from Plan, and every field anywhere that leads to content. */
const inScope = allFields.filter(({ parent, field }) => fromPlan.has(parent) || [...reachableFrom(targetsOf(field))].some((type) => contentTypes.has(type)));
const edgesInto = (type: string) => inScope.filter(({ field }) => targetsOf(field).includes(type));

let t: TestApp;
let plan: SeededPlan;
let owner: SeededPerson;
let coordinator: SeededPerson;
let versionId: string;
let goalId: string;

/** Values for arguments the walk must pass (required ones, or to pick what to read). */
const argumentsOf = (name: string): Record<string, unknown> | undefined =>
  ({
    'Query.plan': { id: plan.id },
    'Query.version': { id: versionId },
    'Query.node': { id: versionId },
    'Plan.section': { key: 'goals' },
  })[name];
const satisfiable = (parent: string, field: Field) =>
  field.args.every((arg) => !arg.type.toString().endsWith('!') || argumentsOf(`${parent}.${field.name}`)?.[arg.name] !== undefined);

/** Shortest chain of fields from Query to `type`; `silent`: through fields that are not content only. */
function pathTo(type: string, silent = false): Step[] | null {
  const previous = new Map<string, Step | null>([['Query', null]]);
  const queue = ['Query'];
  while (queue.length) {
    const parent = queue.shift()!;
    if (parent === type) break;
    for (const field of fieldsOf(parent)) {
      if (!satisfiable(parent, field) || (silent && classOf(`${parent}.${field.name}`) !== 'none')) continue;
      // node(id:) reaches every node type but is given a version's id: it is walked on its own.
      if (parent === 'Query' && field.name === 'node') continue;
      for (const target of targetsOf(field)) {
        if (previous.has(target)) continue;
        previous.set(target, { parent, field });
        queue.push(target);
      }
    }
  }
  if (!previous.has(type)) return null;
  const steps: Step[] = [];
  for (let step = previous.get(type); step; step = previous.get(step.parent)) steps.unshift(step);
  return steps;
}

/** A query selecting the last step's field along the steps, with `__typename` under an object. */
function render(steps: readonly Step[]): { query: string; variables: Record<string, unknown> } {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const selections = steps.map(({ parent, field }) => {
    const given = argumentsOf(`${parent}.${field.name}`) ?? {};
    const args = field.args
      .filter((arg) => given[arg.name] !== undefined)
      .map((arg) => {
        const name = `v${definitions.length}`;
        definitions.push(`$${name}: ${arg.type.toString()}`);
        variables[name] = given[arg.name];
        return `${arg.name}: $${name}`;
      });
    return `${field.name}${args.length ? `(${args.join(', ')})` : ''}`;
  });
  let body = isLeafType(getNamedType(steps.at(-1)!.field.type)) ? '' : ' { __typename }';
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const inner = `${selections[index]}${body}`;
    // Under a union or interface, a field of one member needs a fragment on it.
    const under = index > 0 ? getNamedType(steps[index - 1]!.field.type) : null;
    body = ` { ${under && isAbstractType(under) ? `... on ${steps[index]!.parent} { ${inner} }` : inner} }`;
  }
  return { query: `query${definitions.length ? `(${definitions.join(', ')})` : ''}${body}`, variables };
}

/** Whether the response holds a value for the last field of the path (lists may be empty). */
function resolved(data: unknown, steps: readonly Step[]): boolean {
  if (Array.isArray(data)) return data.some((item) => resolved(item, steps));
  if (!steps.length) return data !== undefined;
  if (data === null || typeof data !== 'object') return false;
  const [first, ...rest] = steps;
  return first!.field.name in data && resolved((data as Record<string, unknown>)[first!.field.name], rest);
}

async function newRows(run: () => Promise<GraphQLResponse>, who: SeededPerson) {
  const [{ last }] = await t.app.orm.em.fork().execute<[{ last: string | null }]>('select max(id) as last from access_log');
  const response = await run();
  const rows = await t.app.orm.em.fork().execute<Array<{ action: string; what: string }>>(
    'select action, what from access_log where plan_id = ? and person_id = ? and id > ? order by id',
    [plan.id, who.id, last ?? 0],
  );
  return { response, rows };
}

async function read(steps: readonly Step[]) {
  const { query, variables } = render(steps);
  const { response, rows } = await newRows(() => t.gql(query, variables, owner.token), owner);
  expect(response.errors, query).toBeUndefined();
  expect(resolved(response.data, steps), `${query} returned nothing to read: seed data for it`).toBe(true);
  return { query, rows };
}

const pattern = (what: string) => new RegExp(`^${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<\w+>/g, '[^\\s]+')}$`);

beforeAll(async () => {
  t = await startTestApp();
  const seed = seedFor(t);
  const unit = await seed.organization('Coordinating unit', 'COORDINATING_UNIT');
  owner = await seed.citizen('walk-owner');
  coordinator = await seed.staff('walk-coordinator', unit.id);
  plan = await seed.plan().withOwner(owner).withCoordinator(coordinator, unit.id).create();
  // Content in every list the walk passes through: an entry (history, lastChange), a named
  // version, and an evaluation with its automatic version.
  const ok = <T>(response: GraphQLResponse<T>): T => {
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  goalId = ok(await t.gql<{ addPlanEntry: { entryId: string } }>('mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }',
    { input: { planId: plan.id, section: 'goals', fields: { text: 'Walk to the shop' } } }, owner.token)).addPlanEntry.entryId;
  versionId = ok(await t.gql<{ createVersion: { id: string } }>('mutation($input: CreateVersionInput!) { createVersion(input: $input) { id } }',
    { input: { planId: plan.id, label: 'Walked' } }, owner.token)).createVersion.id;
  ok(await t.gql('mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { id version { id } } }',
    { input: { planId: plan.id, date: '2026-01-05', participantIds: [owner.id, coordinator.id], outcome: 'Going well' } }, coordinator.token));
});

afterAll(async () => {
  await t?.close();
});

describe('every field that returns plan content logs the read', () => {
  it('classifies every field that is, holds or leads to plan content, exactly once', () => {
    const names = new Set(allFields.map((field) => field.name));
    expect(inScope.filter(({ name }) => classOf(name) === undefined).map(({ name }) => name), 'add these to src/access-log/plan-content-fields.ts').toEqual([]);
    expect(NOT_PLAN_CONTENT_FIELDS.filter((name) => name in PLAN_CONTENT_FIELDS), 'in both lists').toEqual([]);
    expect([...Object.keys(PLAN_CONTENT_FIELDS), ...NOT_PLAN_CONTENT_FIELDS].filter((name) => !names.has(name)), 'no longer in the schema').toEqual([]);
    // The walk covers what the issue names: sections, entries, history, versions, evaluations, archive records.
    for (const type of ['Plan', 'PlanSection', 'PlanChange', 'PlanVersion', 'Evaluation', 'ArchiveRecord']) expect(fromPlan).toContain(type);
  });

  it('reaches content below a logging field only through fields that log it or a change', () => {
    const leaks: string[] = [];
    for (const type of new Set(Object.entries(PLAN_CONTENT_FIELDS).filter(([, kind]) => kind === 'within').map(([name]) => name.split('.')[0]!))) {
      for (const edge of edgesInto(type)) if (classOf(edge.name) === 'none') leaks.push(`${edge.name} (into ${type})`);
    }
    for (const type of new Set(Object.entries(PLAN_CONTENT_FIELDS).filter(([, kind]) => kind === 'written').map(([name]) => name.split('.')[0]!))) {
      if (type === 'Mutation') continue;
      for (const edge of edgesInto(type)) if (classOf(edge.name) !== 'written') leaks.push(`${edge.name} (into the change result ${type})`);
    }
    expect(leaks, 'these fields reach content that no logging field covers').toEqual([]);
  });

  it('logs a READ for every content field, through every way a query reaches it', async () => {
    let checked = 0;
    for (const [name, kind] of Object.entries(PLAN_CONTENT_FIELDS)) {
      if (kind === 'written') continue;
      const [parent, fieldName] = name.split('.') as [string, string];
      const field = objectType(parent)!.getFields()[fieldName]!;
      const ways: Step[][] = [];
      if (parent === 'Query') ways.push([{ parent, field }]);
      else {
        const shortest = pathTo(parent);
        expect(shortest, `no query reaches ${parent}: give the walk an argument value`).not.toBeNull();
        ways.push([...shortest!, { parent, field }]);
        for (const edge of edgesInto(parent)) {
          if (!isContent(edge.name) || edge.name === 'Query.node') continue; // walked on its own, with a version's id
          const to = edge.parent === 'Query' ? [] : pathTo(edge.parent);
          if (to) ways.push([...to, { parent: edge.parent, field: edge.field }, { parent, field }]);
        }
      }
      for (const way of ways) {
        const { query, rows } = await read(way);
        expect(rows.filter((row) => row.action === 'READ'), `${name} via ${query}`).not.toEqual([]);
        if (typeof kind === 'object') expect(rows.map((row) => row.what), `${name} via ${query}`).toContainEqual(expect.stringMatching(pattern(kind.logs)));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(Object.keys(PLAN_CONTENT_FIELDS).length / 2);
  });

  it('logs nothing for fields that are not content, read on their own', async () => {
    let checked = 0;
    for (const { parent, field, name } of inScope) {
      if (classOf(name) !== 'none' || parent === 'Mutation' || !satisfiable(parent, field)) continue;
      const to = parent === 'Query' ? [] : pathTo(parent, true);
      if (!to) continue; // only reachable below content: its parent's read is logged
      const { query, variables } = render([...to, { parent, field }]);
      const { response, rows } = await newRows(() => t.gql(query, variables, owner.token), owner);
      expect(response.errors, query).toBeUndefined();
      expect(rows, `${name} via ${query}`).toEqual([]);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('logs every change whose result carries content as its WRITE', async () => {
    let restorable = '';
    const changes: Array<{ covers: string[]; who: () => SeededPerson; query: string; variables: () => Record<string, unknown>; after?: (data: any) => void }> = [
      {
        covers: ['Mutation.addPlanEntry', 'PlanContentChanged.section'],
        who: () => owner,
        query: 'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { section { content } } }',
        variables: () => ({ input: { planId: plan.id, section: 'goals', fields: { text: 'Swim on Fridays' } } }),
      },
      {
        covers: ['Mutation.createVersion'],
        who: () => owner,
        query: 'mutation($input: CreateVersionInput!) { createVersion(input: $input) { id label author { id } } }',
        variables: () => ({ input: { planId: plan.id, label: 'Before the change' } }),
        after: (data) => (restorable = data.createVersion.id),
      },
      {
        covers: ['Mutation.updatePlanEntry'],
        who: () => owner,
        query: 'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { section { content } } }',
        variables: () => ({ input: { planId: plan.id, section: 'goals', entryId: goalId, fields: { text: 'Walk to the shop and back' } } }),
      },
      {
        covers: ['Mutation.restoreVersion', 'VersionRestored.version'],
        who: () => owner,
        query: 'mutation($input: RestoreVersionInput!) { restoreVersion(input: $input) { sections version { label } } }',
        variables: () => ({ input: { versionId: restorable } }),
      },
      {
        covers: ['Mutation.removePlanEntry'],
        who: () => owner,
        query: 'mutation($input: RemovePlanEntryInput!) { removePlanEntry(input: $input) { section { content } } }',
        variables: () => ({ input: { planId: plan.id, section: 'goals', entryId: goalId } }),
      },
      {
        covers: ['Mutation.recordEvaluation'],
        who: () => coordinator,
        query: 'mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { date outcome participants { id } } }',
        variables: () => ({ input: { planId: plan.id, date: '2026-01-06', participantIds: [owner.id], outcome: 'Keep going' } }),
      },
    ];
    const written = Object.entries(PLAN_CONTENT_FIELDS).filter(([, kind]) => kind === 'written').map(([name]) => name);
    expect(written.filter((name) => !changes.some((change) => change.covers.includes(name))), 'give these changes an example here').toEqual([]);
    for (const change of changes) {
      const { response, rows } = await newRows(() => t.gql(change.query, change.variables(), change.who().token), change.who());
      expect(response.errors, change.query).toBeUndefined();
      change.after?.(response.data);
      expect(rows.filter((row) => row.action === 'WRITE'), change.query).not.toEqual([]);
    }
  });
});

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './helpers/graphql.js';
import { plansFor } from './helpers/plans.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { statementsDuring } from './helpers/statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * `plan(id)` of a query reads the plan's rows from what the server kept (src/plans/plan-read-cache.ts),
 * every other door from the database. Differential: after each step of an arbitrary run of
 * changes through the public API (people added and removed, renamed, a plan ended), `plan(id)`
 * answers every person exactly what `node(id)` answers, which reads the plan as it is now. Two
 * servers and a link down are test/cluster.test.ts; the clock is test/access-clock.property.test.ts.
 *
 * Runs: FC_NUM_RUNS (default 15, each a fresh plan); a failure prints fast-check's seed and path.
 */
// Test-run knobs, not application configuration: read here, never through src/config.
const env = process['env'];
const NUM_RUNS = Math.max(1, Math.round(Number(env['FC_NUM_RUNS'] ?? 200) / 13));
const SEED = env['FC_SEED'] ? Number(env['FC_SEED']) : undefined;
const PATH = env['FC_PATH'];

const FIELDS = 'id title status version viewerRole participants { id role pendingConsent person { id displayName } }';
const CACHED = `query($id: ID!) { plan(id: $id) { ${FIELDS} } }`;
const FRESH = `query($id: ID!) { node(id: $id) { ... on Plan { ${FIELDS} } } }`;
const RENAME = 'mutation($name: String!) { setMyDisplayName(displayName: $name) { id displayName } }';
const END = 'mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }';

type Step =
  | { kind: 'add'; who: number }
  | { kind: 'remove'; who: number }
  | { kind: 'rename'; who: number; name: string }
  | { kind: 'read'; who: number }
  | { kind: 'end' };

let t: TestApp;
let others: SeededPerson[];
const METRICS_TOKEN = 'plan-read-cache-metrics-token-of-this-test';

/** How many `plan(id)` reads this server counted from `source` (docs/operations.md). */
async function planReads(source: 'kept' | 'read'): Promise<number> {
  const body = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const sample = new RegExp(`^samplan_plan_reads_total\\{source="${source}"\\} (\\d+)$`, 'm').exec(body);
  return sample ? Number(sample[1]) : 0;
}

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000', GRAPHQL_RATE_LIMIT_POINTS: '1000000', METRICS_TOKEN: METRICS_TOKEN });
  const seed = seedFor(t);
  others = await Promise.all(['ada', 'bo', 'cy'].map((name) => seed.citizen(`cache-${name}`)));
});

afterAll(async () => {
  await t?.close();
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), who: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), who: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), who: fc.nat(3), name: fc.constantFrom('Ada', 'Bo', 'Cy', 'Dag', 'Eli') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), who: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'end' as const }) },
);

describe('plan(id) from the kept rows', () => {
  it('answers everyone what the plan as it is now says, after every change', { timeout: 240_000 }, async () => {
    const plans = plansFor(t);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 14 }), async (steps) => {
        const { planId, owner } = await newPlan();
        const participation = new Map<SeededPerson, string>();
        const everyone = [owner, ...others];
        const compare = async () => {
          for (const who of everyone) {
            // Twice: the second may come from rows the first kept.
            for (let round = 0; round < 2; round += 1) {
              const cached = await t.gql<{ plan: unknown }>(CACHED, { id: planId }, who.token);
              const fresh = await t.gql<{ node: unknown }>(FRESH, { id: planId }, who.token);
              // Both answer NOT_FOUND for a plan the viewer may not read.
              if (errorCode(fresh) === 'NOT_FOUND') {
                expect(errorCode(cached)).toBe('NOT_FOUND');
                expect(cached.data?.plan ?? null).toBeNull();
              } else {
                expect(fresh.errors).toBeUndefined();
                expect(cached.errors).toBeUndefined();
                expect(cached.data?.plan).toEqual(fresh.data?.node);
              }
            }
          }
        };
        await compare();
        for (const next of steps) {
          if (next.kind === 'add' && !participation.has(others[next.who]!)) {
            const added = await plans.addParticipant(owner, { planId, role: 'RELATIVE', person: { id: others[next.who]!.id } });
            const id = added.data?.addParticipant?.participant?.id as string | undefined;
            if (id) participation.set(others[next.who]!, id);
          } else if (next.kind === 'remove' && participation.has(others[next.who]!)) {
            await plans.removeParticipant(owner, participation.get(others[next.who]!)!);
            participation.delete(others[next.who]!);
          } else if (next.kind === 'rename') {
            const renamed = await t.gql(RENAME, { name: `${next.name} ${planId.slice(0, 4)}` }, everyone[next.who]!.token);
            expect(renamed.errors).toBeUndefined();
          } else if (next.kind === 'end') {
            await t.gql(END, { input: { planId, reason: 'Ended in a test' } }, owner.token);
          } else if (next.kind === 'read') {
            await t.gql(CACHED, { id: planId }, everyone[next.who]!.token);
          }
          await compare();
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED, path: PATH, endOnFailure: true },
    );
  });

  it('costs one statement when the rows are kept (the access-log row of the content read), and reads them again after a change', async () => {
    const { planId, owner } = await newPlan();
    const query = 'query($id: ID!) { plan(id: $id) { participants { role person { displayName } } sections { key } } }';
    expect((await t.gql(query, { id: planId }, owner.token)).errors).toBeUndefined();
    const before = { kept: await planReads('kept'), read: await planReads('read') };
    const kept = await statementsDuring(async () => {
      expect((await t.gql(query, { id: planId }, owner.token)).errors).toBeUndefined();
    });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/access_log/);
    expect(await planReads('kept')).toBe(before.kept + 1);
    await plansFor(t).addParticipant(owner, { planId, role: 'RELATIVE', person: { id: others[0]!.id } });
    const after = await statementsDuring(async () => {
      const answer = await t.gql<{ plan: { participants: unknown[] } }>(query, { id: planId }, owner.token);
      expect(answer.data?.plan.participants).toHaveLength(2);
    });
    expect(after).toHaveLength(2);
    expect(await planReads('read')).toBe(before.read + 1);
    expect(await planReads('kept')).toBe(before.kept + 1);
  });

  it('shows the name a participant’s new token brings at the next read', async () => {
    const { planId, owner } = await newPlan();
    const relative = await seedFor(t).citizen(`renamed-${randomUUID()}`);
    await plansFor(t).addParticipant(owner, { planId, role: 'RELATIVE', person: { id: relative.id } });
    const names = async () => {
      const answer = await t.gql<{ plan: { participants: Array<{ person: { id: string; displayName: string } }> } }>(CACHED, { id: planId }, owner.token);
      return answer.data!.plan.participants.find((participant) => participant.person.id === relative.id)!.person.displayName;
    };
    expect(await names()).toBe(`${relative.sub} name`);
    // Signing in with a token that names them otherwise renames them (docs/identity.md, "Names").
    const renamed = await t.token(relative.sub, 'citizen', 'Ny Navnesen');
    expect((await t.gql<{ me: { person: { displayName: string } } }>('{ me { person { displayName } } }', {}, renamed)).data!.me.person.displayName).toBe('Ny Navnesen');
    expect(await names()).toBe('Ny Navnesen');
  });

  it('refuses a removed participant at their next read, however often they read before', async () => {
    const { planId, owner } = await newPlan();
    const [removed] = others;
    const added = await plansFor(t).addParticipant(owner, { planId, role: 'RELATIVE', person: { id: removed!.id } });
    for (let read = 0; read < 5; read += 1) expect((await t.gql<{ plan: { id: string } }>(CACHED, { id: planId }, removed!.token)).data?.plan.id).toBe(planId);
    // Reads racing the removal: whatever they see, the first read after it has answered is refused.
    const racing = Array.from({ length: 20 }, () => t.gql(CACHED, { id: planId }, removed!.token));
    await plansFor(t).removeParticipant(owner, added.data!.addParticipant.participant.id as string);
    await Promise.all(racing);
    const after = await t.gql(CACHED, { id: planId }, removed!.token);
    expect(errorCode(after)).toBe('NOT_FOUND');
    // And one who never took part is refused alike, whatever the server kept.
    const stranger = await seedFor(t).citizen(`stranger-${Date.now()}`);
    expect(errorCode(await t.gql(CACHED, { id: planId }, stranger.token))).toBe('NOT_FOUND');
  });
});

/** A plan of a new owner's own (a person has one plan at a time). */
async function newPlan(): Promise<{ planId: string; owner: SeededPerson }> {
  const owner = await seedFor(t).citizen(`cache-owner-${randomUUID()}`);
  const created = await t.gql<{ createPlan: { plan?: { id: string } } }>(
    'mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on CreatePlanSuccess { plan { id } } } }',
    { input: { title: 'Min plan' } },
    owner.token,
  );
  const id = created.data?.createPlan.plan?.id;
  if (!id) throw new Error(`createPlan answered ${JSON.stringify(created)}`);
  return { planId: id, owner };
}

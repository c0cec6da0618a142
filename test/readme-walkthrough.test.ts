import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAnswers, jsonLines, runBash, shBlocksUnder, shownGqlCalls, substitute, type GraphQLAnswer, type ShellRun } from './helpers/readme.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The README's copy-and-paste walkthrough, run as written with bash and curl against a real
 * server: "Try it", then "Editing a plan live" in the same shell, then "The life of a plan" in
 * another shell after `npm run seed`. Each is pasted twice, as a newcomer trying again would: the
 * second time finds what the first made. A change that breaks what a newcomer pastes fails here.
 * Only the substitutions below are made; everything else in the blocks runs verbatim.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
const TRY_IT = shBlocksUnder(README, 'Try it')[0]!;
const LIVE = shBlocksUnder(README, 'Editing a plan live')[0]!;
// The first block there is `npm run seed && npm start`, which the test does its own way (below).
const LIFE = shBlocksUnder(README, 'The life of a plan')[1]!;
/** The server the README's reader runs; the test's server is on a random port. */
const README_SERVER = '127.0.0.1:4000';
/** The README's scratch folder line, which installs the live script's packages from the registry. */
const SCRATCH_INSTALL = /^mkdir -p (\S+) && cd \1 && npm init -y >\/dev\/null && npm i ([\w\s-]+?) >\/dev\/null$/m;
const GOAL = 'Walk to the shop on my own';

let t: TestApp;
let scratch: string;
let outputs: string;

beforeAll(async () => {
  t = await startTestApp();
  // Inside the repository, so the live script's `import 'yjs'` resolves from the repo's
  // node_modules (ES modules ignore NODE_PATH); .data/ is ignored by git and ESLint.
  await fs.mkdir(path.join(ROOT, '.data'), { recursive: true });
  scratch = await fs.mkdtemp(path.join(ROOT, '.data', 'readme-live-'));
  outputs = await fs.mkdtemp(path.join(os.tmpdir(), 'samplan-readme-'));
});

afterAll(async () => {
  await t?.close();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  if (outputs) await fs.rm(outputs, { recursive: true, force: true });
});

/** Points the README's `http://127.0.0.1:4000` and `ws://127.0.0.1:4000` at the test's server. */
function atTestServer(block: string): string {
  const script = substitute(block, README_SERVER, new URL(t.url).host);
  expect(script).not.toContain(':4000');
  return script;
}

function withoutErrors(answers: GraphQLAnswer[]): void {
  for (const answer of answers) expect(answer.errors, JSON.stringify(answer)).toBeUndefined();
}

const describeRun = (run: ShellRun) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

describe('the README walkthrough', () => {
  it('"Try it", then "Editing a plan live" in the same shell, twice', async () => {
    const [, folder, packages] = SCRATCH_INSTALL.exec(LIVE) ?? [];
    expect(folder, 'the live block starts with its scratch folder and npm i').toBeDefined();
    // No installs in tests: what the README installs must already be in the repo's node_modules.
    const require = createRequire(path.join(scratch, 'ingrid-writes.mjs'));
    for (const name of packages!.split(/\s+/)) expect(() => require.resolve(name), `${name} in node_modules`).not.toThrow();
    const live = substitute(LIVE, SCRATCH_INSTALL, `mkdir -p ${scratch} && cd ${scratch}`);

    // Pasted twice in a row (two shells): the second finds Ingrid's plan and Erik in it.
    const planIds: string[] = [];
    for (const time of ['first', 'second'] as const) {
      const run = await runBash(`${atTestServer(TRY_IT)}\n${atTestServer(live)}`, { cwd: outputs, timeoutMs: 60_000 });
      const context = `${time} time\n${describeRun(run)}`;
      expect(run.code, context).toBe(0);
      expect(run.stderr, context).toBe('');

      const answers = graphqlAnswers(run.stdout);
      expect(answers, context).toHaveLength(shownGqlCalls(TRY_IT) + shownGqlCalls(LIVE));
      // The README shows one refusal on purpose: Erik may not add a goal over GraphQL.
      const refused = answers.filter((answer) => answer.errors);
      expect(refused, context).toHaveLength(1);
      expect(refused[0]!.errors![0]!.extensions?.code).toBe('FORBIDDEN');
      expect(refused[0]!.errors![0]!.path).toEqual(['addPlanEntry']);
      withoutErrors(answers.filter((answer) => !answer.errors));

      expect(answers.find((answer) => answer.data?.me)?.data?.me.person.displayName).toBe('Ingrid Lund');
      const planId = /^plan: (.*)$/m.exec(run.stdout)?.[1];
      expect(planId, context).toMatch(/^[0-9a-f-]{36}$/);
      planIds.push(planId!);
      const added = answers.find((answer) => answer.data?.addParticipant)?.data?.addParticipant.__typename;
      expect(added, context).toBe(time === 'first' ? 'ParticipantAdded' : 'AlreadyParticipant');
      const eriksPlans = answers.find((answer) => answer.data?.plans)?.data?.plans;
      expect(eriksPlans.edges.map((edge: any) => edge.node.title)).toEqual(['Ingrids plan']);

      // The live script prints the goals its document holds once the server has them.
      const printedGoals = jsonLines(run.stdout).find(Array.isArray) as Array<{ text: string }> | undefined;
      expect(printedGoals?.map((goal) => goal.text), context).toEqual(Array(planIds.length).fill(GOAL));
      const section = answers.find((answer) => answer.data?.plan?.section)?.data?.plan.section;
      expect(JSON.stringify(section.content)).toContain(GOAL);
      expect(section.lastChange.by.displayName).toBe('Ingrid Lund');
    }
    expect(planIds[1], 'the second run works in the plan the first made').toBe(planIds[0]);
  }, 150_000);

  it('"The life of a plan", in another shell after `npm run seed`, twice', async () => {
    // The README: stop the server, `npm run seed && npm start`. The seed is the real CLI on the
    // test server's database; `npm start` is the test app started again on it.
    await t.app.dispose();
    const seed = await runBash('npm run seed', { cwd: ROOT, env: { DATABASE_URL: t.databaseUrl }, timeoutMs: 240_000 });
    expect(seed.code, describeRun(seed)).toBe(0);
    expect(seed.stderr).toContain('Seeded the demo municipality 0301');
    // The seed itself read the dates its plans' documents hold: none waits for a server to start.
    expect(await t.asOwner('select "plan_id" from "plan_deadline_resync"')).toEqual([]);
    await t.restart();

    // "In another terminal, with URL, token and gql from Try it": its opening lines, up to the first blank one.
    const definitions = TRY_IT.slice(0, TRY_IT.indexOf('\n\n'));
    expect(definitions).toMatch(/^URL=[\s\S]*^token\(\)[\s\S]*^gql\(\)/m);
    expect(LIFE, 'the block reaches the server through $URL only').not.toContain(README_SERVER);
    for (const time of ['first', 'second'] as const) {
      // Run in a temporary folder, where the block saves nora-plan.pdf.
      await fs.rm(path.join(outputs, 'nora-plan.pdf'), { force: true });
      const run = await runBash(`${atTestServer(definitions)}\n${LIFE}`, { cwd: outputs, timeoutMs: 120_000 });
      const context = `${time} time\n${describeRun(run)}`;
      expect(run.code, context).toBe(0);

      // Most answers go to stdout; those the block captures with `| tee /dev/stderr | pick …` show on stderr.
      const answers = [...graphqlAnswers(run.stdout), ...graphqlAnswers(run.stderr)];
      // At least one answer per call shown; the block asks for the final record until it is there.
      expect(answers.length, context).toBeGreaterThanOrEqual(shownGqlCalls(LIFE));
      withoutErrors(answers);

      // The dashboard, right after the seed, is what the README promises: Anna's evaluation overdue,
      // Nils' request past its month, Eva's complaint, Lise's child coordinator waiting for consent.
      const dashboard = answers.find((answer) => answer.data?.unitDashboard?.counts)?.data?.unitDashboard;
      expect(dashboard.counts, context).toMatchObject({ openRequests: 1, interimNoticesDue: 1, measuresPastEvaluation: 1, revisionsDue: 1, openComplaints: 1 });
      const caseOf = (name: string) => dashboard.cases.edges.map((edge: any) => edge.node).find((node: any) => node.person.displayName === name);
      expect(caseOf('Anna Hansen'), context).toMatchObject({ status: 'ACTIVE', coordinator: { displayName: expect.stringMatching(/^Kari Nordmann/) }, nextDeadline: { kind: 'MEASURE_EVALUATION', overdue: true } });
      expect(caseOf('Nils Olsen'), context).toMatchObject({ status: 'REQUESTED', nextDeadline: { kind: 'DECISION', overdue: true } });
      expect(caseOf('Lise Johansen'), context).toMatchObject({ status: 'AWAITING_CONSENT' });
      expect(caseOf('Tor Bakke'), context).toMatchObject({ status: 'ENDED', nextDeadline: null });
      expect(caseOf('Eva Strand'), context).toMatchObject({ status: 'REFUSED' });

      expect(answers.find((answer) => answer.data?.submitRequest)?.data?.submitRequest.status, context).toBeDefined();
      const norasPlan = answers.find((answer) => answer.data?.decideRequest)?.data?.decideRequest.request.planId;
      expect(norasPlan, context).toMatch(/^[\w-]+$/);
      // "Jon, Kari's colleague, gets NOT_FOUND for Nora's plan."
      const jons = await t.gql('query($p: ID!) { plan(id: $p) { id } }', { p: norasPlan }, await t.token('jon', 'personnel', 'Jon Moe'));
      expect(jons.errors?.[0]?.extensions?.code, context).toBe('NOT_FOUND');
      const ended = answers.findLast((answer) => answer.data?.plan?.archiveRecords)?.data?.plan;
      expect(ended.archiveRecords.edges.map((edge: any) => edge.node.urls.pdf).filter(Boolean), context).not.toHaveLength(0);

      expect(run.stdout, context).toContain('saved nora-plan.pdf');
      const pdf = await fs.readFile(path.join(outputs, 'nora-plan.pdf'));
      expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');

      const accessLog = answers.find((answer) => answer.data?.plan?.accessLog)?.data?.plan.accessLog;
      expect(accessLog.edges.length, context).toBeGreaterThan(0);
    }

    // What fell due while the seed's history played is among the unit's events: Anna's measure
    // past its evaluate-by date, and the next one coming up.
    const kari = await t.token('kari', 'personnel', 'Kari Nordmann');
    const units = await t.gql('{ me { memberships { organization { id } } } }', {}, kari);
    const unitId = units.data!.me.memberships[0].organization.id as string;
    const events = await t.gql('query($u: ID!) { unitDashboard(unitId: $u) { recentEvents(first: 200) { kind person { displayName } detail } } }', { u: unitId }, kari);
    const annas = events.data!.unitDashboard.recentEvents.filter((event: any) => event.person?.displayName === 'Anna Hansen').map((event: any) => event.kind);
    expect(annas).toEqual(expect.arrayContaining(['EVALUATION_OVERDUE', 'EVALUATION_DUE']));
  }, 600_000);
});

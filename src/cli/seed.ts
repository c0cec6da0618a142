import { createApp, type App } from '../app/create-app.js';
import { DEV_ISSUERS, parseConfig, type Config } from '../config/config.js';
import { DAY_MS, dateInOslo, daysAfter } from '../shared/dates.js';
import { runCli } from './with-database.js';
import { DEMO_PEOPLE, SEED_ADMIN, type DemoPerson } from '../auth/demo-people.js';

const MUNICIPALITY = '0301';
const COORDINATING_UNIT = 'Koordinerende enhet, Eksempel kommune';
/** The seed plays the municipality's last weeks, so deadlines stand where a real caseload's would. */
const HISTORY_DAYS = 40;

type Who = Pick<DemoPerson, 'sub' | 'name' | 'kind'>;

const people = { admin: SEED_ADMIN, ...DEMO_PEOPLE };

/**
 * A client of the real API, as each person through the development issuer. Going through the
 * doors (rather than writing rows) gives the demo every record a real municipality would have:
 * consents, case events, deadlines, history, versions, archive records.
 */
function apiFor(app: App) {
  const tokens = new Map<string, string>();
  const token = async (who: Who) => {
    const known = tokens.get(who.sub);
    if (known) return known;
    const response = await fetch(`${app.url}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: who.sub, name: who.name, kind: who.kind }),
    });
    if (!response.ok) throw new Error(`could not sign in ${who.sub}: ${response.status}`);
    const minted = ((await response.json()) as { token: string }).token;
    tokens.set(who.sub, minted);
    return minted;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each step reads the fields it just asked for
  return async function as<T = any>(who: Who, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(who)}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(`seed step failed for ${who.sub}: ${body.errors.map((error) => error.message).join('; ')}\n${query}`);
    return body.data as T;
  };
}

async function seed(app: App, clock: { set(at: Date): void }, now: Date): Promise<void> {
  const as = apiFor(app);
  const { organizations } = await as<{ organizations: Array<{ name: string }> }>(people.admin, '{ organizations { name } }');
  if (organizations.some((organization) => organization.name === COORDINATING_UNIT)) {
    process.stderr.write('The demo municipality is already there.\n');
    return;
  }
  // Dates read from plan documents settle half a second after an edit: each is read at the moment
  // of the story it was written in, before the clock moves on.
  const at = async (days: number) => {
    await app.settleDeadlines();
    clock.set(daysAfter(now, days));
  };
  const date = (days: number) => dateInOslo(daysAfter(now, days));
  const ref = (who: Who) => ({ issuer: DEV_ISSUERS[who.kind], subject: who.sub, displayName: who.name });
  const sign = (who: Who) => as(who, '{ me { person { id } } }').then((data) => data.me.person.id as string);

  await at(-HISTORY_DAYS);
  const organization = async (name: string, kind: string) =>
    (await as(people.admin, 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', { input: { name, kind, municipality: MUNICIPALITY } })).createOrganization.id as string;
  const unit = await organization(COORDINATING_UNIT, 'COORDINATING_UNIT');
  const homeCare = await organization('Hjemmetjenesten, Eksempel kommune', 'HOME_CARE');
  const physio = await organization('Fysio- og ergoterapitjenesten, Eksempel kommune', 'PHYSIOTHERAPY');
  const school = await organization('Bakkehaugen skole', 'SCHOOL');
  await organization('NAV Eksempel', 'NAV');
  const member = (who: Who, organizationId: string, role = 'STAFF') =>
    as(people.admin, 'mutation($input: AddMembershipInput!) { addMembership(input: $input) { id } }', { input: { organizationId, role, person: ref(who) } });
  await member(people.kari, unit, 'UNIT_LEAD');
  await member(people.jon, unit);
  await member(people.ola, homeCare);
  await member(people.per, physio);
  await member(people.siri, school);
  const ids = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([key, who]) => [key, await sign(who)] as const))) as Record<keyof typeof people, string>;
  // Lise has no case in any municipality yet, so only an administrator may record her mother (docs/guardianship.md).
  await as(people.admin, 'mutation($input: RecordGuardianshipInput!) { recordGuardianship(input: $input) { id } }', {
    input: { guardian: { id: ids.maria }, ward: { id: ids.lise }, basis: 'PARENT', basisReference: 'Fødselsattest, saksnr. 2026/0114' },
  });

  const submit = (who: Who, input: Record<string, unknown>) =>
    as(who, 'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }', { input: { municipality: MUNICIPALITY, ...input } }).then((data) => data.submitRequest.id as string);
  const decide = (requestId: string, decision: 'GRANTED' | 'REFUSED', reason?: string) =>
    as(people.kari, 'mutation($input: DecideRequestInput!) { decideRequest(input: $input) { ... on RequestDecided { request { planId } } } }', { input: { requestId, decision, reason } })
      .then((data) => data.decideRequest.request?.planId as string | null);
  const consent = (who: Who, planId: string) => as(who, 'mutation($input: GiveConsentInput!) { giveConsent(input: $input) { __typename } }', { input: { planId, scope: 'PLAN' } });
  const invite = (owner: Who, planId: string, who: string, role: string, organizationId?: string) =>
    as(owner, 'mutation($input: AddParticipantInput!) { addParticipant(input: $input) { __typename } }', { input: { planId, role, organizationId, person: { id: who } } });
  const entry = (who: Who, planId: string, section: string, fields: Record<string, unknown>) =>
    as(who, 'mutation($input: AddPlanEntryInput!) { addPlanEntry(input: $input) { entryId } }', { input: { planId, section, fields } });
  const record = (who: Who, planId: string, section: string, fields: Record<string, unknown>) =>
    as(who, 'mutation($input: UpdatePlanEntryInput!) { updatePlanEntry(input: $input) { seq } }', { input: { planId, section, fields } });

  // Nils asked himself 40 days ago and nobody has decided: an interim notice is owed.
  await submit(people.nils, { source: 'PERSON', wants: 'PLAN_AND_COORDINATOR', title: 'Nils: hjelp etter hjerneslag' });

  // Anna's brother asked for her, with her power of attorney; the plan is active and evaluations are coming due.
  const annasRequest = await submit(people.bjorn, {
    person: { id: ids.anna }, source: 'RELATIVE', powerOfAttorney: 'Fullmakt fra Anna Hansen, datert ' + date(-45), wants: 'PLAN_AND_COORDINATOR',
    title: 'Annas plan: bo hjemme og komme tilbake i jobb',
  });
  await at(-35);
  const anna = (await decide(annasRequest, 'GRANTED'))!;
  await at(-34);
  await consent(people.anna, anna);
  await invite(people.anna, anna, ids.kari, 'COORDINATOR', unit);
  await invite(people.anna, anna, ids.bjorn, 'RELATIVE');
  await invite(people.anna, anna, ids.ola, 'PROVIDER', homeCare);
  await invite(people.anna, anna, ids.per, 'PROVIDER', physio);
  await entry(people.anna, anna, 'goals', { text: 'Bo hjemme og klare meg selv om morgenen' });
  await entry(people.anna, anna, 'goals', { text: 'Tilbake i 50 % jobb innen sommeren' });
  await record(people.anna, anna, 'situation', { resources: 'Sterk vilje, god støtte fra broren', needs: 'Hjelp med morgenstell og trening av balanse' });
  await record(people.kari, anna, 'period', { start: date(-34), end: date(330), revisionDates: [date(20), date(180)] });
  await entry(people.kari, anna, 'measures', { title: 'Morgenhjelp hverdager', extent: '45 minutter, 5 dager i uka', organizationId: homeCare, start: date(-30), evaluateBy: date(-3), status: 'ONGOING' });
  await entry(people.kari, anna, 'measures', { title: 'Balansetrening', extent: '2 ganger i uka', organizationId: physio, start: date(-30), evaluateBy: date(10), status: 'ONGOING' });
  await entry(people.bjorn, anna, 'contributions', { text: 'Jeg kjører Anna til trening på tirsdager' });
  await entry(people.ola, anna, 'log', { text: 'Morgenhjelpen er i gang; Anna ønsker senere oppmøte' });

  // Eva was refused and complained; the complaint is on its way to the county governor.
  await at(-30);
  const evasRequest = await submit(people.eva, { source: 'PERSON', wants: 'COORDINATOR_ONLY' });
  await at(-25);
  await decide(evasRequest, 'REFUSED', 'Behovet for langvarige og koordinerte tjenester er ikke dokumentert');
  await at(-20);
  const complaint = await as(people.eva, 'mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { id } }', {
    input: { about: 'REFUSAL', requestId: evasRequest, text: 'Jeg får tjenester fra fire ulike steder og trenger en koordinator.' },
  });
  await as(people.kari, 'mutation($input: UpdateComplaintStatusInput!) { updateComplaintStatus(input: $input) { id } }', { input: { complaintId: complaint.fileComplaint.id, status: 'FORWARDED' } });

  // Tor's plan has done its work: evaluated, ended and archived.
  const tor = (await as(people.kari, 'mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on CreatePlanSuccess { plan { id } } } }', { input: { owner: { id: ids.tor }, title: 'Tors plan etter operasjonen' } })).createPlan.plan.id as string;
  await consent(people.tor, tor);
  await entry(people.tor, tor, 'goals', { text: 'Gå uten krykker' });
  await at(-10);
  await as(people.kari, 'mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { id } }', { input: { planId: tor, date: date(-10), participantIds: [ids.tor, ids.kari], outcome: 'Målet er nådd.' } });
  await as(people.tor, 'mutation($input: EndPlanInput!) { endPlan(input: $input) { __typename } }', { input: { planId: tor, reason: 'Behovet er dekket' } });

  // Lise (9) needs a child coordinator; her mother asked, it is granted, and waits for her mother's consent (she is in the case as guardian).
  await at(-5);
  const lisesRequest = await submit(people.maria, { person: { id: ids.lise }, source: 'GUARDIAN', wants: 'CHILD_COORDINATOR', childBirthDate: date(-9 * 365 - 100) });
  await decide(lisesRequest, 'GRANTED');

  // Back to today: whatever fell due while the history played fires now.
  await at(0);
  await app.scheduler.runDue();

  process.stderr.write(
    `Seeded the demo municipality ${MUNICIPALITY} (coordinating unit id ${unit}).\n` +
      'Citizens (kind "citizen"): anna (active plan), bjorn (her brother), nils (request waiting), eva (refused, complained),\n' +
      '  tor (ended plan), lise (9, child coordinator granted) and maria (her mother).\n' +
      'Staff (kind "personnel"): kari and jon (coordinating unit), ola (home care), per (physiotherapy), siri (school).\n' +
      'Get a token: curl -s -X POST http://127.0.0.1:4000/auth/dev-token -H \'content-type: application/json\' -d \'{"sub":"kari","name":"Kari Nordmann","kind":"personnel"}\'\n' +
      `Then the dashboard: { unitDashboard(unitId: "${unit}") { counts { openRequests interimNoticesDue measuresPastEvaluation revisionsDue openComplaints } } }\n`,
  );
}

runCli(async () => {
  const now = new Date();
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset), set: (at: Date) => (offset = at.getTime() - Date.now()) };
  const configured = parseConfig();
  if (configured.env === 'production') throw new Error('npm run seed makes demo people through the development issuer; it does not run in production');
  const config: Config = {
    ...configured,
    port: 0,
    host: '127.0.0.1',
    devAuth: true,
    bootstrapAdmin: { issuer: DEV_ISSUERS.personnel, subject: SEED_ADMIN.sub },
    // The seed fires deadlines itself, once its history reaches today.
    schedulerIntervalMs: DAY_MS,
    // The seed's own summary is what a newcomer needs to read; the server's request log is not.
    logLevel: 'warn',
  };
  const app = await createApp(config, { clock });
  try {
    await seed(app, clock, now);
  } finally {
    await app.dispose();
  }
});

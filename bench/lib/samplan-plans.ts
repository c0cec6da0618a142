import { DEV_ISSUERS } from '../../src/config/config.js';
import { inParallel } from './stats.js';

/** One editor of a bench plan: who they are and a token valid on the server that minted it. */
export interface BenchEditor {
  sub: string;
  personId: string;
  token: string;
}

export interface BenchPlan {
  id: string;
  /** The owner first, then relatives. */
  editors: BenchEditor[];
}

export async function mintToken(baseUrl: string, sub: string, kind: 'citizen' | 'personnel' = 'citizen'): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, name: `Bench ${sub}`, kind }),
  });
  if (!response.ok) throw new Error(`dev-token failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function gql<T>(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const CREATE_PLAN = 'mutation { createPlan(input: { title: "Bench plan" }) { ... on CreatePlanSuccess { plan { id participants { person { id } } } } } }';
const ADD_RELATIVE = `mutation($input: AddParticipantInput!) { addParticipant(input: $input) { ... on ParticipantAdded { participant { person { id } } } } }`;

/**
 * Creates plans the way people do, through GraphQL: each owner (a citizen) creates their plan and
 * invites relatives; every editor is a real participant with a valid token. `label` keeps the
 * people of separate calls apart (a citizen has one plan).
 */
export async function createPlans(baseUrl: string, label: string, plans: number, editorsPerPlan: number, onProgress: (done: number) => void): Promise<BenchPlan[]> {
  let finished = 0;
  return inParallel(Array.from({ length: plans }, (_, index) => index), 8, async (index) => {
    const ownerSub = `bench-${label}-${index}-owner`;
    const ownerToken = await mintToken(baseUrl, ownerSub);
    const created = await gql<{ createPlan: { plan: { id: string; participants: Array<{ person: { id: string } }> } } }>(baseUrl, ownerToken, CREATE_PLAN);
    const plan = created.createPlan.plan;
    const editors: BenchEditor[] = [{ sub: ownerSub, personId: plan.participants[0]!.person.id, token: ownerToken }];
    for (let relative = 1; relative < editorsPerPlan; relative += 1) {
      const sub = `bench-${label}-${index}-relative-${relative}`;
      const added = await gql<{ addParticipant: { participant: { person: { id: string } } } }>(baseUrl, ownerToken, ADD_RELATIVE, {
        input: { planId: plan.id, role: 'RELATIVE', person: { issuer: DEV_ISSUERS.citizen, subject: sub, displayName: `Bench ${sub}` } },
      });
      editors.push({ sub, personId: added.addParticipant.participant.person.id, token: await mintToken(baseUrl, sub) });
    }
    onProgress(++finished);
    return { id: plan.id, editors };
  });
}

/** Tokens are signed with a key of the server process that minted them: a new process needs new ones. */
export async function remintTokens(baseUrl: string, plans: BenchPlan[]): Promise<BenchPlan[]> {
  return inParallel(plans, 16, async (plan) => ({
    id: plan.id,
    editors: await Promise.all(plan.editors.map(async (editor) => ({ ...editor, token: await mintToken(baseUrl, editor.sub) }))),
  }));
}

export const collabUrl = (baseUrl: string, planId: string, token: string) =>
  `${baseUrl.replace(/^http/, 'ws')}/collab/${planId}?token=${encodeURIComponent(token)}`;

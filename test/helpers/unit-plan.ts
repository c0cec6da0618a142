import { expect } from 'vitest';
import type { seedFor, SeededPerson } from './seed.js';
import type { TestApp } from './test-app.js';

/**
 * A plan the unit's staff open for a new citizen, who consents: the unit oversees it, and the
 * staff member coordinates (so they may edit every section, live or over GraphQL).
 */
export async function unitPlanFor(t: TestApp, seed: ReturnType<typeof seedFor>, staff: SeededPerson, sub: string): Promise<{ planId: string; person: SeededPerson }> {
  const person = await seed.citizen(sub);
  const created = await t.gql(
    'mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on CreatePlanSuccess { plan { id } } } }',
    { input: { owner: { id: person.id }, title: 'Plan' } },
    staff.token,
  );
  expect(created.errors).toBeUndefined();
  const planId = created.data!.createPlan.plan.id as string;
  // No plan content and no coordinator without the person's consent.
  const consent = await t.gql('mutation($input: GiveConsentInput!) { giveConsent(input: $input) { __typename } }', { input: { planId, scope: 'PLAN' } }, person.token);
  expect(consent.errors).toBeUndefined();
  return { planId, person };
}

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordCaseEvent } from '../src/casework/case-event.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * The caseEvents subscription asks the policy's `unit.viewCases` on every event, over the
 * subscriber's memberships as the database holds them then (CaseworkService.stillStaffOf): someone
 * taken off the unit's staff hears nothing more, though their connection began while they were.
 */

let t: TestApp;
let seed: ReturnType<typeof seedFor>;
let unitId: string;
let stays: SeededPerson;
let leaves: SeededPerson;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' });
  seed = seedFor(t);
  unitId = (await seed.organization('Koordinerende enhet', 'COORDINATING_UNIT')).id;
  stays = await seed.staff('kari', unitId);
  leaves = await seed.staff('per', unitId);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t?.close();
});

function subscribe(token: string) {
  const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0 });
  clients.push(client);
  const heard: string[] = [];
  const errors: Array<{ message: string; extensions?: { code?: string } }> = [];
  client.subscribe(
    { query: 'subscription($unit: ID!) { caseEvents(unitId: $unit) { id detail } }', variables: { unit: unitId } },
    {
      // A refusal of one event comes as a result with errors (the resolver throws), not as an error of the subscription.
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        else heard.push(String((value.data?.['caseEvents'] as { detail: { mark: string } }).detail.mark));
      },
      error: (error) => errors.push({ message: String(error) }),
      complete: () => undefined,
    },
  );
  return { heard, errors };
}

/** A committed case event of the unit, told apart by `mark`. */
const caseEvent = (mark: string) =>
  t.app.orm.em.fork().transactional((em) => recordCaseEvent(em, { unitId, kind: 'PLAN_UNIT_ASSIGNED', at: new Date(), detail: { mark } }));

describe('caseEvents for someone taken off the unit', () => {
  it('end with FORBIDDEN at the next event, while their colleague hears it', async () => {
    const colleague = subscribe(stays.token);
    const leaver = subscribe(leaves.token);
    // Both live: each hears an event while both are staff.
    await vi.waitFor(async () => {
      await caseEvent('before');
      expect(colleague.heard).toContain('before');
      expect(leaver.heard).toContain('before');
    });

    const admin = await t.token(ADMIN.subject, 'personnel', 'Admin');
    const members = await t.gql<{ memberships: Array<{ id: string; person: { id: string } }> }>(
      'query($unit: ID!) { memberships(organizationId: $unit) { id person { id } } }', { unit: unitId }, admin);
    const membership = members.data!.memberships.find((candidate) => candidate.person.id === leaves.id)!;
    expect((await t.gql('mutation($id: ID!) { removeMembership(id: $id) }', { id: membership.id }, admin)).errors).toBeUndefined();

    await caseEvent('after');
    await vi.waitFor(() => expect(colleague.heard).toContain('after'));
    // The refusal is the leaver's answer to that very event, and it ends the subscription: nothing after it.
    await vi.waitFor(() => expect(leaver.errors.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']));
    expect(leaver.heard).not.toContain('after');
    expect(colleague.errors).toEqual([]);
  });
});

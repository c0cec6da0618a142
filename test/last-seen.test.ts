import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData } from './helpers/graphql.js';
import { ManualClock } from './helpers/manual-clock.js';
import { statementsDuring } from './helpers/statements.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const clock = new ManualClock('2026-03-02T09:00:00Z');
let t: TestApp;

beforeAll(async () => {
  // The scheduler stays quiet, so the statements counted below are the sign-in's own.
  t = await startTestApp({ SCHEDULER_INTERVAL_MS: '3600000' }, { clock });
});

afterAll(async () => {
  await t?.close();
});

/** A sign-in: a token this server has not seen, so the person is looked up, not taken from the cache. */
async function signIn(subject: string): Promise<string> {
  const token = await t.token(subject, 'citizen', `${subject} name`);
  return expectData(await t.gql<{ me: { person: { id: string } } }>('{ me { person { id } } }', {}, token), 'me').me.person.id;
}

const lastSeenOf = async (id: string) =>
  new Date((await t.asOwner<{ last_seen_at: Date }>('select "last_seen_at" from "person" where "id" = $1', [id]))[0]!.last_seen_at).toISOString();

describe('when a person was last seen', () => {
  it('is the first sign-in, then moves at most hourly, each time in one statement of its own', async () => {
    const id = await signIn('ola-last-seen');
    const first = clock.now().toISOString();
    expect(await lastSeenOf(id)).toBe(first);

    clock.advance(30 * 60_000);
    await signIn('ola-last-seen');
    expect(await lastSeenOf(id)).toBe(first);

    clock.advance(31 * 60_000);
    const statements = await statementsDuring(() => signIn('ola-last-seen'));
    expect(await lastSeenOf(id)).toBe(clock.now().toISOString());
    // One UPDATE, on its own: no transaction around it (three round trips at every first sign-in of the hour).
    expect(statements.filter((sql) => /last_seen_at/.test(sql) && /^update/i.test(sql.trim()))).toHaveLength(1);
    expect(statements.filter((sql) => /^(begin|commit)\b/i.test(sql.trim()))).toHaveLength(0);
  });
});

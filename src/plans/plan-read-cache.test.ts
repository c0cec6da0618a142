import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { PLAN_READ_TTL_MS, PlanReadCache, type PlanRowsSource } from './plan-read-cache.js';
import type { PlanStatus } from './plan.entity.js';
import type { PlanReadRows } from './plan.with-facts.js';

/**
 * The rules of what the plan read cache keeps and for how long, with rows made by hand. That kept
 * rows give the facts fresh ones would is test/access-clock.property.test.ts; that `plan(id)`
 * through the cache answers as the database does, test/plan-read-cache.test.ts.
 */
const T0 = Date.parse('2026-12-07T10:00:00Z');

function rowsOf(planId: string, options: { status?: PlanStatus; changesAt?: number; personIds?: string[] } = {}): PlanReadRows {
  const at = new Date(T0).toISOString();
  const plan = { id: planId, owner_id: 'owner', title: 'Plan', status: options.status ?? 'ACTIVE', kind: 'PLAN' as const, created_at: at, updated_at: at };
  return {
    plans: [{ ...plan, ended_at: null, ended_by_id: null, end_reason: null, unit_id: null, archived_at: null, version: 1 }],
    participants: [],
    persons: (options.personIds ?? []).map((id) => ({ id, display_name: id, kind: 'CITIZEN' as const })),
    consents: [],
    access_changes: options.changesAt === undefined ? [] : [{ plan_id: planId, at: new Date(options.changesAt).toISOString() }],
    guardians: [],
  };
}

function setUp(options: { link?: () => number | null; maxPlans?: number } = {}) {
  let now = T0;
  const clock: Clock = { now: () => new Date(now) };
  const events = new EventBus();
  const sources: PlanRowsSource[] = [];
  const cache = new PlanReadCache({ events, clock, ...options, observe: (source) => sources.push(source) });
  const reads: string[] = [];
  /** Reads the plan through the cache; the read itself answers `rows` (or what `answer` gives). */
  const read = async (planId: string, answer: () => Promise<PlanReadRows> = async () => rowsOf(planId)) =>
    (await cache.rows(planId, async () => {
      reads.push(planId);
      return answer();
    })).rows;
  return { cache, events, reads, read, sources, advance: (ms: number) => (now += ms) };
}

describe('PlanReadCache', () => {
  it('reads a plan once for every caller at the same time, and keeps it for the next', async () => {
    const { read, reads, sources } = setUp();
    await Promise.all([read('p'), read('p'), read('p')]);
    await read('p');
    expect(reads).toEqual(['p']);
    // What the metric counts: one read, three uses without a statement of their own.
    expect(sources).toEqual(['read', 'kept', 'kept', 'kept']);
  });

  it('reads again after an event about the plan, and only that plan', async () => {
    const { read, reads, events } = setUp();
    await read('p');
    await read('q');
    events.publish('participantsChanged', { planId: 'p', change: 'REMOVED', participantId: 'x', planVersion: 2 });
    await read('p');
    await read('q');
    events.publish('planEnded', { planId: 'q', endedById: 'owner', reason: 'done', at: new Date(T0) });
    await read('p');
    await read('q');
    expect(reads).toEqual(['p', 'q', 'p', 'q']);
  });

  it('hands a read that an event overtook to those who asked, but does not keep it', async () => {
    const { read, reads, events } = setUp();
    let finish!: (rows: PlanReadRows) => void;
    const pending = read('p', () => new Promise((resolve) => (finish = resolve)));
    await Promise.resolve();
    events.publish('participantsChanged', { planId: 'p', change: 'ADDED', participantId: 'x', planVersion: 2 });
    finish(rowsOf('p'));
    expect((await pending).plans[0]!.id).toBe('p');
    await read('p');
    expect(reads).toEqual(['p', 'p']);
  });

  it('drops the plans that show a renamed person, and reads still under way', async () => {
    const { read, reads, events } = setUp();
    await read('named', async () => rowsOf('named', { personIds: ['ada'] }));
    await read('other', async () => rowsOf('other', { personIds: ['bo'] }));
    let finish!: (rows: PlanReadRows) => void;
    const pending = read('reading', () => new Promise((resolve) => (finish = resolve)));
    await Promise.resolve();
    events.publish('personCardChanged', { personId: 'ada' });
    finish(rowsOf('reading'));
    await pending;
    for (const planId of ['named', 'other', 'reading']) await read(planId);
    expect(reads).toEqual(['named', 'other', 'reading', 'named', 'reading']);
  });

  it('uses rows up to the instant the plan’s access changes by the clock, and never at it', async () => {
    const { read, reads, advance } = setUp();
    await read('p', async () => rowsOf('p', { changesAt: T0 + 5_000 }));
    advance(4_999);
    await read('p');
    advance(1);
    await read('p');
    expect(reads).toEqual(['p', 'p']);
  });

  it('gives a caller who joins a read under way its rows only if they still hold when it asked', async () => {
    const { cache, reads, advance } = setUp();
    let finish!: (rows: PlanReadRows) => void;
    const first = cache.rows('p', async () => {
      reads.push('p');
      return new Promise((resolve) => (finish = resolve));
    });
    await Promise.resolve();
    // Asked after the instant the rows under way stop holding (a consent that ended meanwhile).
    advance(6_000);
    const joined = cache.rows('p', async () => {
      reads.push('p');
      return rowsOf('p');
    });
    finish(rowsOf('p', { changesAt: T0 + 5_000 }));
    expect((await first).at.getTime()).toBe(T0);
    const late = await joined;
    expect(late.at.getTime()).toBe(T0 + 6_000);
    expect(reads).toEqual(['p', 'p']);
    expect(late.rows.access_changes).toEqual([]);
  });

  it('tells each caller the instant to build its facts at: its own, at or after the read', async () => {
    const { cache, advance, sources } = setUp();
    const at = async () => (await cache.rows('p', async () => rowsOf('p'))).at.getTime();
    expect(await at()).toBe(T0);
    advance(1_000);
    expect(await at()).toBe(T0 + 1_000);
    // A clock set back before the read (a test's, or the system's corrected): read again, at that instant.
    advance(-2_000);
    expect(await at()).toBe(T0 - 1_000);
    expect(sources).toEqual(['read', 'kept', 'read']);
  });

  it('uses rows no longer than the TTL without an event', async () => {
    const { read, reads, advance } = setUp();
    await read('p');
    advance(PLAN_READ_TTL_MS - 1);
    await read('p');
    advance(1);
    await read('p');
    expect(reads).toEqual(['p', 'p']);
  });

  it('keeps no ended plan, no plan that was not found and no read that failed', async () => {
    const { read, reads } = setUp();
    await read('ended', async () => rowsOf('ended', { status: 'ENDED' }));
    await read('ended', async () => rowsOf('ended', { status: 'ENDED' }));
    await read('missing', async () => ({ ...rowsOf('missing'), plans: [] }));
    await read('missing', async () => ({ ...rowsOf('missing'), plans: [] }));
    await expect(read('failing', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await read('failing');
    expect(reads).toEqual(['ended', 'ended', 'missing', 'missing', 'failing', 'failing']);
  });

  it('trusts nothing while the link to other servers is down, nor what it kept before it went down', async () => {
    let link: number | null = 1;
    const { read, reads } = setUp({ link: () => link });
    await read('p');
    await read('p');
    link = null;
    await read('p');
    await read('p');
    link = 2;
    await read('p');
    await read('p');
    expect(reads).toEqual(['p', 'p', 'p', 'p']);
  });

  it('keeps at most maxPlans, dropping the one used longest ago', async () => {
    const { read, reads } = setUp({ maxPlans: 2 });
    await read('a');
    await read('b');
    await read('a');
    await read('c');
    reads.length = 0;
    await read('a');
    await read('c');
    await read('b');
    expect(reads).toEqual(['b']);
  });

  it('hands out rows no caller can change', async () => {
    const { read } = setUp();
    const rows = await read('p', async () => rowsOf('p', { personIds: ['ada'] }));
    expect(() => {
      (rows.persons[0] as { display_name: string }).display_name = 'Mallory';
    }).toThrow(TypeError);
    expect(() => rows.participants.push({} as never)).toThrow(TypeError);
  });
});

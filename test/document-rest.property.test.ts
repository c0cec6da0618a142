import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { documentStorage } from '../src/app/document-wiring.js';
import { defineSections, SECTION_KEYS, sectionContent, type SectionKey } from '../src/documents/document.template.js';
import { DocumentStore } from '../src/documents/document.store.js';
import type { SubmitResult } from '../src/documents/document-peer.js';
import { LiveDocument } from '../src/documents/live-document.js';
import { EMPTY_STATE_VECTOR } from '../src/documents/sync-answers.js';
import { DEFAULT_LIMITS } from '../src/documents/update-inspector.js';
import type { Actor } from '../src/policy/actor.js';
import { systemClock } from '../src/shared/clock.js';
import { newEntry, text } from './helpers/editor.js';
import { seedFor, type SeededPerson } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A resting document (src/documents/live-document.ts: a quiet document keeps its committed state
 * encoded and builds its Y.Doc again when used) must answer exactly as one that never rests. Two
 * copies of a plan's document, one told to rest between random steps and one that never does, get
 * the same random edits, hostile updates, joins and reads; every answer is compared, and at the end
 * what each holds and what storage holds.
 */

const CLIENTS = 3;

type Step =
  | { kind: 'edit'; client: number; edit: Edit }
  | { kind: 'hostile'; bytes: number[] }
  | { kind: 'join'; client: number | null }
  | { kind: 'read'; section: SectionKey }
  | { kind: 'rest' };

type Edit =
  | { op: 'add'; section: 'goals' | 'contributions'; words: string }
  | { op: 'type'; section: 'goals' | 'contributions'; at: number; words: string }
  | { op: 'remove'; section: 'goals' | 'contributions'; at: number }
  | { op: 'situation'; words: string };

const words = fc.string({ minLength: 0, maxLength: 12 });
const listSection = fc.constantFrom('goals' as const, 'contributions' as const);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), section: listSection, words }),
  fc.record({ op: fc.constant('type' as const), section: listSection, at: fc.nat(5), words: words.filter((value) => value.length > 0) }),
  fc.record({ op: fc.constant('remove' as const), section: listSection, at: fc.nat(5) }),
  // A restricted section, which the main document refuses.
  fc.record({ op: fc.constant('situation' as const), words }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), client: fc.nat(CLIENTS - 1), edit }) },
  // Bytes no honest client sends: the empty update, near-empty ones, truncations, noise.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hostile' as const), bytes: fc.oneof(fc.constant<number[]>([0, 0]), fc.constant<number[]>([0, 1, 0]), fc.constant<number[]>([1, 0]), fc.array(fc.nat(255), { maxLength: 12 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), client: fc.option(fc.nat(CLIENTS - 1)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), section: fc.constantFrom<SectionKey>('goals', 'contributions', 'situation') }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'rest' as const }) },
);

/** Makes `edit` on a client's copy; the change as an update, or null when there was nothing to change. */
function editOn(doc: Y.Doc, edit: Edit): Uint8Array | null {
  const before = Y.encodeStateVector(doc);
  if (edit.op === 'situation') {
    doc.getMap('situation').set('resources', text(edit.words));
  } else {
    const list = doc.getArray<Y.Map<unknown>>(edit.section);
    if (edit.op === 'add') list.push([newEntry({ id: crypto.randomUUID(), text: text(edit.words) })]);
    else if (list.length === 0) return null;
    else if (edit.op === 'remove') list.delete(edit.at % list.length, 1);
    else (list.get(edit.at % list.length).get('text') as Y.Text).insert(0, edit.words);
  }
  return Y.encodeStateAsUpdate(doc, before);
}

/** What a submit answered, without its promise. */
const outcome = (result: SubmitResult) => (result.ok ? { ok: true, changed: result.changed, sections: result.sections } : { ...result });

/** What a state holds, read the way GraphQL reads it. */
function contentOf(state: Uint8Array): Record<string, unknown> {
  const doc = new Y.Doc();
  defineSections(doc);
  Y.applyUpdate(doc, state);
  const content = Object.fromEntries(SECTION_KEYS.map((key) => [key, sectionContent(doc, key)]));
  doc.destroy();
  return content;
}

describe('a resting document answers as one that never rests', () => {
  let t: TestApp;
  let owner: SeededPerson;
  let actor: Actor;
  const opened: LiveDocument[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    owner = await seedFor(t).citizen('rest-owner');
    actor = { personId: owner.id, kind: 'CITIZEN', isAdmin: false, memberships: [], tokenExpiresAt: new Date(Date.now() + 3_600_000) };
  });
  afterAll(async () => {
    for (const document of opened.splice(0)) document.close();
    await t?.close();
  });

  let plans = 0;
  async function openCopy(restAfterMs: number): Promise<LiveDocument> {
    // A person owns one plan at a time: each copy is a plan of its own (the actor below writes in both).
    const plan = await seedFor(t).plan().withOwner(await seedFor(t).citizen(`rest-plan-${(plans += 1)}`)).create();
    const store = new DocumentStore(t.app.orm, documentStorage);
    const document = new LiveDocument(plan.id, await store.load(plan.id), {
      store,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      // Snapshots often, so resting copies also answer from, and wake into, compacted states.
      settings: { limits: DEFAULT_LIMITS, maxDocumentBytes: 32 << 20, snapshotEvery: 4, idleUnloadMs: 30_000, restAfterMs },
      // Contributions are closed to this actor: refusals must match too.
      firstDenied: async (_actor, touches) => touches.find((touch) => touch.section === 'contributions')?.section ?? null,
      onCommitted: () => undefined,
      onFailed: (error) => {
        throw error;
      },
    });
    opened.push(document);
    return document;
  }

  it('counts a read as use: a plan read within its quiet period does not rest', async () => {
    const restAfterMs = 10_000;
    const document = await openCopy(restAfterMs);
    const before = performance.now();
    // Quiet since its load: a sweep a whole period later would let it rest.
    await document.readCommitted((live) => sectionContent(live.doc, 'goals'));
    // Read after `before`: a period counted from `before` has not passed since the read.
    expect(document.restIfQuiet(before + restAfterMs)).toBe(false);
    expect(document.resting).toBe(false);
    // Barrier: a period after the read, the same sweep lets it rest.
    expect(document.restIfQuiet(performance.now() + restAfterMs)).toBe(true);
    expect(document.resting).toBe(true);
    document.close();
  });

  it('for any edits, hostile bytes, joins, reads and rests', async () => {
    let rests = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        // Never rests by itself (0): only where the steps say, so both copies see the same order.
        const resting = await openCopy(0);
        const awake = await openCopy(0);
        const clients = Array.from({ length: CLIENTS }, () => {
          const doc = new Y.Doc();
          defineSections(doc);
          return doc;
        });
        for (const current of steps) {
          if (current.kind === 'rest') {
            // Between steps only a snapshot can be in flight (one every four changes here): once it
            // is written, a quiet copy rests.
            await vi.waitFor(() => {
              if (resting.rest()) rests += 1;
              expect(resting.resting).toBe(true);
            });
          } else if (current.kind === 'edit') {
            const update = editOn(clients[current.client]!, current.edit);
            if (!update) continue;
            const [a, b] = await Promise.all([resting.submit(actor, update, null), awake.submit(actor, update, null)]);
            expect(outcome(a)).toEqual(outcome(b));
            if (a.ok) await Promise.all([a.durable, b.ok && b.durable]);
            // A refused change is undone on the client, as a real one resyncs.
            if (!a.ok) {
              const fresh = new Y.Doc();
              defineSections(fresh);
              Y.applyUpdate(fresh, (await resting.durableState()).state);
              clients[current.client] = fresh;
            }
          } else if (current.kind === 'hostile') {
            const bytes = Uint8Array.from(current.bytes);
            const [a, b] = await Promise.all([resting.submit(actor, bytes, null), awake.submit(actor, bytes, null)]);
            expect(outcome(a)).toEqual(outcome(b));
            if (a.ok) await Promise.all([a.durable, b.ok && b.durable]);
          } else if (current.kind === 'join') {
            // A joiner with nothing, or one of the clients coming back with what it has.
            const stateVector = current.client === null ? EMPTY_STATE_VECTOR : Y.encodeStateVector(clients[current.client]!);
            const [a, b] = await Promise.all([resting.missingFor(stateVector), awake.missingFor(stateVector)]);
            const joiner = (answer: Uint8Array) => {
              const doc = new Y.Doc();
              defineSections(doc);
              if (current.client !== null) Y.applyUpdate(doc, Y.encodeStateAsUpdate(clients[current.client]!));
              Y.applyUpdate(doc, answer);
              return doc;
            };
            const [fromResting, fromAwake] = [joiner(a), joiner(b)];
            expect(Y.encodeStateVector(fromResting)).toEqual(Y.encodeStateVector(fromAwake));
            expect(contentOf(Y.encodeStateAsUpdate(fromResting))).toEqual(contentOf(Y.encodeStateAsUpdate(fromAwake)));
            if (current.client !== null) clients[current.client] = fromResting;
          } else {
            const read = (document: LiveDocument) => document.readCommitted((live) => sectionContent(live.doc, current.section));
            expect(await read(resting)).toEqual(await read(awake));
          }
          expect(resting.headSeq).toBe(awake.headSeq);
          expect(resting.stateVector()).toEqual(awake.stateVector());
        }
        const [a, b] = await Promise.all([resting.durableState(), awake.durableState()]);
        expect(a.seq).toBe(b.seq);
        expect(contentOf(a.state)).toEqual(contentOf(b.state));
        // What storage holds is what the resting copy holds.
        const stored = await new DocumentStore(t.app.orm, documentStorage).load(resting.id);
        const reloaded = new Y.Doc();
        for (const part of stored.updates) Y.applyUpdate(reloaded, part.update);
        expect(contentOf(Y.encodeStateAsUpdate(reloaded))).toEqual(contentOf(a.state));
        for (const document of [resting, awake]) document.close();
      }),
      { numRuns: 25 },
    );
    // The steps did make it rest (and so wake) many times.
    expect(rests).toBeGreaterThan(25);
  });
});

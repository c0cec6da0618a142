import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { EMPTY_STATE_VECTOR, SyncAnswers } from './sync-answers.js';

/** A document typed into by a few clients; returns the doc and the state vectors seen along the way. */
function typedDocument(steps: Array<{ client: number; text: string }>) {
  const server = new Y.Doc();
  const clients = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const vectors: Uint8Array[] = [new Uint8Array([0])];
  for (const { client, text } of steps) {
    const doc = clients[client]!;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    doc.getText('t').insert(0, text);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
    vectors.push(Y.encodeStateVector(server), Y.encodeStateVector(doc));
  }
  return { server, vectors };
}

/** A document holding `text`, its answers, and the state vector of a client that has nothing. */
function answersOf(text: string, Answers: typeof SyncAnswers = SyncAnswers) {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return { doc, answers: new Answers(doc), empty: new Uint8Array([0]) };
}

describe('SyncAnswers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers exactly what Yjs would, for any document and any state vector seen', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ client: fc.integer({ min: 0, max: 2 }), text: fc.string({ minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 12 }),
      (steps) => {
        const { server, vectors } = typedDocument(steps);
        const answers = new SyncAnswers(server);
        for (const vector of [...vectors, ...vectors]) expect(answers.missingFor(vector)).toEqual(Y.encodeStateAsUpdate(server, vector));
        answers.dispose();
      },
    ), { numRuns: 100 });
  });

  it('encodes once per distinct state vector, and again after the document changes', () => {
    const { doc, answers, empty } = answersOf('a large plan');
    const first = answers.missingFor(empty);
    for (let joiner = 0; joiner < 200; joiner += 1) expect(answers.missingFor(empty)).toBe(first);
    expect(answers.encoded).toBe(1);
    const partial = Y.encodeStateVector(doc);
    answers.missingFor(partial);
    expect(answers.encoded).toBe(2);

    doc.getText('t').insert(0, 'more: ');
    const after = answers.missingFor(empty);
    expect(answers.encoded).toBe(3);
    const reader = new Y.Doc();
    Y.applyUpdate(reader, after);
    expect(reader.getText('t').toString()).toBe('more: a large plan');
  });

  it('never answers from before a change, whatever the change and however answers and changes interleave', () => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('remote' as const), text: fc.string({ minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('ask' as const), vector: fc.nat() }),
    );
    fc.assert(fc.property(fc.array(change, { minLength: 1, maxLength: 30 }), (steps) => {
      const server = new Y.Doc();
      const answers = new SyncAnswers(server);
      const vectors: Uint8Array[] = [new Uint8Array([0])];
      for (const step of steps) {
        const text = server.getText('t');
        if (step.kind === 'insert') text.insert(step.at % (text.length + 1), step.text);
        else if (step.kind === 'delete' && text.length > 0) text.delete(step.at % text.length, Math.min(step.length, text.length - (step.at % text.length)));
        else if (step.kind === 'remote') {
          // Another copy's change applied as an update, as the live door and other servers apply them.
          const other = new Y.Doc();
          Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
          other.getText('t').insert(0, step.text);
          Y.applyUpdate(server, Y.encodeStateAsUpdate(other, Y.encodeStateVector(server)));
        } else if (step.kind === 'ask') {
          const vector = vectors[step.vector % vectors.length]!;
          expect(answers.missingFor(vector)).toEqual(Y.encodeStateAsUpdate(server, vector));
        }
        vectors.push(Y.encodeStateVector(server));
      }
      for (const vector of vectors) expect(answers.missingFor(vector)).toEqual(Y.encodeStateAsUpdate(server, vector));
      answers.dispose();
    }), { numRuns: 200 });
  });

  it('keeps its answers through a transaction that changes nothing, and serves one it was handed', () => {
    const { doc, answers, empty } = answersOf('a plan');
    const first = answers.missingFor(empty);
    // A joiner's own answer with nothing the server lacks, as the live door applies it.
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(doc));
    doc.transact(() => undefined);
    expect(answers.missingFor(empty)).toBe(first);
    expect(answers.encoded).toBe(1);

    const stored = Y.encodeStateAsUpdate(doc);
    const loaded = new Y.Doc();
    const loadedAnswers = new SyncAnswers(loaded);
    Y.applyUpdate(loaded, stored);
    loadedAnswers.remember(EMPTY_STATE_VECTOR, stored);
    expect(loadedAnswers.missingFor(new Uint8Array([0]))).toBe(stored);
    expect(loadedAnswers.encoded).toBe(0);
    loaded.getText('t').insert(0, 'changed: ');
    expect(loadedAnswers.missingFor(EMPTY_STATE_VECTOR)).toEqual(Y.encodeStateAsUpdate(loaded));
    expect(loadedAnswers.encoded).toBe(1);
    answers.dispose();
    loadedAnswers.dispose();
  });

  it('forgets its answers once nobody has asked for a while, and keeps them while they are asked for', () => {
    const { answers, empty } = answersOf('a plan nobody is opening');
    const first = answers.missingFor(empty);
    answers.forgetIfIdleSince(performance.now() - 60_000);
    expect(answers.missingFor(empty)).toBe(first);
    expect(answers.encoded).toBe(1);
    answers.forgetIfIdleSince(performance.now() + 1);
    const again = answers.missingFor(empty);
    expect(answers.encoded).toBe(2);
    expect(again).toEqual(first);
    answers.dispose();
  });

  it('is swept by one timer, which forgets idle answers and stops once nothing is held', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    // A fresh copy of the module: its one timer is made under the fake clock, whatever the tests above left running.
    vi.resetModules();
    const { SyncAnswers: Fresh } = await import('./sync-answers.js');
    const { answers, empty } = answersOf('a plan joined once', Fresh);
    answers.missingFor(empty);
    expect(vi.getTimerCount()).toBe(1);
    // Still asked for within the keep time: kept.
    vi.advanceTimersByTime(5_000);
    answers.missingFor(empty);
    expect(answers.encoded).toBe(1);
    // Nobody asks for longer than the keep time (10 s) and a sweep (5 s): forgotten, and the timer is gone.
    vi.advanceTimersByTime(16_000);
    expect(vi.getTimerCount()).toBe(0);
    answers.missingFor(empty);
    expect(answers.encoded).toBe(2);
    answers.dispose();
    vi.advanceTimersByTime(5_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { rawSocket, syncUpdate } from './helpers/raw-socket.js';
import { connectEditor, newEntry, text, type Editor } from './helpers/editor.js';
import { seedFor, type SeededPerson, type SeededPlan } from './helpers/seed.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The `committed` checkpoint (docs/document-model.md, "Knowing an edit is saved"): a client sends
 * `[100, id]` after its changes and gets `[100, id]` back once everything it sent before is
 * committed. A client that never asks never gets a message y-websocket does not know.
 */

const COMMITTED = 100;
let t: TestApp;
let plan: SeededPlan;
let person: SeededPerson;
let reader: Editor;

const checkpoint = (id: number) => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, COMMITTED);
  encoding.writeVarUint(encoder, id);
  return encoding.toUint8Array(encoder);
};
/** The checkpoint ids among a client's received messages, in order. */
const answered = (messages: Uint8Array[]) =>
  messages.flatMap((bytes) => {
    const decoder = decoding.createDecoder(bytes);
    return decoding.readVarUint(decoder) === COMMITTED ? [decoding.readVarUint(decoder)] : [];
  });
const raw = () => rawSocket(`${t.url.replace(/^http/, 'ws')}/collab/${plan.id}?token=${encodeURIComponent(person.token)}`);

/** Rows of the plan's log as another connection sees them: only what is committed. */
const committedSeqs = async () =>
  (await t.asOwner<{ seq: number }>(`select seq from plan_update where plan_id = $1 and part = 'main' order by seq`, [plan.id])).map((row) => Number(row.seq));

/** A goal added on top of what the reader holds (the server's committed state). */
function goalUpdate(label: string): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(reader.doc));
  const before = Y.encodeStateVector(copy);
  copy.getArray('goals').push([newEntry({ id: label, text: text(label) })]);
  const update = Y.encodeStateAsUpdate(copy, before);
  copy.destroy();
  return update;
}

beforeAll(async () => {
  // A large snapshot interval keeps every change in plan_update, where the test reads it.
  t = await startTestApp({ DOC_SNAPSHOT_EVERY: '100000' });
  const seed = seedFor(t);
  person = await seed.citizen('committed-owner');
  const sister = await seed.citizen('committed-sister');
  plan = await seed.plan().withOwner(person).withRelative(sister).create();
  reader = connectEditor(t, plan.id, sister.token);
  await reader.synced();
});

afterAll(async () => {
  reader?.destroy();
  await t?.close();
});

describe('the committed checkpoint', () => {
  it('answers only once the changes sent before it are committed, even while the commit is slow', async () => {
    const client = raw();
    await client.opened;
    await vi.waitFor(() => expect(client.messages.length).toBeGreaterThan(0)); // the server's sync step 1
    // Every commit of this plan now takes a quarter of a second inside PostgreSQL.
    await t.asOwner(`create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(0.25); return new; end $$`);
    await t.asOwner('create trigger slow_commit before insert on plan_update for each row execute function slow_commit()');
    try {
      const before = await committedSeqs();
      client.socket.send(syncUpdate(goalUpdate('slow-1')));
      client.socket.send(checkpoint(1));
      await vi.waitFor(() => expect(answered(client.messages)).toEqual([1]), { timeout: 5_000 });
      // The answer came: the change is in the log, seen from outside the server.
      expect((await committedSeqs()).length).toBe(before.length + 1);
    } finally {
      await t.asOwner('drop trigger slow_commit on plan_update; drop function slow_commit()');
    }
    client.socket.close();
  });

  it('answers checkpoints in order, for changes that bring nothing new too, and right away when nothing was sent', async () => {
    const client = raw();
    await client.opened;
    await vi.waitFor(() => expect(client.messages.length).toBeGreaterThan(0));
    client.socket.send(checkpoint(10)); // nothing sent yet
    const update = goalUpdate('twice');
    client.socket.send(syncUpdate(update));
    client.socket.send(checkpoint(11));
    client.socket.send(syncUpdate(update)); // the same change again: nothing new, still answered
    client.socket.send(checkpoint(12));
    client.socket.send(checkpoint(0xffff_ffff));
    await vi.waitFor(() => expect(answered(client.messages)).toEqual([10, 11, 12, 0xffff_ffff]));
    await vi.waitFor(() => expect(JSON.stringify(reader.section('goals'))).toContain('twice'));
    client.socket.close();
  });

  it('is refused with 4400 when malformed, and the document is untouched', async () => {
    const malformed = (id: number | null, extra: number[] = []) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, COMMITTED);
      if (id !== null) encoding.writeVarUint(encoder, id);
      for (const byte of extra) encoding.writeUint8(encoder, byte);
      return encoding.toUint8Array(encoder);
    };
    const cases = fc.sample(
      fc.oneof(
        fc.constant(malformed(null)),
        fc.integer({ min: 0x1_0000_0000, max: Number.MAX_SAFE_INTEGER }).map((id) => malformed(id)),
        fc.tuple(fc.nat(0xffff_ffff), fc.array(fc.nat(255), { minLength: 1, maxLength: 8 })).map(([id, extra]) => malformed(id, extra)),
      ),
      12,
    );
    const before = await committedSeqs();
    for (const bytes of cases) {
      const client = raw();
      await client.opened;
      await vi.waitFor(() => expect(client.messages.length).toBeGreaterThan(0));
      client.socket.send(bytes);
      expect((await client.closed).code, Buffer.from(bytes).toString('hex')).toBe(4400);
      expect(answered(client.messages)).toEqual([]);
    }
    expect(await committedSeqs()).toEqual(before);
  });

  it('works from a real WebsocketProvider through its messageHandlers, and an honest client that never asks gets no unknown message', async () => {
    const editor = connectEditor(t, plan.id, person.token);
    const plain = connectEditor(t, plan.id, person.token);
    const unknown: number[] = [];
    const plainHandlers = plain.provider.messageHandlers as unknown as Array<unknown>;
    const seen = plainHandlers.length;
    // Any message type without a handler would land here: y-websocket would only log it.
    for (let type = 0; type <= COMMITTED; type++) if (!plainHandlers[type]) plainHandlers[type] = () => unknown.push(type);
    try {
      await Promise.all([editor.synced(), plain.synced()]);
      const acknowledged: number[] = [];
      (editor.provider.messageHandlers as unknown as Array<(encoder: unknown, decoder: decoding.Decoder) => void>)[COMMITTED] = (_encoder, decoder) => {
        acknowledged.push(decoding.readVarUint(decoder));
      };
      editor.doc.getArray('goals').push([newEntry({ id: 'from-provider', text: text('from provider') })]);
      editor.provider.ws!.send(checkpoint(42));
      await vi.waitFor(() => expect(acknowledged).toEqual([42]));
      await vi.waitFor(() => expect(JSON.stringify(plain.section('goals'))).toContain('from provider'));
      expect(unknown).toEqual([]);
      expect(seen).toBeLessThan(COMMITTED);
    } finally {
      editor.destroy();
      plain.destroy();
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defineSections } from './document.template.js';
import { inspectUpdate, type Inspection } from './update-inspector.js';

/** A server document; each change is made on a fresh client copy of it, so one refusal never leaks into the next. */
function pair() {
  const server = new Y.Doc();
  defineSections(server);
  /** Runs `edit` on a client copy and inspects (and, when accepted, applies) the resulting update. */
  const change = (edit: (doc: Y.Doc) => void): Inspection => {
    const client = new Y.Doc();
    defineSections(client);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(server);
    edit(client);
    const update = Y.encodeStateAsUpdate(client, before);
    const result = inspectUpdate(server, update);
    if (result.ok) Y.applyUpdate(server, update);
    return result;
  };
  return { server, change };
}

const entry = (fields: Record<string, unknown>) => new Y.Map(Object.entries(fields));
const text = (value: string) => new Y.Text(value);

function expectTouches(result: Inspection) {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

function expectRefusal(result: Inspection, pattern: RegExp) {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(pattern);
}

describe('inspectUpdate', () => {
  it('resolves a new entry to its section, with its owner', () => {
    const { change } = pair();
    const result = expectTouches(
      change((doc) => doc.getArray('contributions').push([entry({ id: 'c1', personId: 'p1', text: text('I drive') })])),
    );
    expect(result.sections).toEqual(['contributions']);
    expect(result.touches).toHaveLength(1);
    expect(result.touches[0]!.entry).toEqual({ ownerPersonId: 'p1', organizationId: null, changesOwner: false });
  });

  it('resolves typing inside an existing entry to that entry, with its stored owner', () => {
    const { change } = pair();
    change((doc) => doc.getArray('contributions').push([entry({ id: 'c1', personId: 'p1', text: text('I drive') })]));
    const result = expectTouches(
      change((doc) => ((doc.getArray('contributions').get(0) as Y.Map<unknown>).get('text') as Y.Text).insert(7, ' on Mondays')),
    );
    expect(result.touches).toEqual([
      expect.objectContaining({ section: 'contributions', entry: { ownerPersonId: 'p1', organizationId: null, changesOwner: false } }),
    ]);
  });

  it('flags a change of owner on an existing entry', () => {
    const { change } = pair();
    change((doc) => doc.getArray('measures').push([entry({ id: 'm1', organizationId: 'o1', title: text('Home care') })]));
    const result = expectTouches(change((doc) => (doc.getArray('measures').get(0) as Y.Map<unknown>).set('organizationId', 'o2')));
    expect(result.touches[0]!.entry).toEqual({ ownerPersonId: null, organizationId: 'o1', changesOwner: true });
  });

  it('resolves deletions to the entry they remove', () => {
    const { change } = pair();
    change((doc) => doc.getArray('log').push([entry({ id: 'l1', personId: 'p2', text: text('Called the school') })]));
    const result = expectTouches(change((doc) => doc.getArray('log').delete(0, 1)));
    expect(result.touches).toEqual([expect.objectContaining({ section: 'log', entry: expect.objectContaining({ ownerPersonId: 'p2' }) })]);
  });

  it('resolves record sections without an entry', () => {
    const { change } = pair();
    change((doc) => doc.getMap('situation').set('needs', text('Help at home')));
    const result = expectTouches(change((doc) => (doc.getMap('situation').get('needs') as Y.Text).insert(0, 'More ')));
    expect(result.touches).toEqual([{ section: 'situation', entryKey: null, entry: null, isNewEntry: false }]);
  });

  it('reports an update the document already holds as empty', () => {
    const { server, change } = pair();
    change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]));
    const result = expectTouches(inspectUpdate(server, Y.encodeStateAsUpdate(server)));
    expect(result.empty).toBe(true);
  });

  it('refuses a root type that is not a section', () => {
    expectRefusal(pair().change((doc) => doc.getMap('secrets').set('x', 1)), /not a section/);
  });

  it('refuses a sub-document', () => {
    expectRefusal(pair().change((doc) => doc.getMap('situation').set('needs', new Y.Doc())), /sub-documents/);
  });

  it('refuses unknown fields, wrong field kinds and invalid values', () => {
    const { change } = pair();
    expectRefusal(change((doc) => doc.getArray('goals').push([entry({ id: 'g1', colour: 'red' })])), /not a field/);
    expectRefusal(change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: 'plain' })])), /collaborative text/);
    expectRefusal(change((doc) => doc.getArray('measures').push([entry({ id: 'm1', start: 'soon' })])), /date/);
    expectRefusal(change((doc) => doc.getArray('measures').push([entry({ id: 'm1', status: 'MAYBE' })])), /one of PLANNED/);
    expectRefusal(change((doc) => doc.getArray('goals').push(['just a string'])), /must be maps/);
    expectRefusal(change((doc) => doc.getArray('goals').push([entry({ text: text('no id') })])), /needs a string "id"/);
    expectRefusal(change((doc) => doc.getMap('situation').set('mood', 'fine')), /not a field/);
  });

  it('refuses a changed entry id and types nested inside text', () => {
    const { change } = pair();
    change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]));
    expectRefusal(change((doc) => (doc.getArray('goals').get(0) as Y.Map<unknown>).set('id', 'g2')), /cannot change/);
    expectRefusal(
      change((doc) => ((doc.getArray('goals').get(0) as Y.Map<unknown>).get('text') as Y.Text).insertEmbed(0, new Y.Map())),
      /only text/,
    );
  });

  it('accepts text typed at one spot by many clients and merged, in whichever order their ids write them', () => {
    // Offline edits over several sessions (each a new Yjs client) or relayed from other clients
    // arrive as one update whose characters each sit beside the one before. Five of them in a row
    // were once read as five levels of nesting and the honest update refused: its edits lost.
    for (const [clients, ascending] of [[5, true], [5, false], [40, true], [3_000, true]] as const) {
      const { server, change } = pair();
      expectTouches(change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: text('ab') })])));
      const result = expectTouches(change((doc) => {
        const typed = (doc.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!;
        for (let index = 0; index < clients; index += 1) {
          // Yjs writes clients by descending id: ascending ids make each character wait on one read later.
          doc.clientID = ascending ? 10_000 + index : 10_000 + clients - index;
          typed.insert(1 + index, 'x');
        }
      }));
      expect(result.sections).toEqual(['goals']);
      expect(result.touches).toHaveLength(1);
      expect(result.checkedBy).toBe('fast');
      expect(((server.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!).toString()).toBe(`a${'x'.repeat(clients)}b`);
    }
  });

  it('accepts any typing by many clients merged into one update, reading exactly the entry Yjs changes', () => {
    // Offline sessions (each a new Yjs client) typing and deleting anywhere in a text, between
    // each other's new characters too, then sent as one update: never refused as too deep.
    const session = fc.record({
      client: fc.integer({ min: 1, max: 2 ** 31 }),
      edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.boolean(), char: fc.constantFrom('a', 'b', 'æ', '😀') }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(session, { minLength: 2, maxLength: 60 }), (sessions) => {
        const { server, change } = pair();
        expectTouches(change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: text('ab') })])));
        let typed = '';
        const result = expectTouches(change((doc) => {
          const field = (doc.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!;
          for (const { client, edits } of sessions) {
            doc.clientID = client;
            for (const { at, remove, char } of edits) {
              const index = Math.floor(at * field.length);
              if (remove && field.length > 0) field.delete(Math.min(index, field.length - 1), 1);
              else field.insert(index, char);
            }
          }
          typed = field.toString();
        }));
        expect(result.sections).toEqual(['goals']);
        expect(result.touches).toHaveLength(1);
        expect(((server.getArray('goals').get(0) as Y.Map<Y.Text>).get('text')!).toString()).toBe(typed);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses updates that reference items the server does not have', () => {
    const { server } = pair();
    const stranger = new Y.Doc();
    defineSections(stranger);
    stranger.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]);
    const before = Y.encodeStateVector(stranger);
    ((stranger.getArray('goals').get(0) as Y.Map<unknown>).get('text') as Y.Text).insert(4, ' daily');
    expectRefusal(inspectUpdate(server, Y.encodeStateAsUpdate(stranger, before)), /does not have/);
  });

  it('refuses updates that skip ahead of what the document holds', () => {
    const { server } = pair();
    const client = new Y.Doc();
    defineSections(client);
    client.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]);
    const before = Y.encodeStateVector(client);
    client.getArray('goals').push([entry({ id: 'g2', text: text('Swim') })]);
    expectRefusal(inspectUpdate(server, Y.encodeStateAsUpdate(client, before)), /does not have/);
  });

  it('refuses malformed and oversized updates', () => {
    const { server } = pair();
    expectRefusal(inspectUpdate(server, new Uint8Array([1, 2, 3, 250, 255, 255, 255])), /malformed|could not be read/);
    expectRefusal(inspectUpdate(server, new Uint8Array(10), { maxUpdateBytes: 5, maxStructs: 10 }), /larger than/);
  });
});

describe('inspectUpdate reads what Yjs integrates (issue 11)', () => {
  const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

  it('refuses a client named in two struct groups (finding 1), which Yjs would leave pending', () => {
    const { server, change } = pair();
    change((doc) => doc.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]));
    // The update inside the 21-byte sync frame of finding 1: client 4242000 at clock 0 and at clock 100.
    const update = fromHex('0201d0f4820200000101d0f4820264000100');
    expectRefusal(inspectUpdate(server, update), /more than one part|gaps/);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, update);
    expect(copy.store.pendingStructs).not.toBeNull(); // what the server used to half-apply
  });

  it('refuses two adjacent, contiguous groups for one client: Yjs keeps only the second', () => {
    const { server } = pair();
    const client = new Y.Doc();
    client.getArray('goals').push([entry({ id: 'g1', text: text('Walk') })]);
    const first = Y.encodeStateAsUpdate(client);
    const middle = Y.encodeStateVector(client);
    client.getArray('goals').push([entry({ id: 'g2', text: text('Run') })]);
    const second = Y.encodeStateAsUpdate(client, middle);
    // Each is [1 group, ...group, 0 deletions]: glue the two groups under one header of 2.
    expect([first[0], first.at(-1), second[0], second.at(-1)]).toEqual([1, 0, 1, 0]);
    const glued = new Uint8Array([2, ...first.subarray(1, -1), ...second.subarray(1, -1), 0]);
    expect(Y.decodeUpdate(glued).structs.map((struct) => struct.id.clock)).toEqual(Y.decodeUpdate(Y.encodeStateAsUpdate(client)).structs.map((struct) => struct.id.clock));
    expectRefusal(inspectUpdate(server, glued), /more than one part/);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, glued);
    expect(copy.store.pendingStructs).not.toBeNull();
  });

  it('judges a new entry by the owner Yjs keeps, not the first one written (finding 2)', () => {
    const { server } = pair();
    const attacker = new Y.Doc();
    defineSections(attacker);
    Y.applyUpdate(attacker, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(attacker);
    const forged = entry({ id: 'c1', personId: 'self', text: text('mine') });
    attacker.getArray('contributions').push([forged]);
    forged.set('personId', 'other'); // a second transaction, merged into the same update
    const update = Y.encodeStateAsUpdate(attacker, before);
    const result = expectTouches(inspectUpdate(server, update));
    expect(result.checkedBy).toBe('trial');
    expect(result.touches).toEqual([expect.objectContaining({ section: 'contributions', isNewEntry: true, entry: { ownerPersonId: 'other', organizationId: null, changesOwner: false } })]);
    Y.applyUpdate(server, update);
    expect((server.getArray('contributions').get(0) as Y.Map<unknown>).get('personId')).toBe('other');
  });

  it("judges a new measure by the organization Yjs keeps (finding 2, a provider's form)", () => {
    const { server } = pair();
    const attacker = new Y.Doc();
    defineSections(attacker);
    const before = Y.encodeStateVector(attacker);
    const measure = entry({ id: 'm1', organizationId: 'mine', title: text('Help') });
    attacker.getArray('measures').push([measure]);
    measure.set('organizationId', 'theirs');
    measure.delete('title');
    const result = expectTouches(inspectUpdate(server, Y.encodeStateAsUpdate(attacker, before)));
    expect(result.touches[0]!.entry).toEqual({ ownerPersonId: null, organizationId: 'theirs', changesOwner: false });
  });

  it('keeps the fast reading for an ordinary new entry', () => {
    const { change } = pair();
    const result = expectTouches(change((doc) => doc.getArray('contributions').push([entry({ id: 'c1', personId: 'p1', text: text('x') })])));
    expect(result.checkedBy).toBe('fast');
  });

  it("refuses a new entry whose id a second write clears", () => {
    const { server } = pair();
    const attacker = new Y.Doc();
    defineSections(attacker);
    const before = Y.encodeStateVector(attacker);
    const goal = entry({ id: 'g1', text: text('x') });
    attacker.getArray('goals').push([goal]);
    goal.set('id', null);
    expectRefusal(inspectUpdate(server, Y.encodeStateAsUpdate(attacker, before)), /needs a string "id"/);
  });
});

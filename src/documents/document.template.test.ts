import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SECTIONS, SECTION_KEYS, declareSectionsPresent, defineSections, sectionContent, type SectionKey } from './document.template.js';

type Change =
  | { kind: 'add'; section: SectionKey; text: string }
  | { kind: 'edit'; section: SectionKey; at: number; text: string }
  | { kind: 'remove'; section: SectionKey; at: number };

const sectionKey = fc.constantFrom(...SECTION_KEYS);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), section: sectionKey, text: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('edit' as const), section: sectionKey, at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('remove' as const), section: sectionKey, at: fc.nat() }),
);

/** What an honest client does to a section: list entries with a text field, or a record's text fields. */
function applyChange(doc: Y.Doc, { kind, section, ...rest }: Change): void {
  if (SECTIONS[section].kind === 'list') {
    const list = doc.getArray<Y.Map<unknown>>(section);
    if (kind === 'add') {
      const entry = new Y.Map<unknown>();
      entry.set('text', new Y.Text('text' in rest ? rest.text : ''));
      list.push([entry]);
    } else if (list.length > 0) {
      const at = ('at' in rest ? rest.at : 0) % list.length;
      if (kind === 'remove') list.delete(at, 1);
      else (list.get(at).get('text') as Y.Text).insert(0, 'text' in rest ? rest.text : '');
    }
  } else {
    const record = doc.getMap<unknown>(section);
    const field = `field${'at' in rest ? rest.at % 3 : 0}`;
    if (kind === 'remove') record.delete(field);
    else record.set(field, new Y.Text('text' in rest ? rest.text : ''));
  }
}

const allContent = (doc: Y.Doc) => Object.fromEntries(SECTION_KEYS.map((key) => [key, sectionContent(doc, key)]));

describe('root types declared only where a document holds a section', () => {
  it('reads, stores and types the same as a document with every section declared, for any changes from any clients', () => {
    fc.assert(fc.property(fc.array(fc.record({ client: fc.integer({ min: 0, max: 2 }), change }), { minLength: 1, maxLength: 25 }), fc.boolean(), (steps, loadFirst) => {
      const clients = [0, 1, 2].map(() => {
        const doc = new Y.Doc();
        defineSections(doc);
        return doc;
      });
      const declared = new Y.Doc();
      defineSections(declared);
      const lazy = new Y.Doc();
      const split = loadFirst ? Math.floor(steps.length / 2) : 0;
      steps.forEach(({ client, change }, index) => {
        const author = clients[client]!;
        const before = Y.encodeStateVector(author);
        applyChange(author, change);
        const update = Y.encodeStateAsUpdate(author, before);
        // Every client hears every change, as through the server.
        for (const other of clients) if (other !== author) Y.applyUpdate(other, update);
        Y.applyUpdate(declared, update);
        if (index >= split) {
          // First half (when loading first) arrives as one stored state, as a load reads it.
          if (index === split && split > 0) Y.applyUpdate(lazy, Y.encodeStateAsUpdate(declared));
          else Y.applyUpdate(lazy, update);
          declareSectionsPresent(lazy);
        }
        for (const [key, type] of lazy.share) expect(type).toBeInstanceOf(SECTIONS[key as SectionKey].kind === 'list' ? Y.Array : Y.Map);
        if (index >= split) expect(allContent(lazy)).toEqual(allContent(declared));
      });
      expect(allContent(lazy)).toEqual(allContent(declared));
      expect(allContent(lazy)).toEqual(allContent(clients[0]!));
      expect(Buffer.from(Y.encodeStateAsUpdate(lazy))).toEqual(Buffer.from(Y.encodeStateAsUpdate(declared)));
      // Only what some change wrote in has a root type.
      const touched = new Set(steps.filter(({ change }) => change.kind !== 'remove' || SECTIONS[change.section].kind === 'record').map(({ change }) => change.section));
      for (const key of lazy.share.keys()) expect(touched.has(key as SectionKey)).toBe(true);
    }), { numRuns: 200 });
  });

  it('reads a section the document never held as empty, without declaring it', () => {
    const doc = new Y.Doc();
    expect(sectionContent(doc, 'goals')).toEqual([]);
    expect(sectionContent(doc, 'period')).toEqual({});
    expect(doc.share.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defineSections, sectionContent } from './document.template.js';
import { clearingUpdate, holdsRestrictedContent, movedContentUpdate } from './restricted-move.js';

/** A main document as stored before the split: the situation written field by field, in `order`. */
function legacyMain(order: readonly string[]): Y.Doc {
  const doc = new Y.Doc();
  defineSections(doc);
  doc.getArray('goals').push([new Y.Map(Object.entries({ id: 'g1', text: new Y.Text('Live at home') }))]);
  for (const field of order) doc.getMap('situation').set(field, new Y.Text(`${field} text`));
  return doc;
}

describe('moving the situation out of a main document', () => {
  it('writes the same bytes for the same content, however it was written, so two servers write it once', () => {
    const [a, b] = [legacyMain(['needs', 'resources']), legacyMain(['resources', 'needs'])];
    const update = movedContentUpdate('plan-1', a);
    expect(movedContentUpdate('plan-1', b)).toEqual(update);
    const restricted = new Y.Doc();
    defineSections(restricted);
    Y.applyUpdate(restricted, update);
    expect(sectionContent(restricted, 'situation')).toEqual({ needs: 'needs text', resources: 'resources text' });
    const before = Y.encodeStateAsUpdate(restricted);
    Y.applyUpdate(restricted, movedContentUpdate('plan-1', b));
    expect(Y.encodeStateAsUpdate(restricted)).toEqual(before);
  });

  it('leaves the main document without the situation or its text, and everything else as it was', () => {
    const main = legacyMain(['needs']);
    expect(holdsRestrictedContent(main)).toBe(true);
    Y.applyUpdate(main, clearingUpdate(main));
    expect(holdsRestrictedContent(main)).toBe(false);
    expect(sectionContent(main, 'goals')).toEqual([{ id: 'g1', text: 'Live at home' }]);
    expect(Buffer.from(Y.encodeStateAsUpdate(main)).includes(Buffer.from('needs text'))).toBe(false);
  });
});

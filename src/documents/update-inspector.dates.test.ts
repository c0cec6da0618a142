import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defineSections } from './document.template.js';
import { inspectUpdate } from './update-inspector.js';

/** A server document holding one measure, and a client copy of it whose edits are inspected. */
function withMeasure() {
  const server = new Y.Doc();
  defineSections(server);
  server.getArray('measures').push([new Y.Map(Object.entries({ id: 'm1', evaluateBy: '2026-03-01' }))]);
  server.getMap('period').set('revisionDates', ['2026-06-01']);
  const inspect = (edit: (doc: Y.Doc) => void) => {
    const client = new Y.Doc();
    defineSections(client);
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(server);
    edit(client);
    return inspectUpdate(server, Y.encodeStateAsUpdate(client, before));
  };
  const measure = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('measures').get(0);
  return { inspect, measure };
}

describe('the inspector takes only real calendar dates', () => {
  it('refuses a live update setting a measure evaluateBy to 2026-02-31, naming the field', () => {
    const { inspect, measure } = withMeasure();
    const refused = inspect((doc) => measure(doc).set('evaluateBy', '2026-02-31'));
    expect(refused).toMatchObject({ ok: false, section: 'measures' });
    if (!refused.ok) expect(refused.reason).toBe('"evaluateBy" in measures must be a real calendar date (yyyy-mm-dd)');
  });

  it.each(['2026-13-01', '2025-02-29', '2026-04-31'])('refuses %s as a new measure evaluateBy and in revisionDates', (bad) => {
    const { inspect } = withMeasure();
    expect(inspect((doc) => doc.getArray('measures').push([new Y.Map(Object.entries({ id: 'm2', evaluateBy: bad }))])).ok).toBe(false);
    const refused = inspect((doc) => doc.getMap('period').set('revisionDates', ['2026-06-01', bad]));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/"revisionDates" in period must be a list of real calendar dates/);
  });

  it('accepts real dates, a leap day, and clearing', () => {
    const { inspect, measure } = withMeasure();
    expect(inspect((doc) => measure(doc).set('evaluateBy', '2024-02-29')).ok).toBe(true);
    expect(inspect((doc) => measure(doc).set('evaluateBy', null)).ok).toBe(true);
    expect(inspect((doc) => doc.getMap('period').set('revisionDates', ['2026-02-28', '2028-02-29'])).ok).toBe(true);
  });
});

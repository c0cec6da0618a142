import { describe, expect, it } from 'vitest';
import { PeerGate } from './peer-gate.js';

function gateAt(start: number) {
  let now = start;
  let stale = 0;
  const gate = new PeerGate({ now: () => new Date(now) }, () => (stale += 1));
  const sent: string[] = [];
  return { gate, sent, send: (what: string) => gate.send(() => sent.push(what)), setNow: (at: number) => (now = at), stale: () => stale };
}

describe('PeerGate', () => {
  it('sends at once while nothing holds it and access holds', () => {
    const { gate, sent, send } = gateAt(1_000);
    gate.setValidUntil(2_000);
    send('a');
    expect(sent).toEqual(['a']);
  });

  it('holds while the hub re-checks, then lets everything out in order, only at the last release', () => {
    const { gate, sent, send } = gateAt(1_000);
    gate.hold();
    gate.hold();
    send('a');
    send('b');
    gate.release();
    expect(sent).toEqual([]);
    send('c');
    gate.release();
    expect(sent).toEqual(['a', 'b', 'c']);
    // An extra release (a refresh that held nothing) neither throws nor reorders.
    gate.release();
    send('d');
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('at validUntil holds everything and asks for a re-check once, until new facts come', () => {
    const { gate, sent, send, setNow, stale } = gateAt(1_000);
    gate.setValidUntil(2_000);
    setNow(2_000);
    send('at the instant');
    send('after it');
    expect(sent).toEqual([]);
    expect(stale()).toBe(1);
    // The hub re-reads and holds meanwhile; the new facts run to 3000.
    gate.hold();
    gate.setValidUntil(3_000);
    expect(sent).toEqual([]);
    gate.release();
    expect(sent).toEqual(['at the instant', 'after it']);
    send('later');
    expect(sent).toEqual(['at the instant', 'after it', 'later']);
  });

  it('keeps waiting if the new facts are also already past, and asks again', () => {
    const { gate, sent, send, setNow, stale } = gateAt(1_000);
    gate.setValidUntil(1_500);
    setNow(2_000);
    send('x');
    gate.setValidUntil(1_900);
    expect(sent).toEqual([]);
    expect(stale()).toBe(2);
    gate.setValidUntil(null);
    expect(sent).toEqual(['x']);
  });

  it('never lets a new send overtake held ones', () => {
    const { gate, sent, send } = gateAt(1_000);
    gate.hold();
    send('first');
    gate.release();
    send('second');
    expect(sent).toEqual(['first', 'second']);
    expect(gate.waiting).toBe(0);
  });
});

import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { vi } from 'vitest';
import { defineSections, sectionContent, type SectionKey } from '../../src/documents/document.template.js';
import type { TestApp } from './test-app.js';

export interface Editor {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Terminal closes the provider reported (4400–4499), e.g. 4403 after a refused change. */
  closes: Array<{ code: number; reason: string }>;
  /** Permission-denied reasons the server sent. */
  denied: string[];
  synced(): Promise<void>;
  section<T = unknown>(key: SectionKey): T;
  destroy(): void;
}

// y-websocket's provider adds one process 'exit' listener each (to clear its presence when Node
// exits); tests hold dozens open at once, which is no leak: they are removed on destroy().
process.setMaxListeners(Math.max(process.getMaxListeners(), 100));

/** A real y-websocket client, connected the way the README tells a newcomer to connect. */
export function connectEditor(t: TestApp, planId: string, token: string, options: { connect?: boolean; doc?: Y.Doc } = {}): Editor {
  // A given doc is a client moving to another server (as a load balancer would send it), keeping what it has.
  const doc = options.doc ?? new Y.Doc();
  defineSections(doc);
  const provider = new WebsocketProvider(`${t.url.replace(/^http/, 'ws')}/collab`, planId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    maxBackoffTime: 500,
  });
  const closes: Editor['closes'] = [];
  const denied: string[] = [];
  provider.on('closed', (event: { code: number; reason: string }) => closes.push(event));
  // y-websocket reports permission-denied through console.warn only; listen on its message handler instead.
  const handlers = provider.messageHandlers as unknown as Array<(...args: unknown[]) => void>;
  const authHandler = handlers[2]!;
  handlers[2] = (encoder, decoder, ...rest) => {
    const { arr, pos } = decoder as { arr: Uint8Array; pos: number };
    const peek = decoding.createDecoder(arr.subarray(pos));
    decoding.readVarUint(peek); // permission-denied
    denied.push(decoding.readVarString(peek));
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      authHandler(encoder, decoder, ...rest);
    } finally {
      console.warn = warn;
    }
  };
  return {
    doc,
    provider,
    closes,
    denied,
    synced: () => vi.waitFor(() => {
      if (!provider.synced) throw new Error('not synced yet');
    }, { timeout: 10_000 }),
    section: <T,>(key: SectionKey) => sectionContent(doc, key) as T,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

export const newEntry = (fields: Record<string, unknown>) => new Y.Map(Object.entries(fields));
export const text = (value: string) => new Y.Text(value);

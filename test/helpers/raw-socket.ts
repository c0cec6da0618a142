import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';

/** A raw WebSocket at a Samplan door, speaking bytes no honest client library would (the attacker tests). */
export interface RawSocket {
  socket: WebSocket;
  /** What the server sent, in order, undecoded. */
  messages: Uint8Array[];
  opened: Promise<void>;
  /** How the server ended it. */
  closed: Promise<{ code: number; reason: string }>;
  /** 101 once upgraded, or the HTTP status the upgrade was refused with. */
  status: Promise<number>;
  send(bytes: Uint8Array | string): void;
}

export function rawSocket(url: string, headers: Record<string, string> = {}): RawSocket {
  const socket = new WebSocket(url, { headers });
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  socket.on('error', () => undefined);
  return {
    socket,
    messages,
    opened: new Promise((resolve) => socket.once('open', () => resolve())),
    closed: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    status: new Promise((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => resolve(101));
    }),
    send: (bytes) => socket.send(bytes),
  };
}

/** y-websocket's sync message carrying an update: [0 sync, 2 update, bytes]. */
export function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * The join storm's floor: a server that speaks just enough of the y-websocket protocol to answer a
 * sync request (sync step 1) with one prepared state (sync step 2), framed once and sent as the
 * same bytes to everyone. No auth, no database, no document, no access log: what moving the state
 * to every client costs on this machine (bench/workloads/join-storm.ts).
 */
import { readFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer } from 'ws';

const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;

const state = readFileSync(process.env['STATE_FILE']!);
const encoder = encoding.createEncoder();
encoding.writeVarUint(encoder, MESSAGE_SYNC);
encoding.writeVarUint(encoder, SYNC_STEP_2);
encoding.writeVarUint8Array(encoder, state);
const answer = encoding.toUint8Array(encoder);

const port = Number(process.env['PORT']);
const server = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 2 * 1024 * 1024 });
server.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (decoding.readVarUint(decoder) === MESSAGE_SYNC && decoding.readVarUint(decoder) === SYNC_STEP_1) socket.send(answer);
  });
});
server.on('listening', () => process.stderr.write(`bare sync ready on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

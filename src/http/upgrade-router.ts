import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_TABLE } from '../errors/error-codes.js';
import type { Logger } from '../logging/logger.js';
import { originAllowed } from './origin.js';

export interface UpgradeRoute {
  /** Whether this route serves the request's path. */
  matches(pathname: string): boolean;
  handle(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * The one place WebSocket upgrades arrive: checks the browser Origin once for every door, then
 * hands the socket to the route for its path (`/graphql`, `/collab/<planId>`). Anything else is
 * answered with a plain HTTP error and closed.
 */
export function routeUpgrades(server: http.Server, options: { allowedOrigins: readonly string[]; routes: UpgradeRoute[]; logger: Logger }): void {
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => options.logger.debug({ event: 'ws.upgrade_socket_error', err: error }));
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!originAllowed(request.headers.origin, options.allowedOrigins)) {
      return reject(socket, ERROR_TABLE.FORBIDDEN.httpStatus, 'Origin not allowed');
    }
    const route = options.routes.find((candidate) => candidate.matches(pathname));
    if (!route) return reject(socket, ERROR_TABLE.NOT_FOUND.httpStatus, 'No WebSocket endpoint here');
    route.handle(request, socket, head);
  });
}

function reject(socket: Duplex, status: number, message: string): void {
  const reason = status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

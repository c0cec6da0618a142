import type { WebSocket } from 'ws';

/**
 * Open WebSocket connections per person at one door, counted on this server only: several servers
 * each allow the cap (docs/deployment.md). The count follows the socket's own `close` event, so it
 * goes down however the connection ends (client, server, token expiry, ping timeout, reset).
 */
export class ConnectionCap {
  readonly #open = new Map<string, number>();

  /** @param max connections one person may hold open at this door. */
  constructor(readonly max: number) {}

  /** Counts `socket` for `personId` until it closes; false (and nothing counted) when the person is at the cap or the socket already closed. */
  admit(personId: string, socket: WebSocket): boolean {
    const count = this.#open.get(personId) ?? 0;
    if (count >= this.max || socket.readyState !== socket.OPEN) return false;
    this.#open.set(personId, count + 1);
    socket.once('close', () => {
      const left = (this.#open.get(personId) ?? 1) - 1;
      if (left > 0) this.#open.set(personId, left);
      else this.#open.delete(personId);
    });
    return true;
  }

  /** Connections counted, everyone's together. */
  total(): number {
    let sum = 0;
    for (const count of this.#open.values()) sum += count;
    return sum;
  }
}

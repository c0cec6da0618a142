import type { ErrorCode } from '../errors/error-codes.js';
import type { Actor } from '../policy/actor.js';

/**
 * Someone connected to a live document, as the document core sees them. The WebSocket endpoint
 * implements it; the core never touches a socket.
 */
export interface DocumentPeer {
  readonly actor: Actor;
  /** Shown to others in presence: from the token and the participant record, never from the client. */
  readonly presence: { personId: string; name: string; role: string };
  /** A committed update made by someone else. */
  sendUpdate(update: Uint8Array): void;
  /** Presence changes (an encoded awareness update). */
  sendAwareness(update: Uint8Array): void;
  /** Ends the connection with the close code of an error-table entry (or 1001 when the server stops). */
  close(code: ErrorCode | 'GOING_AWAY', reason: string): void;
}

/** Why a change was refused: the error-table code and, when a section was at fault, its key. */
export interface Refusal {
  code: Extract<ErrorCode, 'BAD_USER_INPUT' | 'FORBIDDEN'>;
  reason: string;
  section: string | null;
}

export type SubmitResult =
  /** `durable` resolves with the change's sequence once committed (numbered at commit: servers share the log). */
  | { ok: true; changed: boolean; sections: string[]; durable: Promise<number> }
  | ({ ok: false } & Refusal);

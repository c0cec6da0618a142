import type { IncomingMessage } from 'node:http';
import type { ProofTarget } from './dpop.js';

/**
 * The request as a DPoP proof names it: its method, and the URL the client sent it to. Behind a
 * proxy that is `apiUrl` (API_URL) with the request's path; without it, the Host header over
 * plain http, which only a server reached directly (development) can trust.
 */
export function proofTargetOf(req: IncomingMessage & { originalUrl?: string }, apiUrl: string | null): ProofTarget {
  const proof = req.headers['dpop'];
  const path = (req.originalUrl ?? req.url ?? '/').split('?')[0]!;
  const base = apiUrl ? new URL(apiUrl) : new URL(`http://${req.headers.host ?? 'localhost'}`);
  const prefix = base.pathname.replace(/\/$/, '');
  return {
    // Two DPoP headers are no proof at all (RFC 9449, section 4.3, step 1).
    proof: typeof proof === 'string' && !proof.includes(',') ? proof : undefined,
    method: req.method ?? 'GET',
    url: `${base.origin}${prefix}${path}`,
  };
}

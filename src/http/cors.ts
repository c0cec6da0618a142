import type { RequestHandler } from 'express';
import cors from 'cors';
import { originAllowed } from './origin.js';

/** The HTTP paths browser clients call across origins: GraphQL, archive downloads, the development issuer. */
export const CORS_PATHS = ['/graphql', '/plans', '/auth', '/.well-known'];

/**
 * CORS for browser clients on the origins WebSockets accept (`originAllowed`: one rule, every door).
 * A preflight from such an origin gets 204 with what a client sends: its token (`Authorization`,
 * or `DPoP` with its proof), a JSON body, and the headers Apollo's CSRF prevention accepts as proof
 * of a preflight. A preflight from any other origin gets 204 with no allow headers, so the browser
 * stops there; an actual request from it gets no `Access-Control-Allow-Origin`, so its page cannot
 * read the answer. Apollo's CSRF prevention still refuses simple requests (a form post) whatever
 * their origin. No cookies are involved: access rides on bearer tokens, so credentials stay off.
 */
export function httpCors(allowedOrigins: readonly string[]): RequestHandler[] {
  const allowed = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && originAllowed(origin, allowedOrigins)),
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'DPoP', 'Content-Type', 'Apollo-Require-Preflight', 'X-Apollo-Operation-Name'],
    // What a client reads from an answer: when to retry, a download's file name, a DPoP nonce challenge.
    exposedHeaders: ['Retry-After', 'Content-Disposition', 'WWW-Authenticate', 'DPoP-Nonce'],
    maxAge: 600,
  });
  const varyAndEndPreflight: RequestHandler = (req, res, next) => {
    // Answers differ by Origin, allowed or not, so a cache must key on it.
    res.vary('Origin');
    if (req.method !== 'OPTIONS') return next();
    // Not allowed (an allowed origin's preflight was answered above): no allow headers, and no 400
    // from Apollo, which would read the preflight as a request.
    res.status(204).end();
  };
  return [allowed, varyAndEndPreflight];
}

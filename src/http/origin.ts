/**
 * Whether a WebSocket upgrade may proceed from this Origin. With no list configured every origin
 * may connect: access rides on a bearer token sent by the client, never on cookies, so a foreign
 * page gains nothing by opening a socket. With a list, browsers on other origins are refused.
 * Clients that send no Origin (servers, native apps) are not browsers and are let through.
 */
export function originAllowed(origin: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (!origin || allowedOrigins.length === 0) return true;
  return allowedOrigins.includes(origin);
}

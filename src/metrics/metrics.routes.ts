import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { MetricsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares in constant time: both sides are hashed to the same length first. */
function holdsToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return Boolean(match) && timingSafeEqual(digest(match![1]!), digest(token));
}

/** Answers one scrape, or 401 without the token; never anything but the text format. */
async function serve(registry: Registry, token: string | null, authorization: string | undefined): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  if (token !== null && !holdsToken(authorization, token)) {
    return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }, body: 'A valid metrics token is required\n' };
  }
  return { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }, body: await registry.metrics() };
}

/** `GET /metrics` on the API's server, when the configuration serves it there; null otherwise (the path is then 404). */
export function metricsRoute(registry: Registry, config: MetricsConfig): RequestHandler | null {
  if (config.port !== null || (config.token === null && !config.open)) return null;
  return (req, res, next) => {
    if (req.path !== '/metrics' || req.method !== 'GET') return next();
    serve(registry, config.token, req.headers.authorization).then(
      ({ status, headers, body }) => res.status(status).set(headers).send(body),
      next,
    );
  };
}

/** The separate metrics listener on `METRICS_PORT`, or null when none is configured. */
export async function startMetricsServer(registry: Registry, config: MetricsConfig, host: string, logger: Logger): Promise<{ url: string; close(): Promise<void> } | null> {
  if (config.port === null) return null;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    serve(registry, config.token, req.headers.authorization).then(
      ({ status, headers, body }) => res.writeHead(status, headers).end(body),
      (error: unknown) => {
        logger.error({ event: 'metrics.scrape_failed', err: error });
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port!, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
  logger.info({ event: 'metrics.listening', url });
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

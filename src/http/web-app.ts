import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where `npm run build` puts Samplan web (web/vite.config.ts). */
export const WEB_APP_DIR = path.join(PACKAGE_ROOT, 'dist', 'web');

/**
 * Samplan web, the reference client (web/), at `/`: its index page and its hashed assets. The app
 * routes by the URL's fragment (`/#/plans/<id>`), so no server path is shadowed: /graphql,
 * /collab, /auth, /plans/… and the rest answer as before. The app talks to the server only through
 * those public doors. Not built: `/` says how to build it.
 */
export function webAppRoutes(dir: string = WEB_APP_DIR): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.get('/', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text').send('Samplan web is not built: run `npm run build` (npm install and npm start do it), then reload.\nThe API is at /graphql.\n');
      return;
    }
    // The page names its hashed assets: always ask for the newest page.
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  // Hashed file names never change content: cache them for good.
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }));
  return router;
}

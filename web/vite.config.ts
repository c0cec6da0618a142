import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev:web` sends the server's doors (a Samplan started with `npm start`). */
const server = process.env['SAMPLAN_URL'] ?? 'http://127.0.0.1:4000';

/**
 * Samplan web: built into dist/web, which the server serves at `/` (src/http/web-app.ts).
 * `npm run dev:web` serves it from here with hot reload, passing the doors to a running server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // One bundle of about 650 kB (200 kB gzipped): React, Quill, Yjs and graphql; no split worth its requests.
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1_000 },
  server: {
    proxy: {
      '/graphql': { target: server, ws: true },
      '/collab': { target: server, ws: true },
      '/auth': server,
      '/plans': server,
    },
  },
});

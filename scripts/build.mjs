#!/usr/bin/env node
// Builds what `npm start` runs, each part only when its sources are newer than its last build:
//   the server: src/ and migrations/ compiled by TypeScript into dist/ (tsconfig.build.json);
//   Samplan web: web/ bundled by Vite into dist/web (web/vite.config.ts), served at `/`.
// `npm install` runs it (prepare), and so do `npm start`, `migrate`, `seed` and `verify-access-log`
// before they run dist/, so the README's `npm install && npm start` is all it takes. Where the
// build tools are not installed (`npm ci --omit=dev` in a production image), what was built
// earlier is used as it is (docs/deployment.md, "Running in production").
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);
// `npm ci --omit=dev` (prepare passes --installing) in an image's last stage, before the dist/
// built earlier is copied in, may go on.
const installing = process.argv.includes('--installing');

/** The newest modification time under `file` (0 when it does not exist). */
function newest(file) {
  if (!existsSync(file)) return 0;
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  // A directory's own time changes when a file in it is removed or renamed.
  return Math.max(stats.mtimeMs, ...readdirSync(file).map((entry) => newest(path.join(file, entry))));
}

/**
 * Builds one part when any of its inputs is newer than its stamp (written after a successful
 * build, with the time the build began: a source saved during it makes the next run build again).
 */
function buildPart({ name, inputs, stamp, builtFile, tool, outputs, args }) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (built && built >= Math.max(...inputs.map((input) => newest(path.join(root, input))))) return;
  const [pkg, ...binPath] = tool.split('/');
  let bin;
  try {
    // Through package.json: a package's `exports` may not list its bin.
    bin = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), ...binPath);
  } catch {
    if (existsSync(builtFile)) {
      process.stderr.write(`build: ${pkg} is not installed (npm ci --omit=dev?); using the ${name} built before\n`);
      return;
    }
    process.stderr.write(
      installing
        ? `build: ${pkg} is not installed (npm ci --omit=dev?) and the ${name} is not built yet; copy in a dist/ built with devDependencies before \`npm start\`\n`
        : `build: the ${name} is not built and ${pkg} is not installed; run \`npm install\` (with devDependencies) and \`npm run build\`\n`,
    );
    process.exit(installing ? 0 : 1);
  }
  process.stderr.write(`build: building the ${name}\n`);
  // From scratch, so that nothing built from a source since removed is left behind.
  for (const output of [...outputs, stamp]) rmSync(output, { recursive: true, force: true });
  const started = new Date();
  const { status, error } = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (error) throw error;
  if (status !== 0) {
    process.stderr.write(`build: the ${name} did not build (errors above)\n`);
    process.exit(status ?? 1);
  }
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

buildPart({
  name: 'server (dist/src)',
  inputs: ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json'],
  stamp: path.join(dist, '.built'),
  builtFile: path.join(dist, 'src', 'main.js'),
  tool: 'typescript/bin/tsc',
  outputs: [path.join(dist, 'src'), path.join(dist, 'migrations')],
  args: ['-p', 'tsconfig.build.json'],
});

buildPart({
  name: 'web client (dist/web)',
  inputs: ['web', 'package-lock.json'],
  stamp: path.join(dist, '.web-built'),
  builtFile: path.join(dist, 'web', 'index.html'),
  tool: 'vite/bin/vite.js',
  outputs: [path.join(dist, 'web')],
  args: ['build', 'web', '--logLevel', 'warn'],
});

import { createApp } from './app/create-app.js';
import { ConfigError, parseConfig } from './config/config.js';

/** Reads config, starts the app, and stops it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const app = await createApp(config);
  process.stderr.write(
    `\nSamplan is up: ${app.url}/graphql\n` +
      `Open ${app.url}/ in a browser for Samplan web${config.devAuth ? ' (sign in as one of the demo municipality\'s people; `npm run seed` gives them their plans)' : ''}.\n` +
      (config.devAuth
        ? `Or mint a development token for the API:\n  curl -s -X POST ${app.url}/auth/dev-token -H 'content-type: application/json' -d '{"sub":"anna","name":"Anna Hansen","kind":"citizen"}'\n` +
          `then follow the walkthrough in README.md.\n\n`
        : '\n'),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'signal', signal });
    app.dispose().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ event: 'shutdown.failed', err: error });
        process.exit(1);
      },
    );
  };
  // `npm start` execs node, so SIGTERM from a supervisor reaches this process itself. Ctrl-C signals
  // the terminal's whole process group, npm included (which forwards it again); the embedded
  // PostgreSQL runs in a group of its own, so it stops last, after the drain. SIGHUP: the terminal closed.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
}

main().catch((error: unknown) => {
  // A problem the operator fixes (a port in use, a bad variable) is said in words; anything else with its stack.
  const detail = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error);
  process.stderr.write(`Samplan failed to start: ${detail}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});

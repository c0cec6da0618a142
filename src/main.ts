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
      (config.devAuth
        ? `Mint a development token:\n  curl -s -X POST ${app.url}/auth/dev-token -H 'content-type: application/json' -d '{"sub":"anna","name":"Anna Hansen","kind":"citizen"}'\n` +
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Samplan failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

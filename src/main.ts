/** The FlavaFlav process: `npm start`. */
import { ConfigError, loadConfigFromEnvironment } from './config';
import { EmbeddedDynamoError } from './db/embedded';
import { createLogger } from './logger';
import { startApp } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfigFromEnvironment({ requireDiscord: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  let app;
  try {
    app = await startApp(config, logger);
  } catch (error) {
    if (error instanceof EmbeddedDynamoError) logger.fatal(error.message);
    else logger.fatal({ err: error }, 'FlavaFlav could not start');
    process.exit(1);
  }
  logger.info({ storage: config.dynamo.mode, tables: config.tables }, 'FlavaFlav is running');
  // A callback that fails (a timer, an event listener) is a bug to log, not a reason to stop
  // serving every other interaction.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception'));

  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal, inFlight: app.bot.router.inFlightCount }, 'shutting down');
    app
      .shutdown({ drainMs: 10_000 })
      .then(({ drained }) => {
        logger.info({ drained }, 'stopped');
        process.exit(0);
      })
      .catch((error) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();

/**
 * Puts FlavaFlav together: storage, services, the Discord bot, health and metrics. main.ts runs
 * it as a process; the end-to-end tests run the same function against a Discord emulator.
 */
import { COMMANDS } from '../commands';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { openStorage, type Storage } from './db/storage';
import type { Logger } from './logger';
import { createServices, drawSettingsOf, type Services } from './services';
import { startBot, type Bot } from './bot/bot';
import { startHealthServer, type HealthServer } from './ops/health';
import { startSchedule, type Schedule } from './ops/schedule';
import { createMetrics, type Metrics } from './ops/metrics';

export interface App {
  config: Config;
  storage: Storage;
  services: Services;
  bot: Bot;
  metrics: Metrics;
  /** Undefined when HEALTH_PORT is 0. */
  health: HealthServer | undefined;
  /** Timed work: the draw expiry sweep. */
  schedule: Schedule;
  /** Stop taking interactions, let those in flight finish (bounded), then close everything. */
  shutdown(options?: { drainMs?: number }): Promise<{ drained: boolean }>;
}

export type AppOptions = {
  /** Where the time comes from (default: the system clock); tests fix and move it. */
  clock?: Clock;
  /** Listen here instead of HEALTH_PORT (tests use a free port). */
  healthPort?: number;
  /** A shorter DynamoDB request timeout (tests that hold answers back). */
  dynamoRequestTimeoutMs?: number;
};

export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const metrics = createMetrics();
  const storage = await openStorage(config, (operation, error) => metrics.recordDynamoFailure(operation, error), { requestTimeoutMs: options.dynamoRequestTimeoutMs });
  if (storage.tables?.created.length) logger.info({ tables: storage.tables.created }, 'created missing tables');
  if (config.membersInLegacyTable) logger.warn({ table: config.tables.members }, 'members are read from the legacy table (DYNAMODB_TABLE)');
  const clock = options.clock ?? systemClock;
  const services = createServices(storage.db, config.tables, clock, drawSettingsOf(config));

  let bot: Bot | undefined;
  let health: HealthServer | undefined;
  try {
    bot = await startBot({
      config,
      commands: COMMANDS,
      services,
      logger,
      clock,
      onInteraction: (report) => metrics.recordInteraction(report),
      onGatewayChange: (connected) => metrics.setGatewayConnected(connected),
    });
    const port = options.healthPort ?? config.healthPort;
    if (port !== 0) {
      const started = bot;
      health = await startHealthServer(port, {
        isGatewayConnected: () => started.isGatewayConnected(),
        dynamo: storage.client,
        probeTable: config.tables.members,
        metrics,
      });
      logger.info({ port: health.port }, 'health and metrics listening');
    }
  } catch (error) {
    await bot?.stop();
    await storage.close();
    throw error;
  }

  const schedule = startSchedule(
    [
      // Overdue draws are marked expired (and their messages say so) at start-up and every minute.
      { name: 'expire-draws', everyMs: 60_000, atStart: true, run: () => services.draws.expireOverdue() },
      ...bot.jobs,
    ],
    logger,
  );
  const running = bot;
  let stopping: Promise<{ drained: boolean }> | undefined;
  return {
    config,
    storage,
    services,
    bot: running,
    metrics,
    health,
    schedule,
    shutdown({ drainMs = 10_000 } = {}) {
      stopping ??= (async () => {
        const drained = await running.router.drain(drainMs);
        await schedule.stop();
        await running.stop();
        await health?.close();
        await storage.close();
        return { drained };
      })();
      return stopping;
    },
  };
}

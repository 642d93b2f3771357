/**
 * Puts FlavaFlav together: storage, services, the Discord bot, health and metrics, and the web
 * dashboard when it is configured. main.ts runs it as a process; the end-to-end tests run the
 * same function against a Discord emulator.
 */
import { COMMANDS } from '../commands';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { openStorage, type Storage } from './db/storage';
import type { Logger } from './logger';
import { createServices, drawSettingsOf, type Services } from './services';
import { startBot, type Bot } from './bot/bot';
import { checkHealth, startHealthServer, type HealthServer } from './ops/health';
import { startSchedule, type Schedule } from './ops/schedule';
import { createMetrics, type Metrics } from './ops/metrics';
import { startWebServer, type WebDeps, type WebServer } from './web/server';

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
  /** The web dashboard; undefined while it is off (config.web.enabled false). */
  web: WebServer | undefined;
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
  /** Serve the dashboard here instead of WEB_PORT (0: any free port, see App.web.port). */
  webPort?: number;
  /** Test hook: the dashboard's rate limits (requests a minute). */
  webRateLimits?: WebDeps['rateLimits'];
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
  let web: WebServer | undefined;
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
    web = await startDashboard(config, logger, { services, clock, bot, storage, metrics, port: options.webPort, rateLimits: options.webRateLimits });
  } catch (error) {
    await web?.close();
    await health?.close();
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
    web,
    shutdown({ drainMs = 10_000 } = {}) {
      stopping ??= (async () => {
        const drained = await running.router.drain(drainMs);
        // The dashboard first: its requests in flight still use the bot's REST client and storage.
        await web?.close();
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

/**
 * Starts the web dashboard in this process when it is configured; otherwise says in one line
 * why it is off (the bot runs as before either way).
 */
async function startDashboard(
  config: Config,
  logger: Logger,
  parts: { services: Services; clock: Clock; bot: Bot; storage: Storage; metrics: Metrics; port: number | undefined; rateLimits: WebDeps['rateLimits'] },
): Promise<WebServer | undefined> {
  if (!config.web.enabled) {
    logger.info(config.web.port === 0 ? 'web dashboard off: WEB_PORT is 0' : `web dashboard off: ${config.web.missing} is not set`);
    return undefined;
  }
  const { bot, storage } = parts;
  const client = bot.client;
  const guildId = config.discord.guildId as string;
  const web = await startWebServer(
    {
      config,
      services: parts.services,
      clock: parts.clock,
      logger,
      discord: {
        applicationId: config.discord.applicationId ?? (client.application?.id as string),
        rest: client.rest,
        guild: () => {
          const guild = client.guilds.cache.get(guildId);
          return guild ? { name: guild.name, ownerId: guild.ownerId } : undefined;
        },
      },
      health: async () => {
        const { ok, gateway, dynamodb } = await checkHealth({ isGatewayConnected: () => bot.isGatewayConnected(), dynamo: storage.client, probeTable: config.tables.members, metrics: parts.metrics });
        return { ok, gateway, dynamodb };
      },
      rateLimits: parts.rateLimits,
    },
    parts.port ?? config.web.port,
  );
  logger.info({ port: web.port, url: config.web.publicUrl }, 'web dashboard listening');
  return web;
}

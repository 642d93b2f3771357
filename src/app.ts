/**
 * Puts FlavaFlav together: storage, services, the Discord bot. main.ts runs it as a process;
 * the end-to-end tests run the same function against a Discord emulator.
 */
import type { Config } from './config';
import { openStorage, type Storage } from './db/storage';
import type { Logger } from './logger';
import { createServices, type Services } from './services';
import { startBot, type Bot, type BotOptions } from './bot/bot';

export interface App {
  config: Config;
  storage: Storage;
  services: Services;
  bot: Bot;
  /** Stop taking interactions, let those in flight finish (bounded), then close everything. */
  shutdown(options?: { drainMs?: number }): Promise<{ drained: boolean }>;
}

export type AppOptions = Pick<BotOptions, 'draftTtlMs' | 'today' | 'onInteraction' | 'onGatewayChange'>;

export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const storage = await openStorage(config);
  if (storage.tables?.created.length) logger.info({ tables: storage.tables.created }, 'created missing tables');
  if (config.membersInLegacyTable) logger.warn({ table: config.tables.members }, 'members are read from the legacy table (DYNAMODB_TABLE)');
  const services = createServices(storage.db, config.tables);
  let bot: Bot;
  try {
    bot = await startBot({ config, services, logger, ...options });
  } catch (error) {
    await storage.close();
    throw error;
  }
  let stopping: Promise<{ drained: boolean }> | undefined;
  return {
    config,
    storage,
    services,
    bot,
    shutdown({ drainMs = 10_000 } = {}) {
      stopping ??= (async () => {
        const drained = await bot.router.drain(drainMs);
        await bot.stop();
        await storage.close();
        return { drained };
      })();
      return stopping;
    },
  };
}

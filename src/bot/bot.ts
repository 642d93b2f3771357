/**
 * The discord.js process side: one Client with only the Guilds intent and small caches, logged in
 * against Discord (or DISCORD_API_BASE_URL), commands registered on ready, every interaction
 * handed to the Router.
 */
import { Client, Events, GatewayIntentBits, Options, REST, Routes, type RESTPutAPIApplicationGuildCommandsResult } from 'discord.js';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { Job } from '../ops/schedule';
import { todayBy, type Clock } from '../domain/clock';
import type { BotContext, Command } from './command';
import { followDraws } from './draws';
import { Pager } from './pager';
import type { InteractionReport } from '../ops/metrics';
import { Router } from './router';

export interface BotOptions {
  config: Config;
  /** Every command the bot registers and routes (handed in by the app). */
  commands: Command[];
  services: Services;
  logger: Logger;
  onInteraction?: (report: InteractionReport) => void;
  onGatewayChange?: (connected: boolean) => void;
  clock: Clock;
}

export interface Bot {
  client: Client;
  router: Router;
  /** True while the gateway connection is up (tracked by events: the shard status is not). */
  isGatewayConnected(): boolean;
  registeredCommands: number;
  /** The commands' timed work (run by the app's schedule). */
  jobs: Job[];
  stop(): Promise<void>;
}

export function createClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // Interactions carry what the bot needs; cache nothing it does not read.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: 0,
      UserManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ThreadManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      VoiceStateManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
    }),
    // Default for every message: ping nobody. Answers that must ping the winner say so.
    allowedMentions: { parse: [], repliedUser: false },
    rest: config.discord.apiBaseUrl ? { api: config.discord.apiBaseUrl } : {},
  });
}

/** Bulk-overwrites the guild's commands with these (one request). */
export async function registerCommands(rest: REST, applicationId: string, guildId: string, commands: Command[]): Promise<number> {
  const result = (await rest.put(Routes.applicationGuildCommands(applicationId, guildId), {
    body: commands.map((c) => c.definition()),
  })) as RESTPutAPIApplicationGuildCommandsResult;
  return result.length;
}

export async function startBot(options: BotOptions): Promise<Bot> {
  const { config, services, logger } = options;
  const client = createClient(config);
  const { clock } = options;
  const ctx: BotContext = { config, services, logger, pages: new Pager(() => clock.now().getTime()), client, clock, today: () => todayBy(clock) };
  const router = new Router(options.commands, ctx, options.onInteraction);
  let connected = false;
  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    options.onGatewayChange?.(value);
  };

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.ShardReady, () => setConnected(true));
  client.on(Events.ShardResume, () => {
    logger.info('gateway session resumed');
    setConnected(true);
  });
  client.on(Events.ShardDisconnect, (event) => {
    logger.warn({ code: event.code }, 'gateway disconnected');
    setConnected(false);
  });
  client.on(Events.ShardReconnecting, () => setConnected(false));
  client.on(Events.ShardError, (error) => logger.warn({ err: error }, 'gateway error'));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.rest.on('rateLimited', (info) => logger.warn({ route: info.route, retryAfter: info.retryAfter }, 'Discord rate limit'));

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(config.discord.token);
  const readyClient = await ready;
  setConnected(true);
  logger.info({ user: readyClient.user.tag, guild: config.discord.guildId }, 'connected to Discord');
  // Changes made elsewhere (the web, the sweep) follow onto each draw's message.
  const stopFollowing = followDraws(ctx);

  const bot: Bot = {
    client,
    router,
    registeredCommands: 0,
    jobs: options.commands.flatMap((command) => command.jobs?.(ctx) ?? []),
    isGatewayConnected: () => connected,
    async stop() {
      stopFollowing();
      await client.destroy();
      setConnected(false);
    },
  };
  if (config.discord.registerCommands) {
    const applicationId = config.discord.applicationId ?? readyClient.application.id;
    try {
      bot.registeredCommands = await registerCommands(client.rest, applicationId, config.discord.guildId as string, options.commands);
      logger.info({ count: bot.registeredCommands, guild: config.discord.guildId }, 'registered guild commands');
    } catch (error) {
      // The bot still serves the commands registered before; say clearly what failed.
      logger.error({ err: error, guild: config.discord.guildId }, 'could not register guild commands');
    }
  }
  return bot;
}

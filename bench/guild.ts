/**
 * One benchmarked guild: fresh tables on the shared DynamoDB Local, seeded to a size, a Discord
 * emulator, and the real app (startApp) talking to DynamoDB through the meter. Also what the
 * scenarios need to act in it: users for seeded members, unmeasured interactions to set things
 * up, and draw messages posted as the bot posts them.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIEmbed } from 'discord.js';
import { startApp, type App } from '../src/app';
import type { BotContext } from '../src/bot/command';
import { drawAnswer } from '../src/bot/draws';
import type { Answer as BotAnswer } from '../src/bot/responder';
import { loadConfig } from '../src/config';
import { TABLE_KINDS, type TableKind } from '../src/db/schema';
import { createMissingTables } from '../src/db/tables';
import { utcDay } from '../src/domain/dates';
import { createLogger } from '../src/logger';
import { DiscordEmulator, nextSnowflake, type EmulatedUser, type SentInteraction } from '../test/support/discord-emulator';
import type { DynamoMeter } from '../test/support/dynamo-meter';
import { answerOf, now, settled, tablesOfInput, type Issued, type Target } from './measure';
import { seedGuild, type GuildSize, type SeededGuild, type SeededMember } from './seed';
import { verifySample } from './seed-check';

export const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.emulated.token-not-a-secret';

export interface BenchGuild {
  size: GuildSize;
  emulator: DiscordEmulator;
  app: App;
  seeded: SeededGuild;
  officer: EmulatedUser;
  tables: Record<TableKind, string>;
  target: Target;
  /** "members" for flavaflav-members-…: how requests are named in the report. */
  tableKind(name: string): string;
  /** The emulated user behind a seeded member (created on first use). */
  user(member: SeededMember): EmulatedUser;
  /** An interaction run to set something up: answered and settled, not measured. */
  once(send: () => SentInteraction): Promise<{ interaction: SentInteraction; messageId: string }>;
  /** Posts a draw record's message as the bot renders it, and returns its id. */
  postDraw(id: string): Promise<string>;
  /** Posts a bot message holding these buttons ([custom id, label]). */
  postButtons(buttons: [string, string][]): string;
  /** What the sample read back through the services. */
  verified: string[];
  stop(): Promise<void>;
}

const DOCUMENT_OPERATIONS: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem', TransactWrite: 'TransactWriteItems', TransactGet: 'TransactGetItems' };

/** DynamoDB's name of an operation, whether the SDK calls it GetItemCommand or GetCommand. */
function operationOf(commandName: string): string {
  const name = commandName.replace(/Command$/, '');
  return DOCUMENT_OPERATIONS[name] ?? name;
}

export async function startGuild(options: { size: GuildSize; dynamo: { client: DynamoDBClient; db: DynamoDBDocumentClient }; meter: DynamoMeter; log: (line: string) => void }): Promise<BenchGuild> {
  const { size, meter, log } = options;
  const env = `bench${size.members}x${size.awards}${Math.random().toString(36).slice(2, 6)}`;
  const tables = Object.fromEntries(TABLE_KINDS.map((kind) => [kind, `flavaflav-${kind}-${env}`])) as Record<TableKind, string>;
  await createMissingTables(options.dynamo.client, tables);

  const guildId = nextSnowflake();
  const officerRoleId = nextSnowflake();
  const announceChannelId = nextSnowflake();
  const emulator = await new DiscordEmulator(guildId, TOKEN, { now }).start();
  emulator.addRole(officerRoleId, 'Officers');
  emulator.addChannel({ id: announceChannelId, name: 'announcements' });
  const officer = emulator.addUser({ id: nextSnowflake(), username: 'officer', roles: [officerRoleId] });

  let started = Date.now();
  const seeded = await seedGuild(options.dynamo.db, tables, size, new Date(), officer.id);
  log(`seeded ${size.members} members, ${size.awards} awards and their links, stock and markers in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const config = loadConfig(
    {
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: guildId,
      DISCORD_API_BASE_URL: emulator.apiBaseUrl,
      DYNAMODB_ENDPOINT: meter.endpoint,
      FLAVAFLAV_ENV: env,
      OFFICER_ROLE_IDS: officerRoleId,
      ANNOUNCE_CHANNEL_ID: announceChannelId,
      DELIVERY_REMINDER_HOURS: '0',
      HEALTH_PORT: '0',
    },
    { requireDiscord: true },
  );
  const logger = createLogger({ logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent', prettyLogs: false });
  started = Date.now();
  const app = await startApp(config, logger);
  // The expiry sweep runs every minute; stopped, it cannot land inside a measured interaction.
  await app.schedule.stop();
  log(`the bot connected in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // When the bot asks for each request and gets its answer (retries included), from its own
  // client: the round trips an interaction waits for, which the proxy cannot see exactly (the
  // SDK's own async steps can delay one of two requests sent together by a few milliseconds).
  const issued: Issued[] = [];
  app.storage.client.middlewareStack.add(
    (next, context) => async (args) => {
      const at = now();
      try {
        return await next(args);
      } finally {
        issued.push({ operation: operationOf(String(context.commandName ?? '')), tables: tablesOfInput(args.input as Record<string, unknown>), at, end: now() });
      }
    },
    { step: 'initialize', name: 'benchIssueTimes' },
  );
  const tableNames = new Set(Object.values(tables));
  const target: Target = { emulator, meter, inFlight: () => app.bot.router.inFlightCount, tables: tableNames, issued };
  const users = new Map<string, EmulatedUser>();
  const viewCtx = { services: app.services, config, today: () => utcDay(new Date()) } as unknown as BotContext;
  const postMessage = (data: Record<string, unknown>) => emulator.store.create({ data, channelId: emulator.channelId, authorId: emulator.botUser.id, source: 'channel' }).id;
  const toJson = (value: unknown) => (value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value);

  const guild: BenchGuild = {
    size,
    emulator,
    app,
    seeded,
    officer,
    tables,
    target,
    verified: [],
    tableKind: (name) => TABLE_KINDS.find((kind) => tables[kind] === name) ?? name,
    user(member) {
      let user = users.get(member.id);
      if (!user) {
        user = emulator.addUser({ id: member.id, username: member.username, joinedAt: `${member.joinDate}T12:00:00.000Z` });
        users.set(member.id, user);
      }
      return user;
    },
    async once(send) {
      await settled(target);
      const since = emulator.requests.length;
      const interaction = send();
      await answerOf(emulator, interaction, now(), since);
      await settled(target);
      const message = emulator.originalMessage(interaction);
      return { interaction, messageId: message?.id ?? '' };
    },
    async postDraw(id) {
      const draw = await app.services.distributions.get(id, true);
      if (!draw) throw new Error(`no draw ${id}`);
      const view: BotAnswer = await drawAnswer(viewCtx, draw);
      return postMessage({ content: view.content, embeds: (view.embeds ?? []).map(toJson) as APIEmbed[], components: (view.components ?? []).map(toJson) });
    },
    postButtons(buttons) {
      return postMessage({ content: 'Awards to hand over in game', components: [{ type: 1, components: buttons.map(([custom_id, label]) => ({ type: 2, style: 3, custom_id, label })) }] });
    },
    async stop() {
      await app.shutdown({ drainMs: 10_000 });
      await emulator.stop();
      for (const name of Object.values(tables)) await options.dynamo.client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    },
  };
  guild.verified = await verifySample(app.services, seeded);
  return guild;
}

/**
 * End-to-end harness: a Discord emulator on loopback, fresh tables on the test DynamoDB Local,
 * and the real app (discord.js client, router, commands, services) started against both.
 */
import { startApp, type App, type AppOptions } from '../../src/app';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { freePort } from '../../src/db/embedded';
import { createLogger } from '../../src/logger';
import { findLinkType } from '../../src/domain/catalog';
import type { Quality } from '../../src/domain/ranks';
import type { Link } from '../../src/services/inventory';
import type { Member } from '../../src/services/member-items';
import { TestClock } from './clock';
import { createTestStorage, type AwsRules, type TestStorage } from './dynamo';
import { DiscordEmulator, OptionType, Permission, nextSnowflake, type CommandOption, type EmulatedUser, type SentInteraction } from './discord-emulator';

export const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.emulated.token-not-a-secret';
/** The OAuth2 client secret the app and the emulator share when the dashboard runs. */
export const CLIENT_SECRET = 'emulated-client-secret-not-a-secret';

export interface Harness {
  emulator: DiscordEmulator;
  /** The running app (a new one after `restart`). */
  readonly app: App;
  /** Stops the bot process as a deploy would, and starts a fresh one on the same tables and Discord. */
  restart(): Promise<void>;
  storage: TestStorage;
  /** The bot's clock: today is FLAVAFLAV_TEST_TODAY (or the real day); tests move it forward. */
  clock: TestClock;
  guildId: string;
  officerRoleId: string;
  announceChannelId: string;
  /** The web dashboard's origin (PUBLIC_URL) when started with `web: true`. */
  webUrl: string | undefined;
  /** Officer through OFFICER_ROLE_IDS. */
  officer: EmulatedUser;
  /** Officer through the Manage Server permission. */
  admin: EmulatedUser;
  /** Plain guild members (not officers). */
  alice: EmulatedUser;
  bob: EmulatedUser;
  carol: EmulatedUser;
  newUser(name: string, extra?: Partial<EmulatedUser>): EmulatedUser;
  /** Puts a user on the roster directly (not through a command): `days` in the guild (default 400). */
  seedMember(user: EmulatedUser, options?: SeedMemberOptions): Promise<Member>;
  /** Adds links to the stock directly. */
  seedLinks(quality: Quality, typeName: string, count?: number): Promise<Link[]>;
  /** Runs a slash command and returns the bot's answer. */
  run(user: EmulatedUser, command: string, sub: string | null, options?: CommandOption[]): Promise<Answered>;
  press(user: EmulatedUser, messageId: string, customId: string): Promise<Answered>;
  /** A press Discord's client would never send (tampered or stale): the bot must refuse it itself. */
  forge(user: EmulatedUser, messageId: string, customId: string): Promise<Answered>;
  /** The answer to an interaction sent some other way (another guild, a DM, a select). */
  answered(interaction: SentInteraction): Promise<Answered>;
  stop(): Promise<void>;
}

export interface Answered {
  interaction: SentInteraction;
  type: number;
  data: any;
  files: { name: string; text: string; bytes: Buffer }[];
  /** The stored message this answer created or edited. */
  messageId: string | undefined;
  ephemeral: boolean;
  /** All text of the answer: content, embed titles, descriptions, fields, footers. */
  text: string;
}

export const opt = {
  str: (name: string, value: string): CommandOption => ({ name, type: OptionType.String, value }),
  int: (name: string, value: number): CommandOption => ({ name, type: OptionType.Integer, value }),
  bool: (name: string, value: boolean): CommandOption => ({ name, type: OptionType.Boolean, value }),
  user: (name: string, id: string): CommandOption => ({ name, type: OptionType.User, value: id }),
};

export function answerText(data: any): string {
  const parts = [data?.content ?? ''];
  for (const e of data?.embeds ?? []) {
    parts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '');
    for (const f of e.fields ?? []) parts.push(`${f.name}: ${f.value}`);
  }
  return parts.filter(Boolean).join('\n');
}

export interface SeedMemberOptions {
  /** Days in the guild as of the test's today (default 400: a Sage). */
  days?: number;
  officer?: boolean;
  username?: string;
}

export interface HarnessOptions extends AppOptions {
  env?: Record<string, string>;
  dynamoEndpoint?: string;
  /** Receives the app's log lines (JSON), at LOG_LEVEL from env or debug. */
  logLines?: string[];
  /**
   * Start the web dashboard on a free port, with its redirect and client secret registered in
   * the emulator (h.webUrl is its origin).
   */
  web?: boolean;
  /**
   * Play by AWS's rules (test/support/dynamo-proxy.ts): reads without ConsistentRead and index
   * reads lag, transactions conflict, items throttle, capacity is recorded (h.storage.aws).
   * FLAVAFLAV_TEST_AWS_RULES=1/0 forces it on/off for every test.
   */
  awsRules?: AwsRules;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const guildId = nextSnowflake();
  const officerRoleId = nextSnowflake();
  const announceChannelId = nextSnowflake();
  const clock = options.clock instanceof TestClock ? options.clock : new TestClock();
  // Discord's deadlines (3 s to answer, 15 minutes of token) run on the bot's clock, so a test
  // that moves the clock forward sees tokens expire as they would.
  const emulator = await new DiscordEmulator(guildId, TOKEN, { now: () => clock.nowMs() }).start();
  emulator.addRole(officerRoleId, 'Officers');
  emulator.addChannel({ id: announceChannelId, name: 'announcements' });
  // The test's own services see the stored truth; the app, with a client of its own, plays by the rules.
  const storage = await createTestStorage(options.dynamoEndpoint, clock, { awsRules: options.awsRules, oracle: true });
  let webEnv: Record<string, string> = {};
  let webUrl: string | undefined;
  if (options.web) {
    // PUBLIC_URL must name the port before the app starts, so the port is chosen here.
    const port = await freePort();
    webUrl = `http://127.0.0.1:${port}`;
    webEnv = { WEB_PORT: String(port), WEB_HOST: '127.0.0.1', PUBLIC_URL: webUrl, DISCORD_CLIENT_SECRET: CLIENT_SECRET, SESSION_SECRET: randomBytes(36).toString('base64') };
    emulator.oauth.allowRedirect(`${webUrl}/auth/callback`);
    emulator.oauth.clientSecret = CLIENT_SECRET;
  }
  const config = loadConfig(
    {
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: guildId,
      DISCORD_API_BASE_URL: emulator.apiBaseUrl,
      DYNAMODB_ENDPOINT: storage.endpoint,
      FLAVAFLAV_ENV: storage.env,
      OFFICER_ROLE_IDS: officerRoleId,
      ANNOUNCE_CHANNEL_ID: announceChannelId,
      HEALTH_PORT: '0',
      ...webEnv,
      ...options.env,
    },
    { requireDiscord: true },
  );
  const { env: _env, dynamoEndpoint: _endpoint, logLines, web: _web, awsRules: _awsRules, ...appOptions } = options;
  const logger = logLines
    ? createLogger({ logLevel: options.env?.LOG_LEVEL ?? 'debug', prettyLogs: false }, { write: (line: string) => void logLines.push(line) })
    : createLogger({ logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', prettyLogs: false });
  let app = await startApp(config, logger, { ...appOptions, clock });

  const newUser = (name: string, extra: Partial<EmulatedUser> = {}) => emulator.addUser({ id: nextSnowflake(), username: name, ...extra });
  const answered = async (interaction: SentInteraction): Promise<Answered> => {
    const answer = await emulator.answerTo(interaction);
    const message = emulator.originalMessage(interaction) ?? (interaction.messageId ? emulator.messages.get(interaction.messageId) : undefined);
    return {
      interaction,
      type: answer.type,
      data: answer.data,
      files: answer.files,
      messageId: message?.id,
      ephemeral: Boolean((answer.data?.flags ?? message?.flags ?? 0) & 64),
      text: answerText(answer.data),
    };
  };

  return {
    emulator,
    get app() {
      return app;
    },
    async restart() {
      await app.shutdown({ drainMs: 5_000 });
      app = await startApp(config, logger, { ...appOptions, clock });
    },
    storage,
    clock,
    guildId,
    officerRoleId,
    announceChannelId,
    webUrl,
    officer: newUser('officer', { roles: [officerRoleId] }),
    admin: newUser('admin', { permissions: String(Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages) }),
    alice: newUser('alice'),
    bob: newUser('bob'),
    carol: newUser('carol'),
    newUser,
    async seedMember(user, { days = 400, officer = false, username } = {}) {
      const result = await storage.services.members.add({
        discord_id: user.id,
        username: username ?? user.username,
        join_date: clock.daysAgo(days),
        is_officer: officer,
        added_by: 'seed',
      });
      if (!result.ok) throw new Error(`seedMember: ${user.username} is already on the roster`);
      // Seeded: written long before the test acts, so every replica has it.
      await storage.catchUp();
      return result.member;
    },
    async seedLinks(quality, typeName, count = 1) {
      const type = findLinkType(typeName);
      if (!type) throw new Error(`seedLinks: no link type ${typeName}`);
      const { links } = await storage.services.inventory.add({ link_type: type.name, quality, category: type.category, bonus: type.bonus[quality], count, added_by: 'seed' });
      // Seeded: written long before the test acts, so every replica has it.
      await storage.catchUp();
      return links;
    },
    run: (user, command, sub, options = []) =>
      answered(sub ? emulator.sendSubcommand(user, command, sub, options) : emulator.sendCommand(user, command, options)),
    press: (user, messageId, customId) => answered(emulator.pressButton(user, messageId, customId)),
    forge: (user, messageId, customId) => answered(emulator.forgeComponent(user, messageId, customId)),
    answered,
    async stop() {
      await app.shutdown({ drainMs: 5_000 });
      await emulator.stop();
      await storage.close();
    },
  };
}

/**
 * A small Discord on 127.0.0.1 for end-to-end tests, as strict as Discord: the REST routes
 * discord.js uses (routes/*.ts) and a gateway WebSocket (gateway.ts). It sends realistic
 * interactions, refuses what Discord refuses (with Discord's status and error body, logged for
 * the after-each check), records every request so tests can await them, and computes who each
 * message pinged. This class is the facade tests hold; each concern lives in its own module.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { componentsOf, pressRefusal } from './components';
import { Gateway } from './gateway';
import { Guild, type EmulatedRole } from './guild';
import { InteractionBook, interactionPayload, KIND_OF_TYPE } from './interactions';
import { MessageStore, type PingRecord } from './messages';
import { nextSnowflake, OptionType, type CommandOption, type EmulatedChannel, type EmulatedUser, type Pings, type RecordedRequest, type SentInteraction, type StoredMessage } from './model';
import { RefusalLog, type DiscordError, type ExpectedRefusal, type Refusal } from './refusals';
import { registerEmulator, unregisterEmulator, type RefusalSource } from './registry';
import { OAuth2Provider } from './oauth2';
import { restHandler, RouteTable, type RouteRequest } from './rest';
import { applicationRoutes } from './routes/application';
import { channelRoutes } from './routes/channels';
import { guildRoutes } from './routes/guilds';
import { interactionRoutes } from './routes/interactions';
import { oauth2Routes } from './routes/oauth2';
import { webhookRoutes } from './routes/webhooks';
import { Waiter } from './waiting';

export interface EmulatorOptions {
  /** The clock Discord's deadlines (3 s, 15 min) are measured on; tests pass one they advance. */
  now?: () => number;
}

/** Discord's upload limit for a server without boosts (10 MiB); tests may lower it. */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

export class DiscordEmulator extends EventEmitter {
  readonly now: () => number;
  /** The largest file an upload may carry; sent in every interaction as Discord does. */
  attachmentSizeLimit = DEFAULT_ATTACHMENT_SIZE_LIMIT;
  readonly applicationId = nextSnowflake();
  readonly botUser = { id: this.applicationId, username: 'FlavaFlav', discriminator: '0', global_name: null, avatar: null, bot: true };
  /** The channel interactions come from; the bot can see it and post in it. */
  readonly channelId = nextSnowflake();
  readonly guild: Guild;
  readonly users: Map<string, EmulatedUser>;
  readonly roles: EmulatedRole[];
  /** Registered guild commands, by guild id. */
  readonly commands = new Map<string, any[]>();
  readonly requests: RecordedRequest[] = [];
  readonly store: MessageStore;
  readonly messages: Map<string, StoredMessage>;
  readonly interactions = new InteractionBook();
  /** Each concern adds its routes here (routes/*.ts). */
  readonly routes = new RouteTable();
  /** Sign-in with Discord (oauth2.ts): the test registers redirects and the secret, and who is logged in. */
  readonly oauth: OAuth2Provider;
  private readonly refusalLog = new RefusalLog();
  private readonly gateway: Gateway;
  private readonly waiter: Waiter;
  private readonly registration: RefusalSource;
  private server?: http.Server;
  private port = 0;

  constructor(
    readonly guildId: string,
    readonly token: string,
    options: EmulatorOptions = {},
  ) {
    super();
    this.setMaxListeners(100);
    this.now = options.now ?? Date.now;
    this.guild = new Guild(guildId);
    this.users = this.guild.users;
    this.roles = this.guild.roles;
    this.guild.channels.set(this.channelId, { id: this.channelId, name: 'links', botCanView: true, botCanSend: true });
    this.store = new MessageStore(this.now, this.guild, this.botUser.id);
    this.messages = this.store.byId;
    this.waiter = new Waiter(this);
    this.registration = { label: `emulator of guild ${guildId}`, settle: () => this.refusalLog.settle() };
    const self = this;
    this.gateway = new Gateway({
      token,
      events: this,
      get gatewayUrl() {
        return self.gatewayUrl;
      },
      readyPayload: (sessionId) => ({
        v: 10,
        user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
        guilds: [{ id: this.guildId, unavailable: true }],
        session_id: sessionId,
        resume_gateway_url: this.gatewayUrl,
        shard: [0, 1],
        application: { id: this.applicationId, flags: 0 },
      }),
      guildCreatePayload: () => this.guild.createPayload(),
    });
    this.oauth = new OAuth2Provider(this.now, this.applicationId);
    this.routes.add(...applicationRoutes(this), ...interactionRoutes(this), ...webhookRoutes(this), ...channelRoutes(this), ...guildRoutes(this), ...oauth2Routes(this));
  }

  /** The site's root (where Discord's web pages, such as /oauth2/authorize, live). */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async start(): Promise<this> {
    this.server = http.createServer(
      restHandler({
        token: this.token,
        routes: this.routes,
        now: () => this.now(),
        attachmentSizeLimit: () => this.attachmentSizeLimit,
        recorded: (record) => {
          this.requests.push(record);
          this.emit('request', record);
        },
        refused: (req, route, error) => this.recordRefusal(req, route, error),
      }),
    );
    this.gateway.attach(this.server);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    registerEmulator(this.registration);
    return this;
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    unregisterEmulator(this.registration);
  }

  // ---- the guild, as the test declares it ----------------------------------------------------

  /** A guild role, sent in GUILD_CREATE (discord.js resolves members' roles through it). */
  addRole(id: string, name: string, options: { mentionable?: boolean; permissions?: string } = {}): void {
    this.roles.push({ id, name, ...options });
  }

  addUser(user: EmulatedUser): EmulatedUser {
    this.users.set(user.id, user);
    return user;
  }

  /** A channel and the bot's access to it (default: it can see it and post in it). */
  addChannel(channel: Partial<EmulatedChannel> = {}): EmulatedChannel {
    const added: EmulatedChannel = { id: channel.id ?? nextSnowflake(), name: channel.name ?? 'general', botCanView: channel.botCanView ?? true, botCanSend: channel.botCanSend ?? true };
    this.guild.channels.set(added.id, added);
    return added;
  }

  /** A message a member wrote (to reply to, or to check the bot cannot edit it). */
  addUserMessage(user: EmulatedUser, message: { content: string; channelId?: string }): StoredMessage {
    return this.store.create({ data: { content: message.content }, channelId: message.channelId ?? this.channelId, authorId: user.id, source: 'channel' });
  }

  // ---- refusals ------------------------------------------------------------------------------

  /** Every refusal so far: what Discord would have refused, and presses its client never sends. */
  get refusals(): readonly Refusal[] {
    return this.refusalLog.all;
  }

  /** Declares a refusal the current test expects; the after-each check then requires it. */
  expectRefusal(expected: ExpectedRefusal): void {
    this.refusalLog.expect(expected);
  }

  private recordRefusal(req: RouteRequest, route: string, error: DiscordError): void {
    const interaction = this.interactions.context(req.params.token, req.at);
    const entry = this.refusalLog.record({ at: req.at, route, path: req.path, status: error.status, code: error.code, message: error.message, errors: error.errors, payload: req.body, interaction });
    this.emit('refusal', entry);
  }

  // ---- pings ---------------------------------------------------------------------------------

  /** Who a message pinged when it was created (edits never ping). */
  pingsOf(messageId: string): Pings {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    return message.pinged;
  }

  /** Every user a message notified: mentioned, through a role, @everyone or as the replied-to author. */
  pingedUsers(message: string | { id: string } | { messageId?: string }): string[] {
    const id = typeof message === 'string' ? message : 'id' in message ? message.id : message.messageId;
    if (!id) throw new Error('pingedUsers: no message id');
    return this.store.pingedUsers(id);
  }

  /** Every user pinged by the messages an interaction's answer created (its reply and follow-ups). */
  pingedBy(interaction: SentInteraction): string[] {
    const ids = [...this.messages.values()].filter((m) => m.interactionToken === interaction.token).map((m) => m.id);
    return [...new Set(ids.flatMap((id) => this.store.pingedUsers(id)))];
  }

  /** Every ping so far, in order. */
  get pingLog(): readonly PingRecord[] {
    return this.store.pingLog;
  }

  // ---- waiting for what the bot sends (waiting.ts) ---------------------------------------------

  waitForRequest(match: (r: RecordedRequest) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
    return this.waiter.request(match, options);
  }

  /** The bot's answer: the callback's data, or for a deferred callback the edit or follow-up after it. */
  answerTo(interaction: SentInteraction, timeoutMs = 10_000): Promise<{ type: number; data: any; files: RecordedRequest['files'] }> {
    return this.waiter.answer(interaction, timeoutMs);
  }

  /** Follow-up messages sent for an interaction so far. */
  followUps(interaction: SentInteraction): RecordedRequest[] {
    return this.requests.filter(this.waiter.isFollowUp(interaction));
  }

  waitForFollowUp(interaction: SentInteraction, timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waiter.request(this.waiter.isFollowUp(interaction), { timeoutMs });
  }

  // ---- sending interactions ------------------------------------------------------------------

  sendCommand(user: EmulatedUser, name: string, options: CommandOption[] = [], extra: { guildId?: string | null; type?: 2 | 4 } = {}): SentInteraction {
    const resolved = this.guild.resolvedFor(options);
    const guildId = extra.guildId === null ? undefined : (extra.guildId ?? this.guildId);
    return this.dispatchInteraction(user, extra.type ?? 2, { id: nextSnowflake(), name, type: 1, guild_id: guildId, options, ...(resolved ? { resolved } : {}) }, extra.guildId);
  }

  /** A subcommand with its options: sub('member', 'add', [user('user', id)]). */
  sendSubcommand(user: EmulatedUser, name: string, subcommand: string, options: CommandOption[] = [], extra: { guildId?: string | null } = {}): SentInteraction {
    return this.sendCommand(user, name, [{ name: subcommand, type: OptionType.Subcommand, options }], extra);
  }

  sendAutocomplete(user: EmulatedUser, name: string, options: CommandOption[]): SentInteraction {
    return this.sendCommand(user, name, options, { type: 4 });
  }

  /** Presses a button as Discord's client would: only one the user sees, enabled, on the message. */
  pressButton(user: EmulatedUser, messageId: string, customId: string): SentInteraction {
    return this.sendComponent(user, messageId, customId, 2, undefined, true);
  }

  /** Chooses options of a select as Discord's client would. */
  chooseOption(user: EmulatedUser, messageId: string, customId: string, values: string[]): SentInteraction {
    return this.sendComponent(user, messageId, customId, 3, values, true);
  }

  /**
   * A tampered or stale client: dispatches a component interaction for any custom id on a known
   * message, without the client's checks, and records nothing. The bot must refuse it itself.
   */
  forgeComponent(user: EmulatedUser, messageId: string, customId: string, options: { componentType?: 2 | 3; values?: string[] } = {}): SentInteraction {
    return this.sendComponent(user, messageId, customId, options.componentType ?? 2, options.values, false);
  }

  /** Buttons (custom ids) on a stored message, in order. */
  buttonsOf(messageId: string): { custom_id: string; label: string; disabled?: boolean }[] {
    const message = this.messages.get(messageId);
    return message ? componentsOf(message).filter((c) => c.type === 2) : [];
  }

  /** The message that answered an interaction (its original response). */
  originalMessage(interaction: SentInteraction): StoredMessage | undefined {
    const id = this.interactions.byTokenOf(interaction.token)?.originalId;
    return id ? this.messages.get(id) : undefined;
  }

  messagePayload(message: StoredMessage) {
    const author = message.authorId === this.botUser.id ? this.botUser : this.guild.apiUser(this.users.get(message.authorId) ?? { id: message.authorId, username: 'someone' });
    return this.store.payload(message, this.applicationId, author);
  }

  private sendComponent(user: EmulatedUser, messageId: string, customId: string, componentType: number, values: string[] | undefined, asClient: boolean): SentInteraction {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    const refusal = asClient ? pressRefusal(message, user.id, customId, componentType, values) : undefined;
    if (refusal) {
      const at = this.now();
      const entry = this.refusalLog.record({ at, route: componentType === 3 ? 'CLIENT chooseOption' : 'CLIENT pressButton', path: `message ${messageId}`, status: 0, code: refusal.code, message: refusal.message, payload: { userId: user.id, customId, values } });
      this.emit('refusal', entry);
      throw new Error(`Discord's client would not send this: ${refusal.message}. To play a tampered or stale client, use emulator.forgeComponent(...).`);
    }
    return this.dispatchInteraction(user, 3, { custom_id: customId, component_type: componentType, ...(values ? { values } : {}) }, undefined, message);
  }

  private dispatchInteraction(user: EmulatedUser, type: number, data: any, guildOverride?: string | null, message?: StoredMessage): SentInteraction {
    const id = nextSnowflake();
    const token = `itok_${id}_${Math.random().toString(36).slice(2)}`;
    const guildId = guildOverride === null ? undefined : (guildOverride ?? this.guildId);
    const payload = interactionPayload({ id, token, type, data, applicationId: this.applicationId, channelId: this.channelId, guild: this.guild, guildId, user, message: message ? this.messagePayload(message) : undefined, attachmentSizeLimit: this.attachmentSizeLimit });
    this.interactions.open({ id, token, type, kind: KIND_OF_TYPE[type], name: data.name ?? data.custom_id, userId: user.id, channelId: this.channelId, dispatchedAt: this.now(), messageId: message?.id, originalId: message?.id });
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return { id, token, messageId: message?.id };
  }

  // ---- gateway -------------------------------------------------------------------------------

  /** Drops every gateway connection as a network failure would (close code 4000: resumable). */
  dropGateway(code = 4000): void {
    this.gateway.drop(code);
  }

  /** While true, the gateway refuses every connection (an outage, not a blip). */
  get gatewayDown(): boolean {
    return this.gateway.down;
  }

  set gatewayDown(down: boolean) {
    this.gateway.down = down;
  }

  get connected(): boolean {
    return this.gateway.connected;
  }

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }
}

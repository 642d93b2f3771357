/**
 * A small Discord on 127.0.0.1 for end-to-end tests: the REST routes discord.js uses and a gateway
 * WebSocket (HELLO, heartbeat ACK, IDENTIFY → READY → GUILD_CREATE, RESUME). It sends realistic
 * interaction payloads and records every request the bot makes, so tests can await them.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const API_VERSION = 'v10';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the /api/v10 prefix, e.g. /webhooks/1/abc/messages/@original */
  path: string;
  query: URLSearchParams;
  body: any;
  files: { name: string; contentType: string; text: string }[];
  at: number;
}

export interface EmulatedUser {
  id: string;
  username: string;
  /** Role ids held in the guild. */
  roles?: string[];
  /** Permission bitfield as a decimal string. */
  permissions?: string;
  /** ISO timestamp of joining the guild. */
  joinedAt?: string;
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
  focused?: boolean;
}

/** Discord's option types used here. */
export const OptionType = { Subcommand: 1, String: 3, Integer: 4, Boolean: 5, User: 6 } as const;
/** Discord's permission bits used here. */
export const Permission = { ManageGuild: 1n << 5n, SendMessages: 1n << 11n, ViewChannel: 1n << 10n } as const;
const MEMBER_PERMISSIONS = String(Permission.ViewChannel | Permission.SendMessages);

export interface SentInteraction {
  id: string;
  token: string;
  /** The message the bot's answer created or edited (for pressing its buttons). */
  messageId?: string;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  flags: number;
  attachments: any[];
  interactionToken?: string;
  allowed_mentions?: any;
}

let counter = 0n;
const base = BigInt(Date.now() - 1420070400000) << 22n;
export function nextSnowflake(): string {
  counter += 1n;
  return String(base + counter);
}

export class DiscordEmulator extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly applicationId = nextSnowflake();
  readonly botUser = { id: this.applicationId, username: 'FlavaFlav', discriminator: '0', global_name: null, avatar: null, bot: true };
  readonly channelId = nextSnowflake();
  readonly users = new Map<string, EmulatedUser>();
  /** Registered guild commands, by guild id. */
  readonly commands = new Map<string, any[]>();
  identifyCount = 0;
  resumeCount = 0;
  /** While true, the gateway refuses every connection (an outage, not a blip). */
  gatewayDown = false;

  private http!: http.Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private session: { id: string; seq: number } | undefined;
  private port = 0;
  private interactions = new Map<string, { channelId: string; originalId?: string; ephemeral?: boolean }>();

  constructor(
    readonly guildId: string,
    readonly token: string,
  ) {
    super();
    this.setMaxListeners(100);
  }

  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async start(): Promise<this> {
    this.http = http.createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/gateway' });
    this.wss.on('connection', (socket) => this.onGatewayConnection(socket));
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  readonly roles: { id: string; name: string }[] = [];

  /** A guild role, sent in GUILD_CREATE (discord.js resolves members' roles through it). */
  addRole(id: string, name: string): void {
    this.roles.push({ id, name });
  }

  addUser(user: EmulatedUser): EmulatedUser {
    this.users.set(user.id, user);
    return user;
  }

  // ---- waiting for what the bot sends ------------------------------------------------------

  /** Resolves with the first request (already made, from index `since`, or future) that matches. */
  waitForRequest(match: (r: RecordedRequest) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
    const found = this.requests.slice(options.since ?? 0).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', listener);
        reject(new Error(`no matching request within ${options.timeoutMs ?? 10_000} ms; last: ${this.requests.slice(-5).map((r) => `${r.method} ${r.path}`).join(', ')}`));
      }, options.timeoutMs ?? 10_000);
      const listener = (r: RecordedRequest) => {
        if (!match(r)) return;
        clearTimeout(timer);
        this.off('request', listener);
        resolve(r);
      };
      this.on('request', listener);
    });
  }

  /**
   * The bot's answer to an interaction, as a message payload: the callback's data, or for a
   * deferred callback the following edit of @original. `type` is the callback type answered.
   */
  async answerTo(interaction: SentInteraction, timeoutMs = 10_000): Promise<{ type: number; data: any; files: RecordedRequest['files'] }> {
    const callback = await this.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`, { timeoutMs });
    const type = callback.body.type;
    if (type === 5 || type === 6) {
      const edit = await this.waitForRequest(
        (r) =>
          (r.method === 'PATCH' && r.path === `/webhooks/${this.applicationId}/${interaction.token}/messages/@original`) ||
          (r.method === 'POST' && r.path === `/webhooks/${this.applicationId}/${interaction.token}`),
        { timeoutMs },
      );
      return { type, data: edit.body, files: edit.files };
    }
    return { type, data: callback.body.data ?? {}, files: callback.files };
  }

  /** Follow-up messages sent for an interaction so far (or the next one, if `wait`). */
  followUps(interaction: SentInteraction): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === `/webhooks/${this.applicationId}/${interaction.token}`);
  }

  waitForFollowUp(interaction: SentInteraction, timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${this.applicationId}/${interaction.token}`, { timeoutMs });
  }

  // ---- sending interactions ------------------------------------------------------------------

  sendCommand(
    user: EmulatedUser,
    name: string,
    options: CommandOption[] = [],
    extra: { guildId?: string | null; type?: 2 | 4 } = {},
  ): SentInteraction {
    const resolved = this.resolvedFor(options);
    return this.dispatchInteraction(user, extra.type ?? 2, {
      id: nextSnowflake(),
      name,
      type: 1,
      guild_id: extra.guildId === null ? undefined : (extra.guildId ?? this.guildId),
      options,
      ...(resolved ? { resolved } : {}),
    }, extra.guildId);
  }

  /** A subcommand with its options: sub('member', 'add', [user('user', id)]). */
  sendSubcommand(user: EmulatedUser, name: string, subcommand: string, options: CommandOption[] = [], extra: { guildId?: string | null } = {}) {
    return this.sendCommand(user, name, [{ name: subcommand, type: OptionType.Subcommand, options }], extra);
  }

  sendAutocomplete(user: EmulatedUser, name: string, options: CommandOption[]): SentInteraction {
    return this.sendCommand(user, name, options, { type: 4 });
  }

  /** Presses a button on a message the bot sent. */
  pressButton(user: EmulatedUser, messageId: string, customId: string): SentInteraction {
    return this.sendComponent(user, messageId, { custom_id: customId, component_type: 2 });
  }

  chooseOption(user: EmulatedUser, messageId: string, customId: string, values: string[]): SentInteraction {
    return this.sendComponent(user, messageId, { custom_id: customId, component_type: 3, values });
  }

  private sendComponent(user: EmulatedUser, messageId: string, data: Record<string, unknown>): SentInteraction {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    return this.dispatchInteraction(user, 3, data, undefined, this.messagePayload(message));
  }

  /** Buttons (custom ids) on a stored message, in order. */
  buttonsOf(messageId: string): { custom_id: string; label: string; disabled?: boolean }[] {
    const message = this.messages.get(messageId);
    return (message?.components ?? []).flatMap((row: any) => row.components ?? []).filter((c: any) => c.type === 2);
  }

  private dispatchInteraction(user: EmulatedUser, type: number, data: any, guildOverride?: string | null, message?: any): SentInteraction {
    const id = nextSnowflake();
    const token = `itok_${id}_${Math.random().toString(36).slice(2)}`;
    const guildId = guildOverride === null ? undefined : (guildOverride ?? this.guildId);
    const apiUser = this.apiUser(user);
    const payload: any = {
      id,
      application_id: this.applicationId,
      type,
      data,
      channel_id: this.channelId,
      channel: { id: this.channelId, type: guildId ? 0 : 1, guild_id: guildId, name: 'links', permissions: '2147483647', flags: 0 },
      token,
      version: 1,
      locale: 'en-US',
      app_permissions: '2147483647',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId ?? this.applicationId },
      context: guildId ? 0 : 1,
      attachment_size_limit: 10485760,
      ...(message ? { message } : {}),
    };
    if (guildId) {
      payload.guild_id = guildId;
      payload.guild_locale = 'en-US';
      payload.guild = { id: guildId, locale: 'en-US', features: [] };
      payload.member = { ...this.apiMember(user), user: apiUser, permissions: user.permissions ?? MEMBER_PERMISSIONS };
    } else {
      payload.user = apiUser;
    }
    this.interactions.set(token, { channelId: this.channelId, originalId: message?.id });
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token, messageId: message?.id };
  }

  private apiUser(user: EmulatedUser) {
    return { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null, public_flags: 0 };
  }

  private apiMember(user: EmulatedUser) {
    return {
      roles: user.roles ?? [],
      joined_at: user.joinedAt ?? '2025-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
    };
  }

  private resolvedFor(options: CommandOption[]): any {
    const ids = new Set<string>();
    const walk = (opts: CommandOption[]) => {
      for (const o of opts) {
        if (o.type === OptionType.User && typeof o.value === 'string') ids.add(o.value);
        if (o.options) walk(o.options);
      }
    };
    walk(options);
    if (!ids.size) return undefined;
    const users: Record<string, unknown> = {};
    const members: Record<string, unknown> = {};
    for (const id of ids) {
      const user = this.users.get(id) ?? { id, username: `user${id.slice(-4)}` };
      users[id] = this.apiUser(user);
      members[id] = { ...this.apiMember(user), permissions: user.permissions ?? MEMBER_PERMISSIONS };
    }
    return { users, members };
  }

  private messagePayload(message: StoredMessage) {
    return {
      id: message.id,
      channel_id: message.channel_id,
      author: this.botUser,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      type: 20,
      flags: message.flags,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      application_id: this.applicationId,
      webhook_id: this.applicationId,
    };
  }

  // ---- gateway -------------------------------------------------------------------------------

  /** Drops every gateway connection as a network failure would (close code 4000: resumable). */
  dropGateway(code = 4000): void {
    for (const socket of this.sockets) socket.close(code, 'emulated drop');
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  private dispatch(event: string, data: unknown): void {
    if (!this.session) throw new Error('no gateway session: is the bot connected?');
    this.session.seq += 1;
    const packet = JSON.stringify({ op: 0, t: event, s: this.session.seq, d: data });
    for (const socket of this.sockets) socket.send(packet);
  }

  private onGatewayConnection(socket: WebSocket): void {
    if (this.gatewayDown) {
      socket.terminate();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.emit('gateway-close');
    });
    socket.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 41_250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString());
      switch (packet.op) {
        case 1:
          socket.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
          break;
        case 2:
          this.onIdentify(socket, packet.d);
          break;
        case 6:
          this.onResume(socket, packet.d);
          break;
        default:
          break;
      }
    });
  }

  private onIdentify(socket: WebSocket, d: { token: string; intents: number }): void {
    if (d.token !== this.token) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    this.identifyCount++;
    this.session = { id: `session_${nextSnowflake()}`, seq: 0 };
    this.emit('identify', d);
    this.dispatch('READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: this.session.id,
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', this.guildPayload());
    this.emit('ready');
  }

  private onResume(socket: WebSocket, d: { token: string; session_id: string; seq: number }): void {
    if (d.token !== this.token || !this.session || d.session_id !== this.session.id) {
      socket.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
      return;
    }
    this.resumeCount++;
    this.session.seq += 1;
    socket.send(JSON.stringify({ op: 0, t: 'RESUMED', s: this.session.seq, d: {} }));
    this.emit('resumed');
  }

  private guildPayload() {
    return {
      id: this.guildId,
      name: 'Outlands Scholars',
      icon: null,
      owner_id: nextSnowflake(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      system_channel_flags: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      unavailable: false,
      member_count: this.users.size + 1,
      large: false,
      joined_at: '2025-01-01T00:00:00.000Z',
      roles: [{ id: this.guildId, name: '@everyone' }, ...this.roles].map((role, position) => ({
        ...role,
        permissions: MEMBER_PERMISSIONS,
        position,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      })),
      emojis: [],
      stickers: [],
      channels: [{ id: this.channelId, type: 0, name: 'links', position: 0, permission_overwrites: [], guild_id: this.guildId }],
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---- REST ----------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = `/api/${API_VERSION}`;
    // discord.js sends @original URL-encoded; match on the decoded path.
    const path = decodeURIComponent(url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname);
    const raw = await readBody(req);
    const { body, files } = await parseBody(raw, String(req.headers['content-type'] ?? ''));
    const record: RecordedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, body, files, at: Date.now() };

    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
      this.requests.push(record);
      this.emit('request', record);
    };

    if (req.headers.authorization !== `Bot ${this.token}` && !path.startsWith('/interactions/') && !path.startsWith('/webhooks/')) {
      return send(401, { message: '401: Unauthorized', code: 0 });
    }

    const method = record.method;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return send(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return send(200, this.botUser);
    if (method === 'GET' && path === '/applications/@me') return send(200, { id: this.applicationId, name: 'FlavaFlav', flags: 0, bot: this.botUser });
    if ((m = path.match(/^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/))) {
      if (m[1] !== this.applicationId) return send(404, { message: 'Unknown Application', code: 10002 });
      if (method === 'PUT') {
        const registered = (body as any[]).map((c) => ({ ...c, id: nextSnowflake(), application_id: this.applicationId, guild_id: m![2], version: nextSnowflake() }));
        this.commands.set(m[2], registered);
        return send(200, registered);
      }
      return send(200, this.commands.get(m[2]) ?? []);
    }
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
      const response = this.onCallback(m[2], body, url.searchParams.get('with_response') === 'true');
      return response ? send(200, response) : send(204);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/))) {
      const message = this.resolveWebhookMessage(m[2], m[3]);
      if (!message) return send(404, { message: 'Unknown Message', code: 10008 });
      if (method === 'PATCH') {
        applyEdit(message, body);
        return send(200, this.messagePayload(message));
      }
      if (method === 'DELETE') {
        this.messages.delete(message.id);
        return send(204);
      }
      return send(200, this.messagePayload(message));
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)$/)) && method === 'POST') {
      const message = this.storeMessage(body, files, m[2]);
      return send(200, this.messagePayload(message));
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && method === 'POST') {
      const message = this.storeMessage(body, files, undefined, m[1]);
      return send(200, this.messagePayload(message));
    }
    if ((m = path.match(/^\/channels\/(\d+)$/)) && method === 'GET') {
      return send(200, { id: m[1], type: 0, name: 'announcements', guild_id: this.guildId, position: 1, permission_overwrites: [] });
    }
    return send(404, { message: `emulator: no route for ${method} ${path}`, code: 0 });
  }

  /**
   * A callback: 4 (message), 5 (deferred message), 6 (deferred update), 7 (update message),
   * 8 (autocomplete result). Messages it creates or edits are stored.
   */
  private onCallback(token: string, body: any, withResponse: boolean) {
    const state = this.interactions.get(token);
    const type = body?.type;
    let message: StoredMessage | undefined;
    if (state && (type === 4 || type === 5)) {
      message = this.storeMessage(type === 4 ? body.data : { content: '', flags: body.data?.flags ?? 0 }, [], token);
      state.originalId = message.id;
    } else if (state && type === 7 && state.originalId) {
      message = this.messages.get(state.originalId);
      if (message) applyEdit(message, body.data ?? {});
    }
    if (!withResponse) return undefined;
    return {
      interaction: { id: nextSnowflake(), type: 2, response_message_id: message?.id, response_message_loading: type === 5, response_message_ephemeral: Boolean((message?.flags ?? 0) & 64) },
      ...(message ? { resource: { type, message: this.messagePayload(message) } } : {}),
    };
  }

  private resolveWebhookMessage(token: string, which: string): StoredMessage | undefined {
    if (which !== '@original') return this.messages.get(which);
    const id = this.interactions.get(token)?.originalId;
    return id ? this.messages.get(id) : undefined;
  }

  private storeMessage(data: any, files: RecordedRequest['files'], token?: string, channelId = this.channelId): StoredMessage {
    const message: StoredMessage = {
      id: nextSnowflake(),
      channel_id: channelId,
      content: data?.content ?? '',
      embeds: data?.embeds ?? [],
      components: data?.components ?? [],
      flags: data?.flags ?? 0,
      attachments: files.map((f, i) => ({ id: String(i), filename: f.name, size: f.text.length })),
      interactionToken: token,
      allowed_mentions: data?.allowed_mentions,
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** The message that answered an interaction (its original response). */
  originalMessage(interaction: SentInteraction): StoredMessage | undefined {
    const id = this.interactions.get(interaction.token)?.originalId;
    return id ? this.messages.get(id) : undefined;
  }
}

function applyEdit(message: StoredMessage, data: any): void {
  if (data.content !== undefined) message.content = data.content ?? '';
  if (data.embeds !== undefined) message.embeds = data.embeds ?? [];
  if (data.components !== undefined) message.components = data.components ?? [];
  if (data.allowed_mentions !== undefined) message.allowed_mentions = data.allowed_mentions;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: any; files: RecordedRequest['files'] }> {
  if (!raw.length) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: RecordedRequest['files'] = [];
    let body: any;
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json') body = JSON.parse(String(value));
      else if (typeof value !== 'string') files.push({ name: value.name, contentType: value.type, text: await value.text() });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

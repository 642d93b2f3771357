/**
 * The only place that reads process.env. Everything else receives a typed, validated Config.
 * A bad value stops start-up with one line naming the variable and what it expects.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import type { TableKind } from './db/schema';
import { ATTENDED_KEPT, EVENT_KINDS, MISSED_KEPT, type AttendanceRules } from './domain/attendance';
import { DRAW_POLICIES, type DrawPolicy } from './domain/draw';

export type StorageMode = 'embedded' | 'endpoint' | 'aws';

export interface Config {
  discord: {
    token: string | undefined;
    guildId: string | undefined;
    applicationId: string | undefined;
    apiBaseUrl: string | undefined;
    registerCommands: boolean;
    officerRoleIds: string[];
    announceChannelId: string | undefined;
  };
  env: string;
  tables: Record<TableKind, string>;
  /** True when members live in the legacy single table named by DYNAMODB_TABLE. */
  membersInLegacyTable: boolean;
  dynamo: {
    mode: StorageMode;
    endpoint: string | undefined;
    region: string;
    createTables: boolean;
    dataDir: string;
  };
  ranks: { silverMinDays: number; goldMinDays: number };
  draws: {
    /** How a draw picks when the officer names no policy (docs/configuration.md, DRAW_POLICY). */
    defaultPolicy: DrawPolicy;
    /** Days of history the fairness policies count. */
    fairnessWindowDays: number;
    /** Hours before an undelivered award is listed in the daily reminder; 0 disables it. */
    deliveryReminderHours: number;
  };
  /** Attendance (docs/attendance.md): eligibility by events attended, inactivity after misses. */
  attendance: AttendanceRules;
  healthPort: number;
  /** The web dashboard (docs/web-api.md): on only with a port and all three of its variables set. */
  web: WebConfig;
  logLevel: string;
  /** Human-readable logs (NODE_ENV=development); JSON otherwise. */
  prettyLogs: boolean;
}

export interface WebConfig {
  /** WEB_PORT; 0 turns the dashboard off. */
  port: number;
  /** WEB_HOST: the address the dashboard binds (0.0.0.0, as a container needs, by default). */
  host: string;
  /**
   * TRUST_PROXY: the peers whose X-Forwarded-For is believed (fastify's trustProxy list), or
   * false for none. Default loopback only: a proxy elsewhere must be named.
   */
  trustProxy: string[] | false;
  /** The dashboard's public origin (no path, no trailing slash): the OAuth2 redirect base. */
  publicUrl: string | undefined;
  clientSecret: string | undefined;
  sessionSecret: string | undefined;
  enabled: boolean;
  /** The first of the dashboard's variables that is unset, when that keeps it off. */
  missing?: 'PUBLIC_URL' | 'DISCORD_CLIENT_SECRET' | 'SESSION_SECRET';
}

/** Never echoed in an error message: they are secrets. */
const SECRET_VARIABLES = ['DISCORD_TOKEN', 'DISCORD_CLIENT_SECRET', 'SESSION_SECRET'];

/** A SESSION_SECRET with fewer distinct characters than this is guessable ("aaaa…", "abab…"). */
export const SESSION_SECRET_MIN_DISTINCT = 10;
const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];
/** An IP address, or one with a /prefix (CIDR). */
function isAddressOrRange(v: string): boolean {
  const [address, prefix, ...rest] = v.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
const isLoopbackHost = (hostname: string) => hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const snowflake = /^\d{17,20}$/;
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalSnowflake = z.preprocess(
  blankToUndefined,
  z.string().trim().regex(snowflake, 'must be a Discord id (17–20 digits)').optional(),
);
const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), 'must be an http(s) URL')
    .optional(),
);
/** An http(s) origin: scheme, host and optional port, nothing after it (a trailing / is dropped). */
const optionalOrigin = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const url = new URL(v);
        return /^https?:$/.test(url.protocol) && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash && /^https?:\/\/[^/]+\/?$/.test(v);
      } catch {
        return false;
      }
    }, 'must be an http(s) origin such as https://links.example.org (no path)')
    .transform((v) => new URL(v).origin)
    .optional(),
);
const bool = (fallback: boolean | undefined) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v))),
  );
const wholeNumber = (fallback: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number from 0 to ${max}`)
      .transform(Number)
      .refine((n) => n <= max, `must be a whole number from 0 to ${max}`)
      .optional()
      .transform((v) => v ?? fallback),
  );
const tableName = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)')
    .optional(),
);

const schema = z.object({
  DISCORD_TOKEN: optionalText,
  DISCORD_GUILD_ID: optionalSnowflake,
  DISCORD_APPLICATION_ID: optionalSnowflake,
  DISCORD_API_BASE_URL: optionalUrl,
  DISCORD_REGISTER_COMMANDS: bool(true),
  OFFICER_ROLE_IDS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
      .refine((ids) => ids.every((id) => snowflake.test(id)), 'must be comma-separated Discord role ids'),
  ),
  ANNOUNCE_CHANNEL_ID: optionalSnowflake,
  FLAVAFLAV_ENV: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 of A-Z a-z 0-9 _ . -')
      .optional()
      .transform((v) => v ?? 'dev'),
  ),
  DYNAMODB_MEMBERS_TABLE: tableName,
  DYNAMODB_INVENTORY_TABLE: tableName,
  DYNAMODB_DISTRIBUTIONS_TABLE: tableName,
  DYNAMODB_LISTS_TABLE: tableName,
  DYNAMODB_TABLE: tableName,
  DYNAMODB_ENDPOINT: optionalUrl,
  AWS_REGION: z.preprocess(
    blankToUndefined,
    z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1').optional(),
  ),
  DYNAMODB_CREATE_TABLES: bool(undefined),
  DATA_DIR: optionalText,
  SILVER_MIN_DAYS: wholeNumber(30, 3650),
  GOLD_MIN_DAYS: wholeNumber(90, 3650),
  DRAW_POLICY: z.preprocess(
    blankToUndefined,
    z
      .enum(DRAW_POLICIES, { message: `must be one of ${DRAW_POLICIES.join(', ')}` })
      .optional()
      .transform((v) => v ?? 'uniform'),
  ),
  FAIRNESS_WINDOW_DAYS: wholeNumber(180, 3650),
  DELIVERY_REMINDER_HOURS: wholeNumber(48, 8760),
  ATTENDANCE_KIND: z.preprocess(
    blankToUndefined,
    z.enum(EVENT_KINDS, { message: `must be one of ${EVENT_KINDS.join(', ')}` }).optional(),
  ),
  ATTENDANCE_MIN: z.preprocess(
    blankToUndefined,
    z.string().trim().regex(/^\d+$/, `must be a whole number from 1 to ${ATTENDED_KEPT}`).transform(Number).refine((n) => n >= 1 && n <= ATTENDED_KEPT, `must be a whole number from 1 to ${ATTENDED_KEPT} (a member item keeps that many events attended)`).optional(),
  ),
  ATTENDANCE_WINDOW_DAYS: z.preprocess(
    blankToUndefined,
    z.string().trim().regex(/^\d+$/, 'must be a whole number from 1 to 90').transform(Number).refine((n) => n >= 1 && n <= 90, 'must be a whole number from 1 to 90').optional().transform((v) => v ?? 7),
  ),
  // A member item keeps the current run of misses up to MISSED_KEPT: more could never be reached.
  MAX_ABSENCES: wholeNumber(3, MISSED_KEPT),
  EVENT_CHECKIN_HOURS: z.preprocess(
    blankToUndefined,
    z.string().trim().regex(/^\d+$/, 'must be a whole number from 1 to 168').transform(Number).refine((n) => n >= 1 && n <= 168, 'must be a whole number from 1 to 168').optional().transform((v) => v ?? 12),
  ),
  HEALTH_PORT: wholeNumber(8080, 65535),
  WEB_PORT: wholeNumber(3000, 65535),
  WEB_HOST: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((v) => isIP(v) !== 0 || v === 'localhost', 'must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0')
      .optional()
      .transform((v) => v ?? '0.0.0.0'),
  ),
  TRUST_PROXY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === undefined ? ['loopback'] : ['none', 'false'].includes(v) ? false : v.split(',').map((s) => s.trim()).filter(Boolean)))
      .refine(
        (v) => v === false || (v.length > 0 && v.every((p) => PROXY_KEYWORDS.includes(p) || isAddressOrRange(p))),
        `must be none, or comma-separated addresses or ranges of your reverse proxies (such as 10.0.0.5 or 172.16.0.0/12) or ${PROXY_KEYWORDS.join(', ')}`,
      ),
  ),
  ALLOW_INSECURE_PUBLIC_URL: bool(false),
  PUBLIC_URL: optionalOrigin,
  DISCORD_CLIENT_SECRET: optionalText,
  SESSION_SECRET: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(32, 'must be at least 32 characters (for example the output of: openssl rand -base64 48)')
      .refine((v) => new Set(v).size >= SESSION_SECRET_MIN_DISTINCT, `is guessable: it has fewer than ${SESSION_SECRET_MIN_DISTINCT} distinct characters; use random output such as: openssl rand -base64 48`)
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .optional()
      .transform((v) => v ?? 'info'),
  ),
  NODE_ENV: optionalText,
});

/** A table's name when its variable is unset: `flavaflav-<kind>-<env>`. */
export function defaultTableName(kind: TableKind, env: string): string {
  return `flavaflav-${kind}-${env}`;
}

export interface LoadOptions {
  /** The bot needs a token and a guild; scripts that only touch DynamoDB do not. */
  requireDiscord?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'configuration');
    const got = typeof env[variable] === 'string' && !SECRET_VARIABLES.includes(variable) ? ` (got "${env[variable]}")` : '';
    throw new ConfigError(`${variable} ${issue.message}${got}`);
  }
  const v = parsed.data;
  if (options.requireDiscord) {
    if (!v.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is required: set it to the bot token');
    if (!v.DISCORD_GUILD_ID) throw new ConfigError('DISCORD_GUILD_ID is required: set it to the id of the guild served');
  }
  if ((v.ATTENDANCE_KIND === undefined) !== (v.ATTENDANCE_MIN === undefined)) {
    throw new ConfigError(v.ATTENDANCE_KIND ? 'ATTENDANCE_MIN must be set with ATTENDANCE_KIND (events attended in the window, 1 to 100)' : 'ATTENDANCE_KIND must be set with ATTENDANCE_MIN (boss, omni or other)');
  }
  if (v.GOLD_MIN_DAYS < v.SILVER_MIN_DAYS) {
    throw new ConfigError(`GOLD_MIN_DAYS must be at least SILVER_MIN_DAYS (${v.SILVER_MIN_DAYS}), got ${v.GOLD_MIN_DAYS}`);
  }

  const mode: StorageMode = v.DYNAMODB_ENDPOINT ? 'endpoint' : v.AWS_REGION ? 'aws' : 'embedded';
  const membersInLegacyTable = !v.DYNAMODB_MEMBERS_TABLE && Boolean(v.DYNAMODB_TABLE);
  const defaultName = (kind: TableKind) => defaultTableName(kind, v.FLAVAFLAV_ENV);
  if (v.PUBLIC_URL?.startsWith('http:') && !isLoopbackHost(new URL(v.PUBLIC_URL).hostname) && !v.ALLOW_INSECURE_PUBLIC_URL) {
    throw new ConfigError(
      `PUBLIC_URL must be https:// for a host other than this machine (got "${v.PUBLIC_URL}"): over http the session cookies cannot be Secure. Put a TLS reverse proxy in front, or set ALLOW_INSECURE_PUBLIC_URL=true to accept the risk`,
    );
  }
  const webMissing = !v.PUBLIC_URL ? 'PUBLIC_URL' : !v.DISCORD_CLIENT_SECRET ? 'DISCORD_CLIENT_SECRET' : !v.SESSION_SECRET ? 'SESSION_SECRET' : undefined;

  return {
    discord: {
      token: v.DISCORD_TOKEN,
      guildId: v.DISCORD_GUILD_ID,
      applicationId: v.DISCORD_APPLICATION_ID,
      apiBaseUrl: v.DISCORD_API_BASE_URL?.replace(/\/+$/, ''),
      registerCommands: v.DISCORD_REGISTER_COMMANDS ?? true,
      officerRoleIds: v.OFFICER_ROLE_IDS,
      announceChannelId: v.ANNOUNCE_CHANNEL_ID,
    },
    env: v.FLAVAFLAV_ENV,
    tables: {
      members: v.DYNAMODB_MEMBERS_TABLE ?? v.DYNAMODB_TABLE ?? defaultName('members'),
      inventory: v.DYNAMODB_INVENTORY_TABLE ?? defaultName('inventory'),
      distributions: v.DYNAMODB_DISTRIBUTIONS_TABLE ?? defaultName('distributions'),
      lists: v.DYNAMODB_LISTS_TABLE ?? defaultName('lists'),
    },
    membersInLegacyTable,
    dynamo: {
      mode,
      endpoint: v.DYNAMODB_ENDPOINT,
      // DynamoDB Local ignores the region, but the SDK insists on one.
      region: v.AWS_REGION ?? 'us-east-1',
      createTables: v.DYNAMODB_CREATE_TABLES ?? mode !== 'aws',
      dataDir: path.resolve(v.DATA_DIR ?? './data'),
    },
    ranks: { silverMinDays: v.SILVER_MIN_DAYS, goldMinDays: v.GOLD_MIN_DAYS },
    draws: { defaultPolicy: v.DRAW_POLICY, fairnessWindowDays: v.FAIRNESS_WINDOW_DAYS, deliveryReminderHours: v.DELIVERY_REMINDER_HOURS },
    attendance: {
      ...(v.ATTENDANCE_KIND && v.ATTENDANCE_MIN ? { required: { kind: v.ATTENDANCE_KIND, min: v.ATTENDANCE_MIN } } : {}),
      windowDays: v.ATTENDANCE_WINDOW_DAYS,
      maxAbsences: v.MAX_ABSENCES,
      checkinHours: v.EVENT_CHECKIN_HOURS,
    },
    healthPort: v.HEALTH_PORT,
    web: {
      port: v.WEB_PORT,
      host: v.WEB_HOST,
      trustProxy: v.TRUST_PROXY,
      publicUrl: v.PUBLIC_URL,
      clientSecret: v.DISCORD_CLIENT_SECRET,
      sessionSecret: v.SESSION_SECRET,
      enabled: v.WEB_PORT !== 0 && !webMissing,
      ...(webMissing ? { missing: webMissing } : {}),
    },
    logLevel: v.LOG_LEVEL,
    prettyLogs: v.NODE_ENV === 'development',
  };
}

/** Reads `.env` (if present; real environment variables win) and then the environment. */
export function loadConfigFromEnvironment(options: LoadOptions = {}): Config {
  dotenv.config({ quiet: true });
  return loadConfig(process.env, options);
}

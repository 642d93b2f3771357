import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** Paths that may hold secrets anywhere in a logged object; pino replaces their values. */
const REDACT = [
  'token',
  '*.token',
  '*.*.token',
  'config.discord.token',
  'headers.authorization',
  '*.headers.authorization',
  'authorization',
  'secretAccessKey',
  '*.secretAccessKey',
  // The web dashboard's secrets and what a browser or Discord's OAuth2 sends.
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
  'sessionSecret',
  '*.sessionSecret',
  '*.*.sessionSecret',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'headers.cookie',
  '*.headers.cookie',
];

/**
 * Interaction and webhook tokens sit inside URLs (`/interactions/{id}/{token}/…`,
 * `/webhooks/{app}/{token}/…`), which Discord's errors carry in `url` and in messages: each one
 * lets anyone answer for the bot for 15 minutes.
 */
export function redactDiscordTokens(text: string): string {
  return text.replace(/(\/(?:interactions|webhooks)\/\d+\/)[^/?\s"']+/g, '$1[redacted]');
}

/** Errors as pino logs them, with tokens taken out of every string they carry. */
function errorSerializer(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  return JSON.parse(JSON.stringify(serialized, (_key, value) => (typeof value === 'string' ? redactDiscordTokens(value) : value)));
}

export function createLogger(config: Pick<Config, 'logLevel' | 'prettyLogs'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { app: 'flavaflav' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: errorSerializer },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.prettyLogs && !destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  }
  return destination ? pino(options, destination) : pino(options);
}

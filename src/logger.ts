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

export function createLogger(config: Pick<Config, 'logLevel' | 'prettyLogs'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { app: 'flavaflav' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.prettyLogs && !destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  }
  return destination ? pino(options, destination) : pino(options);
}

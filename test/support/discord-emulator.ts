/**
 * The Discord emulator for end-to-end tests. It lives in ./discord/ (one module per concern);
 * this file keeps the import path every test already uses.
 */
export { DiscordEmulator, type EmulatorOptions } from './discord/emulator';
export {
  API_VERSION,
  EPHEMERAL,
  nextSnowflake,
  OptionType,
  Permission,
  type CommandOption,
  type EmulatedChannel,
  type EmulatedUser,
  type Pings,
  type RecordedRequest,
  type SentInteraction,
  type StoredMessage,
} from './discord/model';
export type { PingRecord } from './discord/messages';
export type { ExpectedRefusal, Refusal } from './discord/refusals';
export { manualClock, type ManualClock } from './discord/clock';

import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { CustomId } from './custom-ids';
import type { DraftStore } from './drafts';
import type { Pager } from './pager';
import type { Responder } from './responder';

export interface BotContext {
  config: Config;
  services: Services;
  logger: Logger;
  drafts: DraftStore;
  pages: Pager;
  client: Client;
  /** The only source of the time (tests fix and move it). */
  clock: Clock;
  /** Today as YYYY-MM-DD (UTC), by the clock. */
  today(): string;
}

/** Everything a handler receives: the context, where to answer, and who is asking. */
export interface Call<I> {
  interaction: I;
  ctx: BotContext;
  respond: Responder;
  /** Whether the invoker is an officer (checked on the server; read lazily, then cached). */
  isOfficer(): Promise<boolean>;
}

export type Access = 'anyone' | 'officer';

export interface Command {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Who may run each subcommand ('' for a command without subcommands). Checked before execute. */
  access: Record<string, Access>;
  /** Whether a subcommand's main answer is visible to the invoker only. */
  ephemeral: Record<string, boolean>;
  execute(call: Call<ChatInputCommandInteraction>): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<{ name: string; value: string }[]>;
  /** Who may press each button / use each select, by custom-id action. */
  componentAccess?: Record<string, Access>;
  button?(call: Call<ButtonInteraction>, id: CustomId): Promise<void>;
  select?(call: Call<StringSelectMenuInteraction>, id: CustomId): Promise<void>;
}

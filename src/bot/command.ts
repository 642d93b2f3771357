/**
 * How a command is declared: one declaration per subcommand, per button or select action and per
 * autocompleted option, each with its access and handler side by side. The router looks them up
 * in Maps built here, so an unknown subcommand or action is refused by construction: there is no
 * default branch and no lookup on a plain object keyed by what Discord (or a forger) sent.
 */
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
import type { Job } from '../ops/schedule';
import type { Services } from '../services';
import type { ActionId } from './custom-ids';
import type { Pager } from './pager';
import type { Responder } from './responder';
import type { Work } from './workload';

export interface BotContext {
  config: Config;
  services: Services;
  logger: Logger;
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

export interface SubcommandDeclaration {
  access: Access;
  /** Whether the main answer is visible to the invoker only. */
  ephemeral: boolean;
  /**
   * What it reads or writes before answering (default `item`), or how to tell from its options: the
   * router defers at once when busy.
   */
  work?: Work | ((interaction: ChatInputCommandInteraction) => Work);
  run(call: Call<ChatInputCommandInteraction>): Promise<unknown>;
}

export type ComponentDeclaration =
  | { kind: 'button'; id: ActionId<any>; access: Access; work?: Work; run(call: Call<ButtonInteraction>, args: any): Promise<unknown> }
  | { kind: 'select'; id: ActionId<any>; access: Access; work?: Work; run(call: Call<StringSelectMenuInteraction>, args: any): Promise<unknown> };

export interface Choice {
  name: string;
  value: string;
}

export interface AutocompleteDeclaration {
  /** Officer-only suggestions give anyone else no choices (and cost them nothing). */
  access: Access;
  /** The signal aborts whatever is still running once the answer has gone. */
  run(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]>;
}

export interface Command {
  readonly name: string;
  definition(): RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** By subcommand name; '' for a command without subcommands. */
  readonly subcommands: ReadonlyMap<string, SubcommandDeclaration>;
  /** By custom-id action. */
  readonly components: ReadonlyMap<string, ComponentDeclaration>;
  /** By `<subcommand>/<option>` ('' subcommand for a command without subcommands). */
  readonly autocomplete: ReadonlyMap<string, AutocompleteDeclaration>;
  /** Work the command does on a timer (e.g. a daily reminder), run by the app's schedule. */
  readonly jobs?: (ctx: BotContext) => Job[];
}

export function button<A>(id: ActionId<A>, spec: { access: Access; work?: Work; run(call: Call<ButtonInteraction>, args: A): Promise<unknown> }): ComponentDeclaration {
  return { kind: 'button', id, ...spec };
}

export function select<A>(id: ActionId<A>, spec: { access: Access; work?: Work; run(call: Call<StringSelectMenuInteraction>, args: A): Promise<unknown> }): ComponentDeclaration {
  return { kind: 'select', id, ...spec };
}

export interface CommandSpec {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  subcommands: Record<string, SubcommandDeclaration>;
  components?: ComponentDeclaration[];
  autocomplete?: Record<string, AutocompleteDeclaration>;
  jobs?: (ctx: BotContext) => Job[];
}

/**
 * Builds a command and checks its declarations against its definition: every subcommand the
 * definition registers has exactly one declaration, every autocompleted option has one, and every
 * component id belongs to this command. A mismatch is a programming error caught at start-up.
 */
export function defineCommand(spec: CommandSpec): Command {
  const name = spec.data.name;
  const json = spec.data.toJSON();
  const subcommandNames = (json.options ?? []).filter((o) => o.type === 1).map((o) => o.name);
  const declared = Object.keys(spec.subcommands);
  const expected = subcommandNames.length ? subcommandNames : [''];
  if (expected.length !== declared.length || expected.some((s) => !declared.includes(s))) {
    throw new Error(`/${name} declares subcommands [${declared.join(', ')}] but registers [${expected.join(', ')}]`);
  }
  const autocompleted = (json.options ?? []).flatMap((o) =>
    o.type === 1 ? (o.options ?? []).filter((x) => 'autocomplete' in x && x.autocomplete).map((x) => `${o.name}/${x.name}`) : 'autocomplete' in o && o.autocomplete ? [`/${o.name}`] : [],
  );
  const autocomplete = new Map(Object.entries(spec.autocomplete ?? {}));
  for (const key of autocompleted) {
    if (!autocomplete.has(key)) throw new Error(`/${name} option ${key} autocompletes but has no declaration`);
  }
  const components = new Map<string, ComponentDeclaration>();
  for (const component of spec.components ?? []) {
    if (component.id.command !== name) throw new Error(`component ${component.id.command}:${component.id.action} declared under /${name}`);
    if (components.has(component.id.action)) throw new Error(`/${name} declares the action ${component.id.action} twice`);
    components.set(component.id.action, component);
  }
  return {
    name,
    definition: () => json,
    subcommands: new Map(Object.entries(spec.subcommands)),
    components,
    autocomplete,
    jobs: spec.jobs,
  };
}

/**
 * Routes every interaction to its command: slash commands by name, buttons and selects by the
 * command part of their custom id, autocomplete by command name. Checks the guild and officer
 * access before any handler runs, defers work that runs long, and turns every failure into a
 * short ephemeral answer, so no interaction goes unanswered.
 */
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, Interaction, StringSelectMenuInteraction } from 'discord.js';
import { isDynamoRefusal, isDynamoUnavailable } from '../services/errors';
import { InvalidCursorError } from '../services/pagination';
import type { Access, BotContext, Call, Choice, Command } from './command';
import { splitCustomId } from './custom-ids';
import { DATABASE_DOWN_MESSAGE, DATABASE_UNSURE_MESSAGE, EXPIRED_MESSAGE, RESTARTING_MESSAGE, UNEXPECTED_MESSAGE, UNKNOWN_COMMAND_MESSAGE, UserError } from './errors';
import { isOfficer } from './permissions';
import type { InteractionReport, Outcome } from '../ops/metrics';
import { Responder, type AnswerableInteraction } from './responder';
import { Workload, type Work } from './workload';

interface Target {
  name: string;
  kind: 'command' | 'button' | 'select';
  ephemeral: boolean;
  access?: Access;
  run?: (call: Call<any>) => Promise<unknown>;
  work?: Work;
}

/**
 * Discord allows 3 s for the first response; defer well before that. The timer is the fallback:
 * a busy moment defers at once (Workload), since a busy event loop fires timers late.
 */
const DEFER_AFTER_MS = 1_500;
const AUTOCOMPLETE_BUDGET_MS = 2_000;

export class Router {
  private readonly commands: Map<string, Command>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly workload = new Workload();
  private draining = false;

  constructor(
    commands: Command[],
    private readonly ctx: BotContext,
    private readonly report: (r: InteractionReport) => void = () => undefined,
  ) {
    this.commands = new Map(commands.map((c) => [c.name, c]));
  }

  /** Entry point for the client's interactionCreate event; never throws. */
  handle(interaction: Interaction): Promise<void> {
    const work = this.route(interaction).catch((error) => this.ctx.logger.error({ err: error }, 'interaction handling failed'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Stop taking new work (answered with "restarting") and wait for what is in flight, bounded. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = Promise.allSettled([...this.inFlight]).then(() => true);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private async route(interaction: Interaction): Promise<void> {
    const started = Date.now();
    this.ctx.logger.debug({ id: interaction.id, type: interaction.type, userId: interaction.user.id }, 'interaction received');
    if (interaction.isAutocomplete()) return this.autocomplete(interaction, started);
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isStringSelectMenu()) return;

    const target = this.resolve(interaction);
    const respond = new Responder(interaction as AnswerableInteraction, target.ephemeral, (error) => this.ctx.logger.warn({ err: error, interaction: target.name }, 'could not send the ping that follows an answer'));
    const finish = (outcome: Outcome) => {
      const report = { command: target.name, kind: target.kind, outcome, userId: interaction.user.id, ms: Date.now() - started } as const;
      this.ctx.logger.info(report, 'interaction');
      this.report(report);
    };

    const refusal = this.refusal(interaction);
    if (refusal) {
      await respond.fail(refusal).catch(() => undefined);
      return finish('refused');
    }
    if (!target.run) {
      await respond.fail(target.kind === 'command' ? UNKNOWN_COMMAND_MESSAGE : EXPIRED_MESSAGE).catch(() => undefined);
      return finish('user_error');
    }

    // Before the first await, so that a burst delivered at once counts itself.
    const admitted = this.workload.admit(target.work);
    if (admitted.deferNow) void respond.defer().catch(() => undefined);

    let officer: Promise<boolean> | undefined;
    const call: Call<any> = {
      interaction,
      ctx: this.ctx,
      respond,
      isOfficer: () => (officer ??= isOfficer(interaction, this.ctx.config.discord.officerRoleIds, this.ctx.services.members)),
    };

    const timer = setTimeout(() => void respond.defer().catch(() => undefined), DEFER_AFTER_MS);
    let outcome: Outcome = 'ok';
    try {
      if (target.access === 'officer' && !(await call.isOfficer())) {
        outcome = 'refused';
        throw new UserError('Only officers can do that. Ask an officer if you think this is wrong.');
      }
      await target.run(call);
      if (!respond.hasAnswered) throw new Error(`handler for ${target.name} finished without answering`);
    } catch (error) {
      const message = this.messageFor(error, target.name);
      if (outcome === 'ok') outcome = error instanceof UserError || error instanceof InvalidCursorError ? 'user_error' : isDynamoUnavailable(error) ? 'db_unavailable' : 'error';
      await respond.fail(message).catch((e) => this.ctx.logger.warn({ err: e, command: target.name }, 'could not send the failure answer'));
    } finally {
      clearTimeout(timer);
      admitted.done();
    }
    finish(outcome);
  }

  /**
   * The declaration an interaction asks for, found in the commands' Maps: the slash command's
   * subcommand, or the component's action with its arguments parsed. Anything not declared, or
   * whose arguments do not parse, has no `run` and is refused without touching anything.
   */
  private resolve(interaction: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction): Target {
    if (interaction.isChatInputCommand()) {
      const sub = interaction.options.getSubcommand(false) ?? '';
      const name = [interaction.commandName, sub].filter(Boolean).join(' ');
      const declaration = this.commands.get(interaction.commandName)?.subcommands.get(sub);
      if (!declaration) return { name, kind: 'command', ephemeral: true };
      const work = typeof declaration.work === 'function' ? declaration.work(interaction) : declaration.work;
      return { name, kind: 'command', ephemeral: declaration.ephemeral, access: declaration.access, work, run: (call) => declaration.run(call) };
    }
    const kind = interaction.isButton() ? 'button' : 'select';
    const id = splitCustomId(interaction.customId);
    const name = id ? `${id.command}:${id.action}` : '?';
    const declaration = id ? this.commands.get(id.command)?.components.get(id.action) : undefined;
    if (!id || !declaration || declaration.kind !== kind) return { name, kind, ephemeral: true };
    const args = declaration.id.parse(id.args);
    if (args === null) return { name, kind, ephemeral: true };
    return { name, kind, ephemeral: true, access: declaration.access, work: declaration.work, run: (call) => declaration.run(call as never, args) };
  }

  private async autocomplete(interaction: AutocompleteInteraction, started: number): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const sub = interaction.options.getSubcommand(false) ?? '';
    const declaration = this.commands.get(interaction.commandName)?.autocomplete.get(`${sub}/${focused.name}`);
    let choices: Choice[] = [];
    let outcome: Outcome = 'ok';
    if (!this.refusal(interaction) && declaration) {
      // Within Discord's deadline, and never an error: a slow or failing lookup offers nothing.
      // Whatever is still running when the answer goes is aborted, so nothing outlives it.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error('autocomplete too slow')), AUTOCOMPLETE_BUDGET_MS);
      try {
        const allowed = declaration.access === 'anyone' || (await isOfficer(interaction, this.ctx.config.discord.officerRoleIds, this.ctx.services.members));
        if (!allowed) outcome = 'refused';
        else
          choices = await Promise.race([
            declaration.run(interaction, this.ctx, abort.signal),
            new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })),
          ]);
      } catch (error) {
        outcome = isDynamoUnavailable(error) ? 'db_unavailable' : 'error';
        this.ctx.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed; offering no choices');
      } finally {
        clearTimeout(timer);
        abort.abort(new Error('autocomplete answered'));
      }
    }
    await interaction.respond(choices.slice(0, 25)).catch((e) => this.ctx.logger.warn({ err: e }, 'autocomplete answer failed'));
    this.report({ command: interaction.commandName, kind: 'autocomplete', outcome, userId: interaction.user.id, ms: Date.now() - started });
  }

  private refusal(interaction: Interaction): string | undefined {
    if (this.draining) return RESTARTING_MESSAGE;
    if (!interaction.guildId) return 'FlavaFlav works only inside its guild’s server, not in direct messages.';
    if (interaction.guildId !== this.ctx.config.discord.guildId) return 'FlavaFlav serves only the guild it was set up for.';
    return undefined;
  }

  private messageFor(error: unknown, command: string): string {
    if (error instanceof UserError || error instanceof InvalidCursorError) return error.message;
    if (isDynamoUnavailable(error)) {
      this.ctx.logger.warn({ err: error, command }, 'DynamoDB unavailable');
      return isDynamoRefusal(error) ? DATABASE_DOWN_MESSAGE : DATABASE_UNSURE_MESSAGE;
    }
    this.ctx.logger.error({ err: error, command }, 'unexpected error in a handler');
    return UNEXPECTED_MESSAGE;
  }
}

/** /event — attendance events: check-in by button while open, officers' corrections, the close (docs/attendance.md). */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  Routes,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import type { Answer } from '../src/bot/responder';
import { COLOURS, capped, discordTime, mentionList, plural, safeText, userMention } from '../src/bot/format';
import { EVENT_KINDS } from '../src/domain/attendance';
import { EVENT_NAME_MAX, MAX_OPEN_EVENTS, type EventResult, type GuildEvent } from '../src/services/event-items';
import { originOf, requireOptionId } from './shared';

const ids = {
  checkIn: actionId<{ event: string }>('event', 'checkin', { event: arg.recordId }),
};

const KIND_LABEL: ReadonlyMap<string, string> = new Map([
  ['boss', 'Boss'],
  ['omni', 'Omni'],
  ['other', 'Event'],
]);

const eventOption = (o: import('discord.js').SlashCommandStringOption) => o.setName('event').setDescription('Which event (default: the newest)').setAutocomplete(true).setMaxLength(100);

const data = new SlashCommandBuilder()
  .setName('event')
  .setDescription('Attendance events')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('start')
      .setDescription('Start an event: members check in with a button (officers)')
      .addStringOption((o) =>
        o
          .setName('kind')
          .setDescription('What kind of event')
          .setRequired(true)
          .addChoices(...EVENT_KINDS.map((k) => ({ name: k, value: k }))),
      )
      .addStringOption((o) => o.setName('name').setDescription('A name to show').setMaxLength(EVENT_NAME_MAX)),
  )
  .addSubcommand((s) => s.setName('close').setDescription('Close check-in and record who came (officers)').addStringOption(eventOption))
  .addSubcommand((s) =>
    s
      .setName('attend')
      .setDescription('Mark a member present (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who was there').setRequired(true))
      .addStringOption(eventOption),
  )
  .addSubcommand((s) =>
    s
      .setName('absent')
      .setDescription('Mark a member not present (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who was not there').setRequired(true))
      .addStringOption(eventOption),
  )
  .addSubcommand((s) => s.setName('show').setDescription('Who came to an event').addStringOption(eventOption));

const PICK_EVENT = 'Pick one from the suggestions, or leave `event` empty for the newest.';

function title(event: GuildEvent): string {
  return `${KIND_LABEL.get(event.kind) ?? 'Event'}${event.name ? `: ${safeText(event.name, EVENT_NAME_MAX)}` : ''}`;
}

/** The event's public message: who came so far, and the check-in button while open. */
export function eventMessage(event: GuildEvent): Answer {
  const open = event.status === 'open';
  const embed = new EmbedBuilder()
    .setColor(open ? COLOURS.info : COLOURS.muted)
    .setTitle(title(event))
    .setDescription(
      open
        ? `Check-in is open until ${discordTime(event.closes_at, 'f')}. Press **I was there** if you were.`
        : event.status === 'closing'
          ? 'Check-in closed; attendance is being recorded.'
          : `Check-in closed ${discordTime(event.closed_at ?? event.closes_at, 'f')}.`,
    )
    .addFields({ name: `Present · ${event.present.length}`, value: mentionList(event.present, 'Nobody yet') });
  if (!open) {
    embed.addFields(
      { name: `Absent · ${event.absent.length}`, value: mentionList(event.absent, 'Nobody') },
      { name: `Excused (away) · ${event.excused.length}`, value: mentionList(event.excused, 'Nobody') },
    );
  }
  embed.setFooter({ text: `Started by ${event.started_by === 'sweep' ? 'the bot' : 'an officer'} · ${event.started_at.slice(0, 16).replace('T', ' ')} UTC` });
  const components = open
    ? [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(ids.checkIn.build({ event: event.event_id })).setLabel('I was there').setStyle(ButtonStyle.Success))]
    : [];
  return { embeds: [embed], components };
}

/** Edits the event's public message for everyone (a press updates its own message itself). */
async function followEvent(ctx: BotContext, event: GuildEvent, origin?: string): Promise<void> {
  if (!event.channel_id || !event.message_id || origin === `discord:${event.message_id}`) return;
  const view = eventMessage(event);
  await ctx.client.rest
    .patch(Routes.channelMessage(event.channel_id, event.message_id), { body: { embeds: view.embeds, components: view.components, allowed_mentions: { parse: [] } } })
    .catch((error) => ctx.logger.warn({ err: error, event: event.event_id }, 'could not update an event message'));
}

async function requireEvent(ctx: BotContext, interaction: ChatInputCommandInteraction): Promise<GuildEvent> {
  const text = interaction.options.getString('event');
  const event = text ? await ctx.services.events.get(requireOptionId(text, 'event', PICK_EVENT), true) : await ctx.services.events.newest();
  if (!event) throw new UserError(text ? `There is no such event. ${PICK_EVENT}` : 'No event has been started yet. Officers start one with /event start.');
  return event;
}

function refusal(result: Extract<EventResult, { ok: false }>, who = ''): UserError {
  switch (result.reason) {
    case 'not_found':
      return new UserError(`There is no such event. ${PICK_EVENT}`);
    case 'closed':
      return new UserError('Check-in for that event has closed. An officer can still correct it with /event attend.');
    case 'too_many_open':
      return new UserError(`${MAX_OPEN_EVENTS} events are already open for check-in. Close one with /event close first.`);
    case 'not_on_roster':
      return new UserError(`${who || 'You'} ${who ? 'is' : 'are'} not on the roster. An officer can add ${who ? 'them' : 'you'} with /member add.`);
    case 'already':
      return new UserError(`${who || 'You'} ${who ? 'is' : 'are'} already marked that way for this event. Nothing was changed.`);
    case 'busy':
      return new UserError('The event kept changing while this was written. Nothing was changed; try again.');
  }
}

async function start({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const result = await ctx.services.guild.startEvent({ kind: interaction.options.getString('kind', true), name: interaction.options.getString('name') ?? undefined, by: interaction.user.id });
  if (!result.ok) {
    if (result.reason === 'bad_kind') throw new UserError(`\`kind\` must be one of ${EVENT_KINDS.join(', ')}.`);
    if (result.reason === 'long_name') throw new UserError(`Event names are at most ${EVENT_NAME_MAX} characters; yours is ${result.length}.`);
    throw refusal(result);
  }
  const sent = await respond.send(eventMessage(result.event));
  if (sent) await ctx.services.events.setMessage(result.event.event_id, sent.channelId, sent.messageId);
}

async function close({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const event = await requireEvent(ctx, interaction);
  const result = await ctx.services.events.close(event.event_id, interaction.user.id);
  if (!result.ok) throw refusal(result);
  await followEvent(ctx, result.event, originOf(interaction));
  const e = result.event;
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle(`Closed: ${title(e)}`)
        .setDescription(`${plural(e.present.length, 'member')} present, ${e.absent.length} absent, ${e.excused.length} excused (away). Attendance recorded.`),
    ],
  });
}

async function mark({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>, present: boolean) {
  const user = interaction.options.getUser('user', true);
  const event = await requireEvent(ctx, interaction);
  const result = await ctx.services.events.mark(event.event_id, user.id, present);
  if (!result.ok) throw refusal(result, userMention(user.id));
  await followEvent(ctx, result.event, originOf(interaction));
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle(`${present ? 'Marked present' : 'Marked not present'}: ${title(result.event)}`)
        .setDescription(`${userMention(user.id)} ${present ? 'was there' : 'was not there'}${result.event.status === 'closed' ? '; their attendance is corrected' : ''}.`),
    ],
  });
}

async function show({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const text = interaction.options.getString('event');
  if (text) return respond.send({ embeds: eventMessage(await requireEvent(ctx, interaction)).embeds });
  const { events } = await ctx.services.events.page(undefined);
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle('Recent events');
  embed.setDescription(
    capped(
      events.map((e) => `${e.started_at.slice(0, 10)} · **${title(e)}** · ${e.status === 'open' ? `open, ${e.present.length} checked in` : `${e.present.length} present, ${e.absent.length} absent, ${e.excused.length} excused`}`),
      'No events yet. Officers start one with /event start.',
      '\n',
      4000,
    ),
  );
  await respond.send({ embeds: [embed] });
}

async function checkIn({ interaction, ctx, respond }: Call<ButtonInteraction>, { event }: { event: string }) {
  const result = await ctx.services.events.checkIn(event, interaction.user.id);
  if (!result.ok) {
    // A press on a message that closed meanwhile: the message catches up for everyone.
    if (result.event && result.event.status !== 'open') await followEvent(ctx, result.event);
    throw refusal(result);
  }
  await respond.send(eventMessage(result.event));
}

export async function eventChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).toLowerCase();
  const { events } = await ctx.services.events.page(undefined, { signal });
  return events
    .filter((e) => `${e.kind} ${e.name ?? ''} ${e.started_at.slice(0, 10)}`.toLowerCase().includes(query))
    .map((e) => ({ name: `${e.started_at.slice(0, 10)} ${e.kind}${e.name ? ` · ${e.name}` : ''} (${e.status})`.slice(0, 100), value: e.event_id }));
}

/** Closes events whose check-in time is over, and finishes closes that stopped half-way; their messages follow. */
export async function closeOverdueEvents(ctx: BotContext): Promise<void> {
  for (const event of await ctx.services.events.closeOverdue()) await followEvent(ctx, event);
}

export default defineCommand({
  data,
  subcommands: {
    start: { access: 'officer', ephemeral: false, run: start },
    close: { access: 'officer', ephemeral: false, run: close },
    attend: { access: 'officer', ephemeral: true, run: (call) => mark(call, true) },
    absent: { access: 'officer', ephemeral: true, run: (call) => mark(call, false) },
    show: { access: 'anyone', ephemeral: true, run: show },
  },
  components: [button(ids.checkIn, { access: 'anyone', run: checkIn })],
  autocomplete: {
    'close/event': { access: 'officer', run: eventChoices },
    'attend/event': { access: 'officer', run: eventChoices },
    'absent/event': { access: 'officer', run: eventChoices },
    'show/event': { access: 'anyone', run: eventChoices },
  },
  // Check-in ends EVENT_CHECKIN_HOURS after the start: closed at start-up and every minute after.
  jobs: (ctx) => [{ name: 'close-events', everyMs: 60_000, atStart: true, run: () => closeOverdueEvents(ctx) }],
});

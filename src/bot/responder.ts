/**
 * Every answer to an interaction goes through a Responder. It serializes the calls (so the
 * automatic defer and the handler's own answer never race), picks reply vs. edit vs. update,
 * and makes sure nothing pings anyone unless the caller names who may be pinged.
 */
import {
  MessageFlags,
  type AttachmentPayload,
  type BaseMessageOptions,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
  type StringSelectMenuInteraction,
} from 'discord.js';

export type AnswerableInteraction = ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction;

export interface Answer {
  content?: string;
  embeds?: BaseMessageOptions['embeds'];
  components?: BaseMessageOptions['components'];
  files?: AttachmentPayload[];
  /**
   * User ids this answer pings (the winner); nobody otherwise. An edit never pings, so when the
   * answer lands as an edit (after a defer, or a button's update) a short follow-up that mentions
   * them is sent too: `pingText`, or just the mentions.
   */
  pingUsers?: string[];
  pingText?: string;
}

/** Where an answer's message is (for the draw, which keeps where its message is). */
export interface SentMessage {
  messageId: string;
  channelId: string;
}

export class Responder {
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once the interaction has had its first response (reply, defer or update). */
  private acknowledged = false;
  private deferredPublicly = false;
  private answered = false;
  /**
   * Whether answers update the message the pressed component is on. Only when that message shows
   * the component: a press Discord's client would not send (a forged custom id, a button from
   * another message) gets an answer of its own and never rewrites someone else's message, such
   * as a public draw.
   */
  private readonly updatesMessage: boolean;

  constructor(
    readonly interaction: AnswerableInteraction,
    /** Whether the main answer is visible to the invoker only. */
    readonly ephemeral: boolean,
    /** Told of a ping follow-up that failed (the answer itself stands). */
    private readonly pingFailed: (error: unknown) => void = () => undefined,
  ) {
    this.updatesMessage = interaction.isMessageComponent() && showsComponent(interaction.message.components, interaction.customId);
  }

  get isComponent(): boolean {
    return this.interaction.isMessageComponent();
  }

  get hasAnswered(): boolean {
    return this.answered;
  }

  /** Acknowledges without answering yet (the work may take over two seconds). Idempotent. */
  defer(): Promise<void> {
    return this.serialize(async () => {
      if (this.acknowledged) return;
      this.acknowledged = true;
      if (this.interaction.isMessageComponent() && this.updatesMessage) {
        await this.interaction.deferUpdate();
      } else {
        this.deferredPublicly = !this.ephemeral;
        await this.interaction.deferReply(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      }
    });
  }

  /** The main answer: a new reply for a command, or the message itself updated for a button. */
  send(answer: Answer): Promise<SentMessage | undefined> {
    return this.serialize(async () => {
      const payload = toPayload(answer);
      let message: { id: string; channelId: string } | null | undefined;
      let edited = true;
      if (this.interaction.isMessageComponent() && this.updatesMessage) {
        if (this.acknowledged) message = await this.interaction.editReply(payload);
        else message = (await this.interaction.update({ ...payload, withResponse: true })).resource?.message;
      } else if (this.acknowledged) {
        message = await this.interaction.editReply(payload);
      } else {
        const flags = this.ephemeral ? { flags: MessageFlags.Ephemeral } : {};
        message = (await this.interaction.reply({ ...payload, ...flags, withResponse: true } as InteractionReplyOptions & { withResponse: true })).resource?.message;
        edited = false;
      }
      this.acknowledged = true;
      this.answered = true;
      // Only a public message pings; one only its viewer sees notifies nobody else anyway.
      const ephemeralMessage = this.interaction.isMessageComponent() && this.updatesMessage ? this.interaction.message.flags.has(MessageFlags.Ephemeral) : this.ephemeral;
      if (edited && answer.pingUsers?.length && !ephemeralMessage) {
        // The answer is out: a ping that fails (Discord busy, the token past its 15 minutes) is
        // logged, never turned into a failure of an answer already given.
        await this.interaction
          .followUp({
            content: answer.pingText ?? answer.pingUsers.map((id) => `<@${id}>`).join(' '),
            allowedMentions: { parse: [], users: answer.pingUsers, repliedUser: false },
          })
          .catch(this.pingFailed);
      }
      return message ? { messageId: message.id, channelId: message.channelId } : undefined;
    });
  }

  /**
   * An error, always ephemeral. After a public defer the "thinking…" message is removed first,
   * so the channel is not left with a half-written answer.
   */
  fail(message: string): Promise<void> {
    return this.serialize(async () => {
      const payload = { content: `⚠️ ${message}`, allowedMentions: { parse: [] }, flags: MessageFlags.Ephemeral } as InteractionReplyOptions;
      if (!this.acknowledged) {
        await this.interaction.reply(payload);
      } else if ((this.interaction.isMessageComponent() && this.updatesMessage) || this.deferredPublicly) {
        if (this.deferredPublicly && !this.answered) await this.interaction.deleteReply().catch(() => undefined);
        await this.interaction.followUp(payload);
      } else {
        await this.interaction.editReply({ content: payload.content as string, embeds: [], components: [] });
      }
      this.acknowledged = true;
      this.answered = true;
    });
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Whether a message's components (rows, and what they hold) include this custom id. */
function showsComponent(components: readonly { toJSON(): unknown }[], customId: string): boolean {
  const holds = (node: unknown): boolean => {
    const c = node as { custom_id?: unknown; components?: unknown; accessory?: unknown };
    return c?.custom_id === customId || (Array.isArray(c?.components) && c.components.some(holds)) || (c?.accessory !== undefined && holds(c.accessory));
  };
  return components.some((c) => holds(c.toJSON()));
}

function toPayload(answer: Answer) {
  return {
    content: answer.content ?? '',
    embeds: answer.embeds ?? [],
    components: answer.components ?? [],
    ...(answer.files ? { files: answer.files } : {}),
    allowedMentions: { parse: [], users: answer.pingUsers ?? [], repliedUser: false },
  } as const;
}

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
  /** User ids this answer may ping (the winner); nobody otherwise. */
  pingUsers?: string[];
}

export class Responder {
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once the interaction has had its first response (reply, defer or update). */
  private acknowledged = false;
  private deferredPublicly = false;
  private answered = false;

  constructor(
    readonly interaction: AnswerableInteraction,
    /** Whether the main answer is visible to the invoker only. */
    readonly ephemeral: boolean,
  ) {}

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
      if (this.interaction.isMessageComponent()) {
        await this.interaction.deferUpdate();
      } else {
        this.deferredPublicly = !this.ephemeral;
        await this.interaction.deferReply(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      }
    });
  }

  /** The main answer: a new reply for a command, or the message itself updated for a button. */
  send(answer: Answer): Promise<void> {
    return this.serialize(async () => {
      const payload = toPayload(answer);
      if (this.interaction.isMessageComponent()) {
        if (this.acknowledged) await this.interaction.editReply(payload);
        else await this.interaction.update(payload);
      } else if (this.acknowledged) {
        await this.interaction.editReply(payload);
      } else {
        await this.interaction.reply({ ...payload, ...(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) } as InteractionReplyOptions);
      }
      this.acknowledged = true;
      this.answered = true;
    });
  }

  /** A separate message visible to the invoker only (e.g. why a button did nothing). */
  whisper(answer: Answer): Promise<void> {
    return this.serialize(async () => {
      const payload = { ...toPayload(answer), flags: MessageFlags.Ephemeral } as InteractionReplyOptions;
      if (this.acknowledged) await this.interaction.followUp(payload);
      else await this.interaction.reply(payload);
      this.acknowledged = true;
      this.answered = true;
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
      } else if (this.interaction.isMessageComponent() || this.deferredPublicly) {
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

function toPayload(answer: Answer) {
  return {
    content: answer.content ?? '',
    embeds: answer.embeds ?? [],
    components: answer.components ?? [],
    ...(answer.files ? { files: answer.files } : {}),
    allowedMentions: { parse: [], users: answer.pingUsers ?? [], repliedUser: false },
  } as const;
}

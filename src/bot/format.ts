/** How FlavaFlav writes things in Discord: colours, escaping, small text helpers. */
import { escapeMarkdown } from 'discord.js';
import type { Quality } from '../domain/ranks';

export const QUALITY_COLOURS: Record<Quality, number> = { bronze: 0xcd7f32, silver: 0xc0c0c0, gold: 0xffd700 };
export const COLOURS = { info: 0x5865f2, success: 0x57f287, warning: 0xfee75c, danger: 0xed4245, muted: 0x99aab5 } as const;

export const QUALITY_LABEL: Record<Quality, string> = { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' };

/**
 * User-supplied text made safe to show: Markdown escaped, and mention syntax broken with a
 * zero-width space so it neither pings (allowed mentions already prevent that) nor renders.
 * escapeMarkdown leaves headings, lists and masked links alone unless asked, and never escapes a
 * block quote: in an embed field or description those render too (a "notes" of `# FREE GOLD` or
 * `[claim](https://…)`), so they are escaped here as well.
 */
export function safeText(text: string, maxLength = 200): string {
  const trimmed = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  return escapeMarkdown(trimmed, { heading: true, bulletedList: true, maskedLink: true })
    // Its numberedList option escapes any leading "4.": a bonus of 4.50% is no list; "1. " is.
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.')
    .replace(/^(\s*)>/gm, '$1\\>')
    .replace(/@(everyone|here)/gi, '@\u200b$1')
    .replace(/<([@#][!&]?)(\d+)>/g, '<$1\u200b$2>');
}

export const userMention = (id: string) => `<@${id}>`;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "2026-11-25" from an ISO timestamp, for compact display. */
export function shortDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'never';
}

/** A Discord relative timestamp (renders in each reader's own time zone). */
export function relativeTime(iso: string): string {
  return `<t:${Math.floor(new Date(iso).getTime() / 1000)}:R>`;
}

/** Discord's cap on an embed field's value. */
export const FIELD_MAX = 1024;

/**
 * Items joined until the next would not fit in `max` characters, then "… and N more": every list
 * shown stays within Discord's limits however long the data grows.
 */
export function capped(items: string[], empty: string, separator = ' ', max = FIELD_MAX): string {
  if (!items.length) return empty;
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const next = (text ? separator : '') + items[i];
    const rest = `${separator === '\n' ? '\n' : ' '}… and ${items.length - i} more`;
    if (text.length + next.length + (i < items.length - 1 ? rest.length : 0) > max) return `${text}${rest}`;
    text += next;
  }
  return text;
}

/** Mentions (which never ping inside an embed), capped to fit a field. */
export function mentionList(ids: string[], empty: string): string {
  return capped(ids.map(userMention), empty);
}

/** A Discord timestamp in the reader's own time zone, or "never". */
export function discordTime(iso: string | undefined, style: 'R' | 'f' | 'D' = 'R'): string {
  return iso ? `<t:${Math.floor(new Date(iso).getTime() / 1000)}:${style}>` : 'never';
}

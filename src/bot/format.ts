/** How FlavaFlav writes things in Discord: colours, escaping, small text helpers. */
import { escapeMarkdown } from 'discord.js';
import type { Quality } from '../domain/ranks';

export const QUALITY_COLOURS: Record<Quality, number> = { bronze: 0xcd7f32, silver: 0xc0c0c0, gold: 0xffd700 };
export const COLOURS = { info: 0x5865f2, success: 0x57f287, warning: 0xfee75c, danger: 0xed4245, muted: 0x99aab5 } as const;

export const QUALITY_LABEL: Record<Quality, string> = { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' };

/**
 * User-supplied text made safe to show: Markdown escaped, and mention syntax broken with a
 * zero-width space so it neither pings (allowed mentions already prevent that) nor renders.
 */
export function safeText(text: string, maxLength = 200): string {
  const trimmed = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  return escapeMarkdown(trimmed).replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<([@#][!&]?)(\d+)>/g, '<$1\u200b$2>');
}

export const userMention = (id: string) => `<@${id}>`;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2026-11-25" from an ISO timestamp, for compact display. */
export function shortDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'never';
}

/** A Discord relative timestamp (renders in each reader's own time zone). */
export function relativeTime(iso: string): string {
  return `<t:${Math.floor(new Date(iso).getTime() / 1000)}:R>`;
}

/**
 * Who a message pings, computed as Discord does, so tests assert pings rather than JSON.
 *
 * Sources (docs resources/message, "Allowed Mentions Object", as rewritten by discord-api-docs
 * PR #7629, merged as commit 16e0558):
 * - Only mentions written in the content ping (`<@id>`, `<@!id>`, `<@&id>`, `@everyone`, `@here`);
 *   embeds never ping.
 * - Without `allowed_mentions`, a channel message or webhook parses every mention type, but an
 *   interaction response parses user mentions only ("except in interactions, where only user
 *   mentions are parsed by default"). We treat follow-ups as interaction responses: they are
 *   sent with the interaction's token.
 * - With it: `parse` lists the types parsed wholesale; `users` / `roles` list ids that may ping
 *   (ids absent from the content are ignored); `parse: ["users"]` together with a non-empty
 *   `users` (likewise roles) is a validation error, MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE;
 *   `replied_user` (default false) decides whether a reply pings the replied-to author.
 * - A role pings if it is mentionable or the bot has MENTION_EVERYONE; @everyone / @here need
 *   MENTION_EVERYONE.
 * - Edits never ping (discord-api-docs #5497: "edits never notify"), including the edit that
 *   fills a deferred response (same issue; discord.js #9482 "Pinging users/roles does not work
 *   with deferred replies").
 * - Ephemeral messages are seen by one user only and notify nobody.
 */
import type { Pings } from './model';
import type { Violation } from './refusals';

export const nobody = (): Pings => ({ users: [], roles: [], everyone: false });

export type MessageSource = 'interaction' | 'channel';

export interface PingContext {
  source: MessageSource;
  ephemeral: boolean;
  /** The author of the message this one replies to, if it is a reply. */
  repliedAuthorId?: string;
  botMayMentionEveryone: boolean;
  roleIsMentionable(roleId: string): boolean;
}

/** The mentions written in a message's content, in order of appearance, without repeats. */
export function mentionsIn(content: string): Pings {
  const users = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]))];
  const roles = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]))];
  return { users, roles, everyone: /@(everyone|here)\b/.test(content) };
}

export function computePings(content: string, allowed: any, ctx: PingContext): Pings {
  if (ctx.ephemeral) return nobody();
  const written = mentionsIn(content);
  const parse = new Set<string>(allowed ? (allowed.parse ?? []) : ctx.source === 'interaction' ? ['users'] : ['users', 'roles', 'everyone']);
  const allowedUsers: string[] = allowed?.users ?? [];
  const allowedRoles: string[] = allowed?.roles ?? [];
  const users = written.users.filter((id) => parse.has('users') || allowedUsers.includes(id));
  const roles = written.roles.filter((id) => (parse.has('roles') || allowedRoles.includes(id)) && (ctx.botMayMentionEveryone || ctx.roleIsMentionable(id)));
  const everyone = written.everyone && parse.has('everyone') && ctx.botMayMentionEveryone;
  const pingReplied = allowed ? allowed.replied_user === true : true;
  if (ctx.repliedAuthorId && pingReplied && !users.includes(ctx.repliedAuthorId)) users.push(ctx.repliedAuthorId);
  return { users, roles, everyone };
}

/** Field errors of an `allowed_mentions` object (the parse/list conflict, list sizes, parse values). */
export function allowedMentionsViolations(allowed: any, at: (string | number)[] = []): Violation[] {
  if (allowed === undefined || allowed === null) return [];
  const path = [...at, 'allowed_mentions'];
  const out: Violation[] = [];
  const parse: unknown[] = Array.isArray(allowed.parse) ? allowed.parse : [];
  for (const value of parse) {
    if (value !== 'users' && value !== 'roles' && value !== 'everyone') {
      out.push({ path: [...path, 'parse'], code: 'BASE_TYPE_CHOICES', message: "Value must be one of ('everyone', 'users', 'roles')." });
    }
  }
  for (const kind of ['users', 'roles'] as const) {
    const list = allowed[kind];
    // Docs: a falsy list ([] or null) beside parse is not an error.
    if (parse.includes(kind) && Array.isArray(list) && list.length > 0) {
      out.push({ path, code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.` });
    }
    if (Array.isArray(list) && list.length > 100) out.push({ path: [...path, kind], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
  }
  return out;
}

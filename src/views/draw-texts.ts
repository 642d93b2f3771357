/**
 * What both views of a draw say, in words: its title, its pool and policy, why a start or a
 * change was refused, and what an award that did not happen means. Each view says only how it
 * names a member, shows a time or a typed text, and where one goes to fix or start again
 * (DrawWording), so the meaning of every sentence is written once.
 */
import { MAX_REROLLS, type DrawPolicy, type Refusal } from '../domain/draw';
import type { Quality } from '../domain/ranks';
import type { DrawStatus } from '../domain/draw';
import type { AwardFailure, StartRefusal } from '../services/draw-types';
import type { DrawFacts } from './draw';

export interface DrawWording {
  /** How to start a new draw, as the end of a sentence: "run /distribute again". */
  startAgain: string;
  /** What shows the draw: "message" or "page". */
  shownOn: string;
  /** The answer for a draw that does not exist. */
  notFound: string;
  /** A member in a sentence: a mention in Discord, their name on the page. */
  member(id: string, username: string | null): string;
  /** Text a user typed (a list name, a link type), made safe for this view and cut to `max`. */
  text(value: string, max: number): string;
  /** A button's name in a sentence: bold in Discord. */
  button(label: string): string;
  /** A time as this view shows it; "never" when there is none. */
  time(iso: string | null): string;
  /** Where one goes to fix what a refused start names, as a sentence each. */
  fix: { stock: string; listNotFound: string; pickActive: string; roster: string; joinDate: string; waiting: string; nobodyOnList: string };
}

const QUALITY_LABEL: Record<Quality, string> = { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' };
export const POLICY_TEXT: Record<DrawPolicy, string> = { uniform: 'everyone equally', fewest: 'fewest links first', longest: 'longest wait first' };

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : `${one}s`}`;

/** The Confirm whose outcome is not known yet (a lost answer): what to do, and that it is safe. */
export const UNKNOWN_OUTCOME =
  'The database did not answer in time, so it is not known yet whether the link was awarded. Press Confirm again in a moment: it finishes this award and never awards twice.';

// ---- the draw ------------------------------------------------------------------------------------

/** The draw's heading, by its state. */
export function drawTitle(f: DrawFacts): string {
  const q = QUALITY_LABEL[f.quality];
  switch (f.status) {
    case 'drawn':
      return f.named ? `${q} link for a named member` : `${q} link draw`;
    case 'confirmed':
      return `${q} link awarded`;
    case 'reverted':
      return `${q} award reverted`;
    case 'cancelled':
      return `${q} draw cancelled`;
    case 'expired':
      return `${q} draw expired`;
  }
}

/** "3 in the pool · left out: 1 too new · drawn from every member eligible for gold". */
export function poolText(f: DrawFacts, w: DrawWording): string {
  const out = f.pool.leftOut;
  const parts = out
    ? [
        out.away ? `${out.away} away` : '',
        out.too_new ? `${out.too_new} too new` : '',
        out.unreadable ? `${out.unreadable} with an unreadable join date` : '',
        out.attendance ? `${out.attendance} with too few events attended` : '',
        out.inactive ? `${out.inactive} inactive (missed events in a row)` : '',
      ].filter(Boolean)
    : [];
  const source =
    f.pool.source === 'named' ? 'named by an officer' : f.pool.list ? `list “${w.text(f.pool.list.name ?? f.pool.list.id, 60)}”` : `every member eligible for ${f.quality}`;
  const owed = f.pool.compensation !== null ? ` · compensation, owed first: ${w.text(f.pool.compensation, 200) || 'no reason given'}` : '';
  return `${f.pool.size} in the pool${parts.length ? ` · left out: ${parts.join(', ')}` : ''} · drawn from ${source}${owed}`;
}

/** The policy, the wants, and the winner's figures next to the pool's, so the pick can be checked. */
export function policyTexts(f: DrawFacts, w: DrawWording): { policy: string; wanting: string; figures: string | null } | null {
  const p = f.policy;
  if (!p) return null;
  const winner = p.figures?.winner;
  return {
    policy: `Policy: ${p.name} (${POLICY_TEXT[p.name]})`,
    wanting: p.wanting ? `${p.wanting} of ${plural(f.pool.size, 'member')} in the pool want this link: drawn among them` : 'Nobody in the pool wants this link type',
    figures: p.figures
      ? `Winner: ${plural(winner?.count ?? 0, `${f.quality} link`)} in the window, last ${w.time(winner?.last ?? null)} · pool: ${p.figures.pool.min}–${p.figures.pool.max} (the window: the last ${plural(p.windowDays, 'day')})`
      : null,
  };
}

/** While a confirm may still be finishing. */
export function confirmingText(f: DrawFacts, w: DrawWording): string {
  return `Confirming the award to ${f.winner ? w.member(f.winner.id, f.winner.username) : 'nobody'}… If this does not finish, press ${w.button('Confirm')} again.`;
}

// ---- refusals ------------------------------------------------------------------------------------

/** Why a draw was not started. Nothing was written. */
export function startRefusalText(refusal: StartRefusal, quality: Quality, linkType: string | undefined, w: DrawWording): string {
  return `${startRefusalMeaning(refusal, quality, linkType, w)} Nothing was drawn.`;
}

function startRefusalMeaning(refusal: StartRefusal, quality: Quality, linkType: string | undefined, w: DrawWording): string {
  switch (refusal.reason) {
    case 'no_stock':
      return `No ${quality}${linkType ? ` ${w.text(linkType, 200)}` : ''} links are in stock. ${w.fix.stock}`;
    case 'list_not_found':
      return `There is no such list. ${w.fix.listNotFound}`;
    case 'list_closed':
      return `That list is closed. ${w.fix.pickActive}`;
    case 'list_wrong_quality':
      return `That list hands out ${refusal.list.quality} links, not ${quality}. Pick the ${quality} list or change the quality.`;
    case 'named_not_on_roster':
      return `That member is not on the roster. ${w.fix.roster}`;
    case 'named_not_eligible':
      return `${w.member(refusal.member.discord_id, refusal.member.username)} cannot receive ${quality} links yet${refusal.member.join_date ? '' : ` (their join date is unreadable; ${w.fix.joinDate})`}.`;
    case 'named_not_waiting':
      return `That member is not waiting on that list. ${w.fix.waiting}`;
    case 'nobody':
      return refusal.list
        ? `Nobody on list “${w.text(refusal.list.list_name, 60)}” can receive a ${quality} link right now (waiting members may be away or not eligible). ${w.fix.nobodyOnList}`
        : `Nobody on the roster can receive a ${quality} link right now (too new, or away).`;
    case 'too_many_open':
      return `Too many draws are open right now. Confirm or Cancel some of them (they also end by themselves after 15 minutes), then ${w.startAgain}.`;
  }
}

/** Why a draw change was refused. */
export function drawRefusalText(refusal: Refusal | { reason: 'not_found' }, poolSize: number | undefined, w: DrawWording): string {
  switch (refusal.reason) {
    case 'not_found':
      return w.notFound;
    case 'ended':
      return endedText(refusal.status, w);
    case 'expired':
      return endedText('expired', w);
    case 'confirming':
      return 'An officer is confirming this draw. If it seems stuck, press Confirm to finish it; it will not award twice.';
    case 'changed':
      return `The draw changed since you looked (someone rerolled). The ${w.shownOn} now shows the current winner; press again if you still want to.`;
    case 'exhausted':
      return `Everyone in the pool (${plural(poolSize ?? 0, 'member')}) has been drawn. Confirm the current winner or Cancel.`;
    case 'reroll_limit':
      return `This draw has been rerolled ${MAX_REROLLS} times, the most one draw keeps. Confirm the current winner, or Cancel and ${w.startAgain}.`;
    case 'named':
      return `This winner was named by an officer, so nobody else can be drawn. Cancel and ${w.startAgain} to draw.`;
  }
}

function endedText(status: DrawStatus, w: DrawWording): string {
  switch (status) {
    case 'drawn':
      return 'This draw is still open.';
    case 'confirmed':
      return 'This draw was already confirmed.';
    case 'cancelled':
      return `This draw was cancelled; nobody was awarded. ${sentence(w.startAgain)}.`;
    case 'expired':
      return `This draw expired (draws last 15 minutes); nobody was awarded. ${sentence(w.startAgain)}.`;
    case 'reverted':
      return 'This award was reverted.';
  }
}

/** Why Confirm awarded nothing (nothing was written: the award is one transaction). */
export function notAwardedText(reason: AwardFailure, w: DrawWording): string {
  switch (reason) {
    case 'link_gone':
      return `Not awarded: the link was handed out or removed meanwhile. Nothing was written; Cancel this draw and ${w.startAgain}.`;
    case 'winner_served':
      return 'Not awarded: the winner has already been served from this list. Nothing was written; Reroll or Cancel.';
    case 'list_closed':
      return `Not awarded: the list was closed meanwhile. Nothing was written; Cancel and ${w.startAgain}.`;
    case 'member_removed':
      return 'Not awarded: the winner has left the roster. Nothing was written; Reroll or Cancel.';
    case 'member_away':
      return 'Not awarded: the winner is marked away. Nothing was written; Reroll, or clear their away date first.';
    case 'member_not_eligible':
      return 'Not awarded: the winner cannot receive this quality any more. Nothing was written; Reroll or Cancel.';
    case 'debt_paid':
      return 'Not awarded: the winner was owed this link, and that debt was paid or forgiven meanwhile. Nothing was written; Reroll or Cancel.';
    case 'busy':
      return 'Not awarded: the database is busy. Nothing was written; press Confirm again.';
  }
}

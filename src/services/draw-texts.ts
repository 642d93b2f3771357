/**
 * What a refused draw change or an award that did not happen means, in words, for both views of
 * a draw: Discord's message and the dashboard's page. Each view says only how one starts again
 * and what it calls itself, so the meaning of every refusal is written once.
 */
import type { Refusal } from '../domain/draw';
import type { Distribution } from './distributions';
import type { AwardFailure } from './draws';

export interface DrawWording {
  /** How to start a new draw, as the end of a sentence: "run /distribute again". */
  startAgain: string;
  /** What shows the draw: "message" or "page". */
  shownOn: string;
  /** The answer for a draw that does not exist. */
  notFound: string;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Why a draw change was refused. */
export function drawRefusalText(refusal: Refusal | { reason: 'not_found' }, draw: Distribution | undefined, wording: DrawWording): string {
  switch (refusal.reason) {
    case 'not_found':
      return wording.notFound;
    case 'ended':
      return endedText(refusal.status, wording);
    case 'expired':
      return endedText('expired', wording);
    case 'confirming':
      return 'An officer is confirming this draw. If it seems stuck, press Confirm to finish it; it will not award twice.';
    case 'changed':
      return `The draw changed since you looked (someone rerolled). The ${wording.shownOn} now shows the current winner; press again if you still want to.`;
    case 'exhausted': {
      const size = draw?.pool_size ?? draw?.pool.length ?? 0;
      return `Everyone in the pool (${size} member${size === 1 ? '' : 's'}) has been drawn. Confirm the current winner or Cancel.`;
    }
    case 'named':
      return `This winner was named by an officer, so nobody else can be drawn. Cancel and ${wording.startAgain} to draw.`;
  }
}

function endedText(status: Distribution['status'], wording: DrawWording): string {
  switch (status) {
    case 'drawn':
      return 'This draw is still open.';
    case 'confirmed':
      return 'This draw was already confirmed.';
    case 'cancelled':
      return `This draw was cancelled; nobody was awarded. ${sentence(wording.startAgain)}.`;
    case 'expired':
      return `This draw expired (draws last 15 minutes); nobody was awarded. ${sentence(wording.startAgain)}.`;
    case 'reverted':
      return 'This award was reverted.';
  }
}

/** Why Confirm awarded nothing (nothing was written: the award is one transaction). */
export function notAwardedText(reason: AwardFailure, wording: DrawWording): string {
  switch (reason) {
    case 'link_gone':
      return `Not awarded: the link was handed out or removed meanwhile. Nothing was written; Cancel this draw and ${wording.startAgain}.`;
    case 'winner_served':
      return 'Not awarded: the winner has already been served from this list. Nothing was written; Reroll or Cancel.';
    case 'list_closed':
      return `Not awarded: the list was closed meanwhile. Nothing was written; Cancel and ${wording.startAgain}.`;
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

/**
 * The draws service's settings and answers (src/services/draws.ts): what a draw is started with,
 * why one is refused, what a change or a confirm comes to.
 */
import type { DrawPolicy, Refusal } from '../domain/draw';
import type { AttendanceRules } from '../domain/attendance';
import type { Quality, RankThresholds } from '../domain/ranks';
import type { Distribution } from './distribution-record';
import type { DistributionsService } from './distributions';
import type { InventoryService } from './inventory';
import type { DistributionList, ListsService } from './lists';
import type { Member } from './member-items';
import type { MembersService } from './members';
import type { RosterService } from './roster';

export interface DrawSettings {
  ranks: RankThresholds;
  defaultPolicy: DrawPolicy;
  fairnessWindowDays: number;
  /** Attendance rules (docs/attendance.md); off when absent. */
  attendance?: AttendanceRules;
}

export interface StartDraw {
  quality: Quality;
  linkType?: string;
  /** Names the winner instead of drawing. */
  memberId?: string;
  listId?: string;
  policy?: DrawPolicy;
  by: string;
  method: 'discord' | 'web';
}

export type StartRefusal =
  | { reason: 'no_stock' }
  | { reason: 'list_not_found' }
  | { reason: 'list_closed'; list: DistributionList }
  | { reason: 'list_wrong_quality'; list: DistributionList }
  | { reason: 'named_not_on_roster' }
  | { reason: 'named_not_eligible'; member: Member }
  | { reason: 'named_not_waiting'; list: DistributionList }
  | { reason: 'nobody'; list?: DistributionList }
  /** As many draws as the open-draw markers hold are open or unannounced (src/services/open-draws.ts). */
  | { reason: 'too_many_open' };

/** Why an award was not made although the draw was open. Nothing was written. */
export type AwardFailure = 'link_gone' | 'winner_served' | 'list_closed' | 'member_removed' | 'member_away' | 'member_not_eligible' | 'debt_paid' | 'busy';

export type ChangeResult = { ok: true; draw: Distribution } | ({ ok: false; draw: Distribution | undefined } & (Refusal | { reason: 'not_found' }));

export type ConfirmResult =
  | { outcome: 'awarded'; draw: Distribution; repeated: boolean }
  | ({ outcome: 'refused'; draw: Distribution | undefined } & (Refusal | { reason: 'not_found' }))
  | { outcome: 'not_awarded'; reason: AwardFailure; draw: Distribution }
  /** The write may or may not have happened (a lost answer): press Confirm again. */
  | { outcome: 'unknown'; draw: Distribution | undefined };


export interface DrawServices {
  members: MembersService;
  roster: RosterService;
  inventory: InventoryService;
  lists: ListsService;
  distributions: DistributionsService;
}

/**
 * The members table's award writes (src/services/members.ts): how an award, a revert and a first
 * award change a member item (counters, award logs, newest links, the want it fulfils, the debt it
 * pays), as transaction parts; and the repairs that add what an item lacks (`check:data --fix`,
 * the migration). MembersService calls these with its table.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DebtKey } from '../domain/attendance';
import { QUALITIES, type Quality } from '../domain/ranks';
import { isConditionalCheckFailed } from './errors';
import { AWARDS_ATTRIBUTE, AWARDS_KEPT, awardLog, emptyCounters, encodeEntry, newestLinks, recentMap, recentValue, type Counters, type Member, type RecentLink } from './member-items';
import type { TransactWriteItem } from './transactions';

/** An award as a member's update takes it: the record, when, what, and the debt it pays. */
export interface MemberAward {
  id: string;
  at: string;
  quality: Quality;
  linkType: string;
  today: string;
  skipIfAway: boolean;
  clearDebt?: DebtKey;
  logSince?: string;
}

/**
 * Transaction part of an award. A member whose item keeps counters gets them incremented. One
 * the previous system wrote (no counters) gets them written whole, from `derived` (their
 * history) plus this award, only while the item still has none, so a concurrent first award
 * cannot count twice. Either way the member must still be on the roster and not away. The award
 * joins the newest links the item keeps (recentUpdate), started from `derived` history where the
 * item keeps none.
 */
export function awardItem(
  tableName: string,
  member: Member,
  award: MemberAward,
  derived?: { counters: Counters; recent: RecentLink[] },
): TransactWriteItem {
  return withDebtCleared(awardUpdate(tableName, member, award, derived), award.clearDebt, member.debtsStored);
}

function awardUpdate(
  tableName: string,
  member: Member,
  award: { id: string; at: string; quality: Quality; linkType: string; today: string; skipIfAway: boolean; logSince?: string },
  derived?: { counters: Counters; recent: RecentLink[] },
): TransactWriteItem {
  const entry = encodeEntry({ at: award.at, id: award.id });
  const link: RecentLink = { id: award.id, at: award.at, quality: award.quality, link_type: award.linkType };
  // Away members are skipped by random picks only; an officer may still name one.
  const notAway = award.skipIfAway ? '(attribute_not_exists(away_until) OR away_until < :today)' : 'attribute_exists(discord_id)';
  // Eligibility was checked on this read: the join date (and officer flag) it was checked on must still stand.
  const standing = `${member.storedJoinDate === undefined ? 'attribute_not_exists(join_date)' : '(join_date = :joined OR guild_join_date = :joined)'}${member.is_officer ? ' AND is_officer = :officer' : ''}`;
  const standingValues = { ...(member.storedJoinDate === undefined ? {} : { ':joined': member.storedJoinDate }), ...(member.is_officer ? { ':officer': true } : {}) };
  const want = wantFulfilled(member, award.linkType);
  if (member.counters) {
    const recent = recentUpdate(member, link, derived?.recent);
    // last_link_at never moves back (a late retried award): set only when this award is newer
    // than what the item holds, and the condition says the item still holds what was read.
    const known = member.counters.last_link_at;
    const newer = !known || known <= award.at;
    // A full log is written whole, its oldest entry out, while the count is still as read (another
    // award at once is then retried on a fresh read); otherwise the entry is added.
    const log = member.counters.awards[award.quality];
    // Entries gone past the window leave with this award (the newest stays, whenever it was).
    const newest = log.reduce<string | undefined>((n, a) => (n === undefined || a.at > n ? a.at : n), undefined);
    const stale = award.logSince ? log.filter((a) => a.at < award.logSince! && a.at !== newest) : [];
    const full = log.length >= AWARDS_KEPT || stale.length > 0;
    // (The count and updated_at both as read: an award and a revert in between leave the count as it was, not updated_at.)
    const unchanged = ` AND links_received = :seen AND ${member.storedUpdatedAt !== undefined ? 'updated_at = :seenAt' : 'attribute_not_exists(updated_at)'}`;
    const logUpdate = full ? { set: `, ${AWARDS_ATTRIBUTE[award.quality]} = :log`, add: '', condition: unchanged } : { set: '', add: `, ${AWARDS_ATTRIBUTE[award.quality]} :entry`, condition: '' };
    const logValues = full
      ? { ':log': awardLog([...log.filter((a) => a.id !== award.id && !stale.includes(a)), { at: award.at, id: award.id }]), ':seen': member.counters.links_received, ...(member.storedUpdatedAt !== undefined ? { ':seenAt': member.storedUpdatedAt } : {}) }
      : { ':entry': new Set([entry]) };
    return {
      Update: {
        TableName: tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `SET ${newer ? 'last_link_at = :at, ' : ''}updated_at = :at${recent.set}${logUpdate.set} ADD links_received :one${logUpdate.add}${recent.remove}${want.update}`,
        ConditionExpression: `attribute_exists(links_received) AND ${notAway} AND ${standing} AND ${newer ? '(attribute_not_exists(last_link_at) OR last_link_at <= :at)' : 'last_link_at > :at'}${recent.condition}${want.condition}${logUpdate.condition}`,
        ...(Object.keys(recent.names).length ? { ExpressionAttributeNames: recent.names } : {}),
        ExpressionAttributeValues: { ':at': award.at, ':one': 1, ...logValues, ...recent.values, ...want.values, ...standingValues, ...(award.skipIfAway ? { ':today': award.today } : {}) },
      },
    };
  }
  const counters = derived?.counters ?? emptyCounters();
  const awards = { ...counters.awards, [award.quality]: [...counters.awards[award.quality], { at: award.at, id: award.id }] };
  const sets = QUALITIES.filter((q) => awards[q].length > 0);
  // The newest of this award and the history it is counted from: never an older one.
  const last = [award.at, counters.last_link_at ?? ''].sort().pop()!;
  return {
    Update: {
      TableName: tableName,
      Key: { discord_id: member.discord_id },
      UpdateExpression: `SET links_received = :n, last_link_at = :last, updated_at = :at, recent_links = :recent ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}${want.update}`,
      ConditionExpression: `attribute_exists(discord_id) AND attribute_not_exists(links_received) AND ${notAway} AND ${standing} AND (attribute_not_exists(last_link_at) OR last_link_at <= :last)${want.condition}`,
      ExpressionAttributeValues: {
        ...want.values,
        ':n': counters.links_received + 1,
        ':at': award.at,
        ':last': last,
        ':recent': recentMap(newestLinks([link, ...(derived?.recent ?? []).filter((l) => l.id !== link.id)])),
        ...standingValues,
        ...(award.skipIfAway ? { ':today': award.today } : {}),
        ...Object.fromEntries(sets.map((q) => [`:${q}`, awardLog(awards[q])])),
      },
    },
  };
}

/**
 * How an award changes the newest links an item keeps. Kept ones: the award joins them if it is
 * among the RECENT_LINKS newest (a retried award may be older than all), and those it pushes out
 * leave; the map must still be there. None kept: the map is started whole from the member's
 * history (`fromHistory`), only while there is still none, so two first awards cannot overwrite
 * each other (the loser is retried on a fresh read). None kept and no history: it stays so.
 */
function recentUpdate(member: Member, link: RecentLink, fromHistory: RecentLink[] | undefined) {
  const none = { set: '', remove: '', condition: '', names: {} as Record<string, string>, values: {} as Record<string, unknown> };
  if (member.recent) {
    const keep = new Set(newestLinks([link, ...member.recent.filter((l) => l.id !== link.id)]).map((l) => l.id));
    const leaving = member.recent.filter((l) => !keep.has(l.id));
    const names: Record<string, string> = { '#recent': 'recent_links', ...Object.fromEntries(leaving.map((l, i) => [`#old${i}`, l.id])) };
    if (keep.has(link.id)) names['#new'] = link.id;
    return {
      set: keep.has(link.id) ? ', #recent.#new = :link' : '',
      remove: leaving.length ? ` REMOVE ${leaving.map((_, i) => `#recent.#old${i}`).join(', ')}` : '',
      condition: ' AND attribute_exists(#recent)',
      names,
      values: keep.has(link.id) ? { ':link': recentValue(link) } : {},
    };
  }
  if (!fromHistory) return none;
  return {
    ...none,
    set: ', #recent = :recent',
    condition: ' AND attribute_not_exists(#recent)',
    names: { '#recent': 'recent_links' },
    values: { ':recent': recentMap(newestLinks([link, ...fromHistory.filter((l) => l.id !== link.id)])) },
  };
}

/**
 * Transaction part of a revert: the counters rewritten from the member's history without the
 * reverted award (so a count the previous system never kept, or one that drifted, comes out
 * right), only if the count is still what was read. The newest links the item keeps show the
 * award reverted if they hold it; an item that keeps none gets them from `recentHistory` (their
 * history's newest, the reverted one marked), only while it still has none.
 */
export function revertItem(tableName: string, member: Member, after: Counters, now: string, reverted: string, recentHistory: RecentLink[]): TransactWriteItem {
  const set = ['links_received = :n', 'updated_at = :now'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':n': after.links_received, ':now': now };
  const names: Record<string, string> = {};
  const conditions = ['attribute_exists(discord_id)'];
  if (member.recent?.some((r) => r.id === reverted)) {
    set.push('#recent.#reverted.reverted = :true');
    conditions.push('attribute_exists(#recent.#reverted)');
    Object.assign(names, { '#recent': 'recent_links', '#reverted': reverted });
    values[':true'] = true;
  } else if (!member.recent) {
    set.push('#recent = :recent');
    conditions.push('attribute_not_exists(#recent)');
    names['#recent'] = 'recent_links';
    values[':recent'] = recentMap(newestLinks(recentHistory).map((l) => (l.id === reverted ? { ...l, reverted: true } : l)));
  }
  if (after.last_link_at) {
    set.push('last_link_at = :last');
    values[':last'] = after.last_link_at;
  } else remove.push('last_link_at');
  for (const q of QUALITIES) {
    if (after.awards[q].length) {
      set.push(`${AWARDS_ATTRIBUTE[q]} = :${q}`);
      values[`:${q}`] = awardLog(after.awards[q]);
    } else remove.push(AWARDS_ATTRIBUTE[q]);
  }
  if (member.counters) {
    // The logs are written whole: only over the item as read (an award and a revert in between leave the count, not updated_at).
    conditions.push('links_received = :seen');
    values[':seen'] = member.counters.links_received;
    if (member.storedUpdatedAt !== undefined) {
      conditions.push('updated_at = :seenAt');
      values[':seenAt'] = member.storedUpdatedAt;
    } else conditions.push('attribute_not_exists(updated_at)');
  } else conditions.push('attribute_not_exists(links_received)');
  return {
    Update: {
      TableName: tableName,
      Key: { discord_id: member.discord_id },
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Adds the counters an item lacks (the previous system kept none), and its newest links, leaving
 * every attribute it has untouched: for `check:data --fix`, while the previous system may still
 * read the table.
 */
export async function addMissingCounters(db: DynamoDBDocumentClient, tableName: string, member: Member, history: { counters: Counters; recent: RecentLink[] }, dryRun: boolean): Promise<boolean> {
  if (member.counters) return false;
  if (dryRun) return true;
  const derived = history.counters;
  const sets = QUALITIES.filter((q) => derived.awards[q].length > 0);
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: [
          `SET links_received = :n, recent_links = if_not_exists(recent_links, :recent)${derived.last_link_at ? ', last_link_at = if_not_exists(last_link_at, :last)' : ''}`,
          sets.length ? `ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}` : '',
        ].join(' '),
        ConditionExpression: 'attribute_exists(discord_id) AND attribute_not_exists(links_received)',
        ExpressionAttributeValues: {
          ':n': derived.links_received,
          ':recent': recentMap(newestLinks(history.recent)),
          ...(derived.last_link_at ? { ':last': derived.last_link_at } : {}),
          ...Object.fromEntries(sets.map((q) => [`:${q}`, awardLog(derived.awards[q])])),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * The qualities whose award log a member item keeping counters lacks although their history
 * holds awards of it (a member copied by migrate:legacy kept a count but no logs): without the
 * log, `fewest` and `longest` count them as never served.
 */
export function missingAwardLogs(member: Member, derived: Counters): Quality[] {
  if (!member.counters) return [];
  return QUALITIES.filter((q) => derived.awards[q].length > 0 && member.counters!.awards[q].length === 0);
}

/**
 * Adds the award logs (and last link) a member item keeping counters lacks, from their history
 * (`derived`), only where absent and only while no award or revert changed the item since it
 * was read (its count is as read): for `check:data --fix` and the migration. Returns the
 * qualities added.
 */
export async function addMissingAwardLogs(db: DynamoDBDocumentClient, tableName: string, member: Member, derived: Counters): Promise<Quality[]> {
  const absent = missingAwardLogs(member, derived);
  if (!absent.length || !member.counters) return [];
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `${derived.last_link_at ? 'SET last_link_at = if_not_exists(last_link_at, :last) ' : ''}ADD ${absent.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}`,
        ConditionExpression: `links_received = :seen AND ${absent.map((q) => `attribute_not_exists(${AWARDS_ATTRIBUTE[q]})`).join(' AND ')}`,
        ExpressionAttributeValues: {
          ':seen': member.counters.links_received,
          ...(derived.last_link_at ? { ':last': derived.last_link_at } : {}),
          ...Object.fromEntries(absent.map((q) => [`:${q}`, awardLog(derived.awards[q])])),
        },
      }),
    );
    return absent;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return [];
    throw error;
  }
}

/** Adds the newest links an item lacks, from its history, unless something wrote them first (`check:data --fix`). */
export async function addMissingRecent(db: DynamoDBDocumentClient, tableName: string, member: Member, recent: RecentLink[]): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: 'SET recent_links = :recent',
        ConditionExpression: 'attribute_exists(discord_id) AND attribute_not_exists(recent_links)',
        ExpressionAttributeValues: { ':recent': recentMap(newestLinks(recent)) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * An award fulfils the winner's want of its type (docs: wants): the type leaves `wants` in the
 * award's update. Conditioned on `wants` still being as read, so the wants counts kept beside it
 * (`fulfilled`: one fewer) never drift when a /want change races the award.
 */
export function wantFulfilled(member: Member, linkType: string): { fulfilled: boolean; update: string; condition: string; values: Record<string, unknown> } {
  const fulfilled = member.wants.includes(linkType);
  return fulfilled
    ? { fulfilled, update: ' DELETE wants :want', condition: ' AND contains(wants, :wantType)', values: { ':want': new Set([linkType]), ':wantType': linkType } }
    : { fulfilled, update: '', condition: ' AND NOT contains(wants, :wantType)', values: { ':wantType': linkType } };
}

/**
 * An award's member update that also pays a debt: the debt leaves in the same write, and must still
 * be there (two draws paying one debt at once: the second is refused, nothing written).
 */
function withDebtCleared(item: TransactWriteItem, key: DebtKey | undefined, stored: boolean): TransactWriteItem {
  if (!key || !item.Update) return item;
  const update = item.Update;
  const expression = update.UpdateExpression ?? '';
  if (!stored) {
    // The debt is the previous system's `compensation_owed` (left as it is): paid, the item keeps
    // an empty `debts`, so it is no longer read as owed; only while it still has none.
    return {
      Update: {
        ...update,
        UpdateExpression: expression.replace(/^SET /, 'SET #debts = :nodebts, '),
        ConditionExpression: `${update.ConditionExpression} AND attribute_not_exists(#debts)`,
        ExpressionAttributeNames: { ...(update.ExpressionAttributeNames ?? {}), '#debts': 'debts' },
        ExpressionAttributeValues: { ...(update.ExpressionAttributeValues ?? {}), ':nodebts': {} },
      },
    };
  }
  const remove = '#debts.#debt';
  // One REMOVE clause per expression: join the award's own, if it has one.
  const merged = / REMOVE /.test(expression) ? expression.replace(' REMOVE ', ` REMOVE ${remove}, `) : `${expression} REMOVE ${remove}`;
  return {
    Update: {
      ...update,
      UpdateExpression: merged,
      ConditionExpression: `${update.ConditionExpression} AND attribute_exists(#debts.#debt)`,
      ExpressionAttributeNames: { ...(update.ExpressionAttributeNames ?? {}), '#debts': 'debts', '#debt': key },
    },
  };
}

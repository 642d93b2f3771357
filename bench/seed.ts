/**
 * Seeds a guild of a given size in bulk (BatchWriteItem), in exactly the forms the services write:
 * members with their counters and award logs, confirmed award records, their handed-out links,
 * available stock, an active list with its guard, and the history markers (`#history`,
 * `#history#YYYY-MM`, `#wants`). Going through the draw flow would take hours for 50,000 awards;
 * `verifySample` (bench/seed-check.ts) then reads a sample back through the services to show the
 * two agree. Open draws are seeded by bench/seed-open.ts.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableKind } from '../src/db/schema';
import { LINK_TYPES } from '../src/domain/catalog';
import { addDays, utcDay } from '../src/domain/dates';
import { DRAW_TTL_MS } from '../src/domain/draw';
import { newLinkId } from '../src/domain/link-ids';
import type { Quality } from '../src/domain/ranks';
import { monthMarker, TOP_MARKER, WANTS_MARKER } from '../src/services/history-index';
import { AWARDS_KEPT, RECENT_LINKS, recentMap } from '../src/services/member-items';

/** The fairness window of a guild on the defaults (FAIRNESS_WINDOW_DAYS). */
const FAIRNESS_WINDOW_DAYS = 180;

export interface GuildSize {
  label: string;
  members: number;
  awards: number;
  /**
   * "Years of a guild": the history spans this many years (default: two), a share of
   * the awards was never marked delivered (default: only the newest few), and there are ended
   * (cancelled or expired) draws, closed lists and members away, as the services write them.
   */
  years?: number;
  undeliveredShare?: number;
  endedDraws?: number;
  closedLists?: number;
  awayShare?: number;
}

/** Ten years of a 300-member guild, and its first year at the same pace. */
export const YEAR_10: GuildSize = { label: 'year 10', members: 300, awards: 40_000, years: 10, undeliveredShare: 0.3, endedDraws: 8_000, closedLists: 120, awayShare: 0.1 };
export const YEAR_1: GuildSize = { label: 'year 1', members: 300, awards: 4_000, years: 1, undeliveredShare: 0.3, endedDraws: 800, closedLists: 12, awayShare: 0.1 };

export interface SeededMember {
  id: string;
  username: string;
  joinDate: string;
  officer: boolean;
  awards: { at: string; id: string; quality: Quality; linkType: string }[];
  wants: string[];
}

export interface SeededAward {
  id: string;
  memberId: string;
  quality: Quality;
  linkId: string;
  at: string;
  delivered: boolean;
}

export interface SeededGuild {
  members: SeededMember[];
  /** Members who may receive gold (Sages and officers): every award went to one of them. */
  sages: SeededMember[];
  /** Scholars and Sages not on the silver list (whom /list add can add). */
  notListed: SeededMember[];
  /** Oldest first. */
  awards: SeededAward[];
  stock: Record<Quality, string[]>;
  silverListId: string;
  officerId: string;
}

/** Awards stay undelivered only for the newest few, as in a guild that hands links over. */
export const UNDELIVERED_AWARDS = 20;
/** Available stock, the same at every size: the roster and the history grow, the stock does not. */
// Gold: enough for the Confirm scenario and the /deliveries one after it (each its runs, burst and capacity runs).
const STOCK: Record<Quality, number> = { gold: 320, silver: 150, bronze: 150 };
const HISTORY_DAYS = 720;
const BATCH = 25;
const PARALLEL_BATCHES = 8;

/** A small deterministic generator, so two runs seed the same guild. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const memberId = (i: number) => String(300000000000000000n + BigInt(i));

export async function seedGuild(db: DynamoDBDocumentClient, tables: Record<TableKind, string>, size: GuildSize, now: Date, officerId: string): Promise<SeededGuild> {
  const rng = random(size.members * 7 + size.awards);
  const today = utcDay(now);
  const historyDays = size.years ? Math.round(size.years * 365) : HISTORY_DAYS;

  // Members: a tenth too new for anything, a fifth Scholars, the rest Sages; one in fifty an officer.
  // Sages joined before the oldest award, so every award went to someone eligible then.
  const members: SeededMember[] = Array.from({ length: size.members }, (_, i) => {
    const band = i % 10;
    const days = band === 0 ? 10 : band <= 2 ? 30 + Math.floor(rng() * 60) : historyDays + 30 + Math.floor(rng() * 800);
    const wants = rng() < 0.1 ? [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, LINK_TYPES).name))] : [];
    return { id: memberId(i), username: `member${i}`, joinDate: addDays(today, -days), officer: i % 50 === 1, awards: [], wants };
  });
  const sages = members.filter((m, i) => i % 10 >= 3 || m.officer);

  // Awards, evenly over the last two years, oldest first; each with the link it handed out.
  const start = now.getTime() - historyDays * 86_400_000;
  const step = (historyDays * 86_400_000) / size.awards;
  const awards: SeededAward[] = [];
  const records: Record<string, unknown>[] = [];
  const links: Record<string, unknown>[] = [];
  for (let k = 0; k < size.awards; k++) {
    const at = new Date(start + k * step + rng() * step * 0.9);
    const roll = rng();
    const quality: Quality = roll < 0.5 ? 'bronze' : roll < 0.85 ? 'silver' : 'gold';
    const winner = pick(rng, sages);
    const type = pick(rng, LINK_TYPES);
    const id = `dist_${randomUUID()}`;
    const linkId = newLinkId(quality, type.name, at.getTime() - 86_400_000);
    const delivered = size.undeliveredShare !== undefined ? rng() >= size.undeliveredShare : k < size.awards - UNDELIVERED_AWARDS;
    const drawnAt = new Date(at.getTime() - 30_000);
    const pool = [winner.id, ...Array.from({ length: 9 }, () => pick(rng, sages).id)].filter((v, i, all) => all.indexOf(v) === i);
    winner.awards.push({ at: at.toISOString(), id, quality, linkType: type.name });
    awards.push({ id, memberId: winner.id, quality, linkId, at: at.toISOString(), delivered });
    // What a draw writes when started (DrawsService.newRecord), then what Confirm sets.
    records.push({
      distribution_id: id,
      status: 'confirmed',
      version: 2,
      method: 'discord',
      link_id: linkId,
      link_type: type.name,
      quality,
      bonus: type.bonus[quality],
      pool,
      pool_size: pool.length,
      left_out: { away: 0, too_new: Math.floor(size.members / 10), unreadable: 0 },
      policy: 'uniform',
      wanting: [],
      winner_id: winner.id,
      winner_username: winner.username,
      named: false,
      drawn_before: [],
      rerolled_by: [],
      drawn_by: officerId,
      drawn_at: drawnAt.toISOString(),
      expires_at: new Date(drawnAt.getTime() + DRAW_TTL_MS).toISOString(),
      member_id: winner.id,
      member_username: winner.username,
      distributed_by: officerId,
      distributed_at: at.toISOString(),
      distribution_date: utcDay(at),
      ...(delivered ? { delivered_at: new Date(at.getTime() + 3_600_000).toISOString(), delivered_by: officerId } : {}),
    });
    links.push({
      link_id: linkId,
      link_type: type.name,
      quality,
      category: type.category,
      bonus: type.bonus[quality],
      is_available: 'false',
      added_by: officerId,
      added_date: new Date(at.getTime() - 86_400_000).toISOString(),
      distribution_id: id,
    });
  }

  // Ended draws, as the draws service ends them (DrawCore.end): cancelled or expired, dated when they ended.
  const ended: Record<string, unknown>[] = [];
  for (let k = 0; k < (size.endedDraws ?? 0); k++) {
    const at = new Date(start + rng() * historyDays * 86_400_000);
    const drawnAt = new Date(at.getTime() - (rng() < 0.5 ? 60_000 : DRAW_TTL_MS));
    const drawn = Math.floor(rng() * awards.length);
    const of = awards[drawn];
    const type = LINK_TYPES.find((t) => records[drawn].link_type === t.name)!;
    const winner = pick(rng, sages);
    const pool = [winner.id, ...Array.from({ length: 9 }, () => pick(rng, sages).id)].filter((v, i, all) => all.indexOf(v) === i);
    const cancelled = rng() < 0.5;
    ended.push({
      distribution_id: `dist_${randomUUID()}`,
      status: cancelled ? 'cancelled' : 'expired',
      version: 2,
      method: 'discord',
      link_id: of.linkId,
      link_type: type.name,
      quality: of.quality,
      bonus: type.bonus[of.quality],
      pool,
      pool_size: pool.length,
      left_out: { away: 0, too_new: Math.floor(size.members / 10), unreadable: 0 },
      policy: 'uniform',
      wanting: [],
      winner_id: winner.id,
      winner_username: winner.username,
      named: false,
      drawn_before: [],
      rerolled_by: [],
      drawn_by: officerId,
      drawn_at: drawnAt.toISOString(),
      expires_at: new Date(drawnAt.getTime() + DRAW_TTL_MS).toISOString(),
      distributed_at: at.toISOString(),
      distribution_date: utcDay(at),
      ...(cancelled ? { ended_by: officerId } : {}),
    });
  }

  const stock: Record<Quality, string[]> = { gold: [], silver: [], bronze: [] };
  for (const quality of ['gold', 'silver', 'bronze'] as Quality[]) {
    for (let i = 0; i < STOCK[quality]; i++) {
      const type = pick(rng, LINK_TYPES);
      const added = new Date(now.getTime() - (60 - (i * 60) / STOCK[quality]) * 86_400_000);
      const linkId = newLinkId(quality, type.name, added.getTime());
      stock[quality].push(linkId);
      links.push({ link_id: linkId, link_type: type.name, quality, category: type.category, bonus: type.bonus[quality], is_available: 'true', added_by: officerId, added_date: added.toISOString() });
    }
  }

  // Members as MembersService.add writes them, with the counters, logs and newest links awards add.
  const memberItems = members.map((m) => {
    const last = m.awards.length ? m.awards[m.awards.length - 1].at : undefined;
    const logs = Object.fromEntries(
      (['bronze', 'silver', 'gold'] as Quality[]).flatMap((q) => {
        // As the bot keeps them: those in the default fairness window and the newest, at most
        // AWARDS_KEPT (m.awards is oldest first).
        const ofQuality = m.awards.filter((a) => a.quality === q);
        const windowStart = new Date(now.getTime() - FAIRNESS_WINDOW_DAYS * 86_400_000).toISOString();
        const entries = ofQuality.filter((a, i) => a.at >= windowStart || i === ofQuality.length - 1).slice(-AWARDS_KEPT).map((a) => `${a.at}|${a.id}`);
        return entries.length ? [[`awards_${q}`, new Set(entries)]] : [];
      }),
    );
    return {
      discord_id: m.id,
      username: m.username,
      join_date: m.joinDate,
      is_officer: m.officer,
      added_by: officerId,
      added_date: new Date(`${m.joinDate}T12:00:00.000Z`).toISOString(),
      updated_at: last ?? now.toISOString(),
      links_received: m.awards.length,
      recent_links: recentMap(m.awards.slice(-RECENT_LINKS).reverse().map((a) => ({ id: a.id, at: a.at, quality: a.quality, link_type: a.linkType }))),
      ...(last ? { last_link_at: last } : {}),
      ...(m.wants.length ? { wants: new Set(m.wants) } : {}),
      ...(size.awayShare && rng() < size.awayShare ? { away_until: addDays(today, 1 + Math.floor(rng() * 60)) } : {}),
      ...logs,
    };
  });

  // A silver list with a few waiting, and the guard that makes it the one active silver list.
  const silverListId = `list_silver_${randomUUID()}`;
  const eligibleForSilver = members.filter((_, i) => i % 10 !== 0);
  const waiting = eligibleForSilver.slice(0, 20).map((m) => m.id);
  const lists: Record<string, unknown>[] = [
    { list_id: `active-guard#silver`, holder: silverListId },
    { list_id: silverListId, list_name: 'Silver queue', quality: 'silver', eligible_members: new Set(waiting), created_by: officerId, created_at: now.toISOString(), is_active: 'true' },
  ];
  // Closed lists of the past years: each served some and left some waiting.
  for (let k = 0; k < (size.closedLists ?? 0); k++) {
    const quality = pick(rng, ['gold', 'silver', 'bronze'] as Quality[]);
    const created = new Date(start + (k / (size.closedLists ?? 1)) * historyDays * 86_400_000);
    const served = [...new Set(Array.from({ length: 10 }, () => pick(rng, sages).id))];
    const left = [...new Set(Array.from({ length: 5 }, () => pick(rng, sages).id))].filter((id) => !served.includes(id));
    lists.push({
      list_id: `list_${quality}_${randomUUID()}`,
      list_name: `${quality} queue ${k + 1}`,
      quality,
      ...(left.length ? { eligible_members: new Set(left) } : {}),
      winners: new Set(served),
      created_by: officerId,
      created_at: created.toISOString(),
      is_active: 'false',
    });
  }

  // The history markers: the top one, one per month, and the wants counts.
  const byMonth = new Map<string, Set<string>>();
  for (const a of [...awards, ...ended.map((e) => ({ at: String(e.distributed_at), quality: e.quality as Quality }))]) {
    const day = a.at.slice(0, 10);
    const set = byMonth.get(day.slice(0, 7)) ?? new Set<string>();
    set.add(day).add(`${day}#${a.quality}`);
    byMonth.set(day.slice(0, 7), set);
  }
  const wantCounts: Record<string, number> = {};
  for (const m of members) for (const w of m.wants) wantCounts[w] = (wantCounts[w] ?? 0) + 1;
  const markers = [
    { distribution_id: TOP_MARKER, first_month: [...byMonth.keys()].sort()[0] ?? now.toISOString().slice(0, 7) },
    ...[...byMonth].map(([month, days]) => ({ distribution_id: monthMarker(month), days })),
    { distribution_id: WANTS_MARKER, counts: wantCounts },
  ];

  await putAll(db, tables.members, memberItems);
  await putAll(db, tables.inventory, links);
  await putAll(db, tables.distributions, [...records, ...ended, ...markers]);
  await putAll(db, tables.lists, lists);

  return {
    members,
    sages,
    notListed: eligibleForSilver.filter((m) => !waiting.includes(m.id)),
    awards,
    stock,
    silverListId,
    officerId,
  };
}

/** BatchWriteItem in 25s, a few batches at a time; unprocessed items are sent again (bounded). */
export async function putAll(db: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      let requests = batches[b].map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length; attempt++) {
        if (attempt === 10) throw new Error(`seeding ${table}: items still unprocessed after 10 attempts`);
        if (attempt) await new Promise((r) => setTimeout(r, 50 * attempt));
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
}

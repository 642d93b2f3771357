/** Reads a seeded guild (bench/seed.ts) back through the services, to show the two agree. */
import { UNDELIVERED_WINDOW_DAYS } from '../src/services/awards';
import { recentFromHistory } from '../src/services/distribution-record';
import type { Services } from '../src/services';
import type { SeededGuild } from './seed';

/**
 * Reads a sample back through the services and throws at the first disagreement: each sampled
 * member's counters and history, the newest award first in guild-wide history and in /revert's
 * suggestions, and the undelivered awards.
 */
export async function verifySample(services: Services, guild: SeededGuild): Promise<string[]> {
  const checked: string[] = [];
  const fail = (what: string): never => {
    throw new Error(`the seeded guild does not read back as seeded: ${what}`);
  };
  const busiest = [...guild.sages].sort((a, b) => b.awards.length - a.awards.length)[0];
  for (const m of [busiest, guild.sages[0], guild.sages[Math.floor(guild.sages.length / 2)]]) {
    const counted = await services.roster.get(m.id);
    if (!counted || counted.counters.links_received !== m.awards.length) return fail(`${m.username} has ${counted?.counters.links_received} links, seeded ${m.awards.length}`);
    if (counted.counters.last_link_at !== m.awards.at(-1)?.at) fail(`${m.username}'s last link is ${counted.counters.last_link_at}`);
    const history = await services.distributions.memberRecords(m.id);
    if (history.length !== m.awards.length) fail(`${m.username} has ${history.length} records in member-date-index`);
    const page = await services.distributions.forMember(m.id, { limit: 5 });
    if (page.items[0]?.distribution_id !== m.awards.at(-1)?.id) fail(`${m.username}'s newest record is ${page.items[0]?.distribution_id}`);
    if (JSON.stringify(counted.recent) !== JSON.stringify(recentFromHistory(history))) fail(`${m.username}'s newest links on the item are not those of their history`);
    checked.push(`${m.username}: ${m.awards.length} links`);
  }
  const newest = guild.awards.at(-1)!;
  const guildWide = await services.distributions.guildWide({ limit: 10 });
  if (guildWide.items[0]?.distribution_id !== newest.id) fail(`guild-wide history starts with ${guildWide.items[0]?.distribution_id}`);
  const recent = await services.distributions.recentAwards();
  if (recent[0]?.distribution_id !== newest.id) fail('the newest award is not first among /revert suggestions');
  const undelivered = await services.awards.undelivered();
  const since = new Date(services.distributions.now().getTime() - (UNDELIVERED_WINDOW_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const expected = guild.awards.filter((a) => !a.delivered && a.at.slice(0, 10) >= since).length;
  if (undelivered.length !== expected) fail(`${undelivered.length} awards read as undelivered, ${expected} seeded in the last ${UNDELIVERED_WINDOW_DAYS} days`);
  checked.push(`guild-wide history and /revert suggestions start with the newest award; ${undelivered.length} undelivered`);
  return checked;
}

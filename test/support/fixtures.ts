/**
 * Seeding helpers for storage tests. Awards are made the way the bot makes them (a draw naming
 * the winner, then Confirm), so every table and marker is as a real award leaves it; `at` fixes
 * when, on a clock of its own. What they write stands for the past: in AWS-rules mode the lagging
 * replica catches up with it at once (dynamo-proxy.ts).
 */
import { findLinkType } from '../../src/domain/catalog';
import type { Quality } from '../../src/domain/ranks';
import type { Distribution } from '../../src/services/distribution-record';
import type { Link } from '../../src/services/inventory';
import type { CountedMember } from '../../src/services/member-items';
import { createServices, type Services } from '../../src/services';
import type { TestStorage } from './dynamo';
import { DynamoProxy } from './dynamo-proxy';

let nextId = 200000000000000000n;
/** A fresh Discord-like id (snowflake-shaped) per call. */
export const snowflake = () => String(nextId++);

export async function seedMember(services: Services, extra: { discord_id?: string; username?: string; join_date?: string; is_officer?: boolean } = {}): Promise<CountedMember> {
  const result = await services.members.add({
    discord_id: extra.discord_id ?? snowflake(),
    username: extra.username ?? 'member',
    join_date: extra.join_date ?? '2020-01-01',
    is_officer: extra.is_officer ?? false,
    added_by: 'seed',
  });
  if (!result.ok) throw new Error('seed member exists');
  await DynamoProxy.catchUpAll();
  return result.member;
}

export async function seedLink(services: Services, quality: Quality = 'gold', typeName = 'Damage on Ships', count = 1): Promise<Link[]> {
  const type = findLinkType(typeName)!;
  const { links } = await services.inventory.add({ link_type: type.name, quality, category: type.category, bonus: type.bonus[quality], count, added_by: 'seed' });
  await DynamoProxy.catchUpAll();
  return links;
}

export interface SeedAward {
  memberId: string;
  quality?: Quality;
  linkType?: string;
  listId?: string;
  /** When the award is made (default: now, by the storage's clock when it has one). */
  at?: Date;
  by?: string;
}

/** An award made as the bot makes it: a draw naming the winner, confirmed. Throws if refused. */
export async function seedAward(storage: Pick<TestStorage, 'db' | 'tables' | 'clock'>, award: SeedAward): Promise<Distribution> {
  // Now by the storage's clock, so an award seeded without a time is dated on the test's day.
  const at = award.at ?? storage.clock?.now() ?? new Date();
  const services = createServices(storage.db, storage.tables, { now: () => at });
  const by = award.by ?? 'seed-officer';
  await DynamoProxy.catchUpAll();
  const started = await services.draws.start({ quality: award.quality ?? 'gold', linkType: award.linkType, memberId: award.memberId, listId: award.listId, by, method: 'discord' });
  if (!started.ok) throw new Error(`seedAward: the draw was refused (${started.reason})`);
  const confirmed = await services.draws.confirm(started.draw.distribution_id, by, started.draw.version, 'seed');
  if (confirmed.outcome !== 'awarded') throw new Error(`seedAward: not awarded (${JSON.stringify(confirmed)})`);
  await DynamoProxy.catchUpAll();
  return confirmed.draw;
}

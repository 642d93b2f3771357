import { randomUUID } from 'node:crypto';
import { findLinkType } from '../../src/domain/catalog';
import type { Quality } from '../../src/domain/ranks';
import type { AwardInput } from '../../src/services/awards';
import type { Link } from '../../src/services/inventory';
import type { Member } from '../../src/services/members';
import type { Services } from '../../src/services';

let nextId = 200000000000000000n;
/** A fresh Discord-like id (snowflake-shaped) per call. */
export const snowflake = () => String(nextId++);

export async function seedMember(services: Services, extra: Partial<Member> = {}): Promise<Member> {
  const result = await services.members.add({
    discord_id: extra.discord_id ?? snowflake(),
    username: extra.username ?? 'member',
    join_date: extra.join_date ?? '2025-01-01',
    is_officer: extra.is_officer ?? false,
    added_by: 'seed',
  });
  if (!result.ok) throw new Error('seed member exists');
  return result.member;
}

export async function seedLink(services: Services, quality: Quality = 'gold', typeName = 'Damage on Ships', count = 1): Promise<Link[]> {
  const type = findLinkType(typeName)!;
  return services.inventory.add({ link_type: type.name, quality, category: type.category, bonus: type.bonus[quality], count, added_by: 'seed' });
}

export function awardInput(link: Link, winner: Member, extra: Partial<AwardInput> = {}): AwardInput {
  return {
    draftId: randomUUID(),
    link,
    winner,
    poolSize: 1,
    drawnBefore: [],
    distributedBy: 'officer',
    at: new Date(),
    ...extra,
  };
}

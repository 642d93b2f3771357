import { newLinkId, sanitizeLinkType } from '../../src/domain/link-ids';
import { LINK_TYPES } from '../../src/domain/catalog';

describe('link ids', () => {
  it('sanitizes spaces, slashes, dashes and percent signs', () => {
    expect(sanitizeLinkType('Bard Reset/Break Ignore Chance')).toBe('Bard_Reset_Break_Ignore_Chance');
    expect(sanitizeLinkType('Damage-to %Creatures')).toBe('Damage_to_pctCreatures');
    expect(sanitizeLinkType("Fisher's (Rare) Luck!")).toBe('Fishers_Rare_Luck');
  });

  it('builds {quality}_{type}_{suffix} ids of only safe characters for every catalog type', () => {
    for (const type of LINK_TYPES) {
      const id = newLinkId('gold', type.name);
      expect(id).toMatch(/^gold_[A-Za-z0-9_]+_[a-z0-9]+$/);
      expect(id.startsWith(`gold_${sanitizeLinkType(type.name)}_`)).toBe(true);
    }
  });

  it('stays unique for 50 links of one type in the same millisecond', () => {
    const now = Date.UTC(2026, 10, 25);
    const ids = Array.from({ length: 50 }, () => newLinkId('bronze', 'Damage on Ships', now));
    expect(new Set(ids).size).toBe(50);
  });
});

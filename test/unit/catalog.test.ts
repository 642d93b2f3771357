import { LINK_TYPES, editDistance, findLinkType, suggestLinkTypes } from '../../src/domain/catalog';

describe('link catalog', () => {
  it('holds the shared catalog with a bonus for every quality', () => {
    expect(LINK_TYPES.length).toBeGreaterThan(80);
    for (const type of LINK_TYPES) {
      expect(type.name.trim()).toBe(type.name);
      expect(Object.keys(type.bonus).sort()).toEqual(['bronze', 'gold', 'silver']);
    }
    expect(new Set(LINK_TYPES.map((t) => t.name.toLowerCase())).size).toBe(LINK_TYPES.length);
  });

  it('finds types case-insensitively', () => {
    expect(findLinkType('damage on ships')?.name).toBe('Damage on Ships');
    expect(findLinkType('  DAMAGE   ON SHIPS ')?.bonus.gold).toBe('4.50%');
    expect(findLinkType('Damage on Shipz')).toBeUndefined();
  });

  it('suggests the closest names, prefix matches first, typos tolerated, at most 25', () => {
    expect(suggestLinkTypes('damage on sh')[0].name).toBe('Damage on Ships');
    expect(suggestLinkTypes('ship cannon').map((t) => t.name)).toContain('Ship Cannon Damage');
    expect(suggestLinkTypes('Damage on Shipz')[0].name).toBe('Damage on Ships');
    expect(suggestLinkTypes('').length).toBe(25);
    expect(suggestLinkTypes('d').length).toBeLessThanOrEqual(25);
    expect(suggestLinkTypes('qqqqqqqqqqqq')).toEqual([]);
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

import { buildCustomId, parseCustomId } from '../../src/bot/custom-ids';
import { DraftStore } from '../../src/bot/drafts';
import type { Link } from '../../src/services/inventory';

describe('custom ids', () => {
  it('round-trip <command>:<action>:<args>', () => {
    const id = buildCustomId('distribute', 'confirm', '6f1c1e0e-9f6a-4a53-8f7e-1d2b3c4d5e6f');
    expect(id).toBe('distribute:confirm:6f1c1e0e-9f6a-4a53-8f7e-1d2b3c4d5e6f');
    expect(parseCustomId(id)).toEqual({ command: 'distribute', action: 'confirm', args: ['6f1c1e0e-9f6a-4a53-8f7e-1d2b3c4d5e6f'] });
    expect(parseCustomId('member:page:all:2')).toEqual({ command: 'member', action: 'page', args: ['all', '2'] });
  });

  it('refuse ids over 100 characters and parts with separators or spaces', () => {
    expect(() => buildCustomId('history', 'page', 'x'.repeat(90))).toThrow(/Discord allows 100/);
    expect(() => buildCustomId('member', 'remove', 'a:b')).toThrow(RangeError);
    expect(parseCustomId('not a flavaflav id')).toBeNull();
    expect(parseCustomId('member')).toBeNull();
    expect(parseCustomId(`a:b:${'x'.repeat(100)}`)).toBeNull();
  });
});

describe('draft store', () => {
  const link = { link_id: 'gold_x_1' } as Link;
  const fields = { quality: 'gold' as const, link, pool: ['1'], drawn: ['1'], named: false, createdBy: 'o' };

  it('forgets drafts older than their lifetime and finished ones', () => {
    let now = 0;
    const store = new DraftStore(1000, () => now);
    const a = store.create(fields);
    const b = store.create(fields);
    expect(store.get(a.id)).toBe(a);
    store.finish(b.id);
    expect(store.get(b.id)).toBeUndefined();
    now = 1001;
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get('unknown')).toBeUndefined();
  });
});

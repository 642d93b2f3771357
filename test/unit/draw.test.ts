import { candidatesFor, decideCancel, decideConfirm, decideExpire, decideReroll, drawWinner, isClaimStale, MAX_REROLLS, pickWinner, statsFromAwards, type DrawState } from '../../src/domain/draw';

const t0 = new Date('2026-11-25T12:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const state = (extra: Partial<DrawState> = {}): DrawState => ({
  status: 'drawn',
  version: 3,
  winnerId: 'a',
  named: false,
  expiresAt: at(15 * 60_000).toISOString(),
  ...extra,
});

describe('the draw: which change a draw accepts', () => {
  it('rerolls an open draw shown at its current version; refuses a stale view, a named draw and an ended one', () => {
    expect(decideReroll(state(), 3, t0)).toEqual({ ok: true });
    expect(decideReroll(state(), 2, t0)).toEqual({ ok: false, reason: 'changed', version: 3 });
    expect(decideReroll(state({ named: true }), 3, t0)).toEqual({ ok: false, reason: 'named' });
    for (const status of ['confirmed', 'cancelled', 'expired', 'reverted'] as const) {
      expect(decideReroll(state({ status }), 3, t0)).toEqual({ ok: false, reason: 'ended', status });
      expect(decideCancel(state({ status }), t0)).toEqual({ ok: false, reason: 'ended', status });
      expect(decideConfirm(state({ status }), 3, t0)).toEqual({ ok: false, reason: 'ended', status });
    }
  });

  it('refuses Reroll and Cancel while an award may be in flight, and lets Confirm retry that very award', () => {
    const claimed = state({ confirm: { at: t0.toISOString(), startedAt: t0.toISOString() } });
    expect(decideReroll(claimed, 3, at(1000))).toEqual({ ok: false, reason: 'confirming' });
    expect(decideCancel(claimed, at(1000))).toEqual({ ok: false, reason: 'confirming' });
    expect(decideConfirm(claimed, 3, at(1000))).toEqual({ ok: true, retry: true });
    // Even shown at an older version: the stored claim is what is retried.
    expect(decideConfirm(claimed, 1, at(1000))).toEqual({ ok: true, retry: true });
  });

  it('finishes a claimed award past the 15 minutes only while it may be in flight; a dead claim is released by Reroll and Cancel', () => {
    const late = state({ confirm: { at: at(14.9 * 60_000).toISOString(), startedAt: at(14.9 * 60_000).toISOString() } });
    expect(decideConfirm(late, 1, at(15.2 * 60_000))).toEqual({ ok: true, retry: true });
    // A claim found long after (a process that died): the draw is overdue, and Confirm refuses it.
    const dead = state({ confirm: { at: t0.toISOString(), startedAt: t0.toISOString() } });
    expect(decideConfirm(dead, 3, at(20 * 60_000))).toEqual({ ok: false, reason: 'expired' });
    // Past the in-flight time, before expiry: Reroll and Cancel go on (their write releases it).
    expect(decideReroll(dead, 3, at(2 * 60_000))).toEqual({ ok: true });
    expect(decideCancel(dead, at(2 * 60_000))).toEqual({ ok: true });
    expect(isClaimStale(dead, at(2 * 60_000))).toBe(true);
  });

  it('allows at most MAX_REROLLS rerolls of one draw (the record stays bounded)', () => {
    expect(decideReroll(state({ rerolls: MAX_REROLLS - 1 }), 3, t0)).toEqual({ ok: true });
    expect(decideReroll(state({ rerolls: MAX_REROLLS }), 3, t0)).toEqual({ ok: false, reason: 'reroll_limit' });
  });

  it('expires only after 15 minutes, and not while a claimed award may still be in flight', () => {
    expect(decideExpire(state(), at(15 * 60_000 - 1)).ok).toBe(false);
    expect(decideExpire(state(), at(15 * 60_000))).toEqual({ ok: true });
    const claimedLate = state({ confirm: { at: at(14 * 60_000 + 59_000).toISOString(), startedAt: at(14 * 60_000 + 59_000).toISOString() } });
    expect(decideExpire(claimedLate, at(15 * 60_000 + 5_000))).toEqual({ ok: false, reason: 'confirming' });
    expect(decideExpire(claimedLate, at(16 * 60_000))).toEqual({ ok: true });
    expect(decideExpire(state({ status: 'confirmed' }), at(20 * 60_000))).toEqual({ ok: false, reason: 'ended', status: 'confirmed' });
  });

  it('answers a press on an overdue draw "expired" (the caller then marks it so)', () => {
    expect(decideReroll(state(), 3, at(15 * 60_000))).toEqual({ ok: false, reason: 'expired' });
    expect(decideCancel(state(), at(16 * 60_000))).toEqual({ ok: false, reason: 'expired' });
    expect(decideConfirm(state(), 3, at(16 * 60_000))).toEqual({ ok: false, reason: 'expired' });
    expect(decideConfirm(state(), 3, at(60_000))).toEqual({ ok: true, retry: false });
    expect(decideConfirm(state(), 2, at(60_000))).toEqual({ ok: false, reason: 'changed', version: 3 });
  });
});

describe('the draw: who may be picked', () => {
  const stats = new Map([
    ['a', { count: 2, last: '2026-10-01T00:00:00.000Z' }],
    ['b', { count: 0 }],
    ['c', { count: 1, last: '2026-06-01T00:00:00.000Z' }],
    ['d', { count: 0 }],
  ]);
  const pool = ['a', 'b', 'c', 'd'];

  it('uniform keeps everyone; fewest keeps the fewest links; longest keeps those never served, then the oldest last link', () => {
    expect(candidatesFor({ pool, wanting: new Set(), policy: 'uniform', stats }).among).toEqual(pool);
    expect(candidatesFor({ pool, wanting: new Set(), policy: 'fewest', stats }).among).toEqual(['b', 'd']);
    expect(candidatesFor({ pool, wanting: new Set(), policy: 'longest', stats }).among).toEqual(['b', 'd']);
    expect(candidatesFor({ pool: ['a', 'c'], wanting: new Set(), policy: 'longest', stats }).among).toEqual(['c']);
    expect(candidatesFor({ pool: ['a', 'c'], wanting: new Set(), policy: 'fewest', stats }).among).toEqual(['c']);
  });

  it('figures: fewest counts the window, longest reads the last link whenever it was', () => {
    const awards = [{ at: '2025-06-01T00:00:00.000Z' }, { at: '2025-10-01T00:00:00.000Z' }, { at: '2026-11-01T00:00:00.000Z' }];
    expect(statsFromAwards(awards, '2026-06-01T00:00:00.000Z')).toEqual({ count: 1, last: '2026-11-01T00:00:00.000Z' });
    expect(statsFromAwards(awards.slice(0, 2), '2026-06-01T00:00:00.000Z')).toEqual({ count: 0, last: '2025-10-01T00:00:00.000Z' });
    expect(statsFromAwards([], '2026-06-01T00:00:00.000Z')).toEqual({ count: 0 });
    // Served 400 and 200 days ago, and never: never first, then the oldest.
    const stats = new Map([
      ['old', statsFromAwards([{ at: '2025-10-16T00:00:00.000Z' }], '2026-05-24T00:00:00.000Z')],
      ['newer', statsFromAwards([{ at: '2026-05-04T00:00:00.000Z' }], '2026-05-24T00:00:00.000Z')],
      ['never', statsFromAwards([], '2026-05-24T00:00:00.000Z')],
    ]);
    expect(candidatesFor({ pool: ['old', 'newer', 'never'], wanting: new Set(), policy: 'longest', stats }).among).toEqual(['never']);
    expect(candidatesFor({ pool: ['old', 'newer'], wanting: new Set(), policy: 'longest', stats }).among).toEqual(['old']);
  });

  it('draws among those who want the link while any are left, under the same policy, then among the rest', () => {
    expect(candidatesFor({ pool, wanting: new Set(['a', 'c']), policy: 'uniform', stats })).toEqual({ among: ['a', 'c'], wanted: true });
    expect(candidatesFor({ pool, wanting: new Set(['a', 'c']), policy: 'fewest', stats })).toEqual({ among: ['c'], wanted: true });
    expect(candidatesFor({ pool, wanting: new Set(['a', 'c']), policy: 'fewest', stats, exclude: new Set(['a', 'c']) })).toEqual({ among: ['b', 'd'], wanted: false });
    for (let i = 0; i < 50; i++) {
      expect(['a', 'c']).toContain(pickWinner({ pool, wanting: new Set(['a', 'c']), policy: 'uniform', stats, exclude: new Set() })!.winnerId);
    }
  });

  it('never returns someone already drawn, and null when nobody is left', () => {
    for (let i = 0; i < 200; i++) expect(drawWinner(['a', 'b', 'c'], ['a', 'c'])).toBe('b');
    expect(drawWinner(['a', 'b'], ['a', 'b'])).toBeNull();
    expect(drawWinner([])).toBeNull();
  });

  it('counts a duplicated id once', () => {
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) counts[drawWinner(['a', 'a', 'a', 'b']) as 'a' | 'b']++;
    // Uniform over distinct members: each near 2000 (bounds are > 10 standard deviations wide).
    expect(counts.a).toBeGreaterThan(1650);
    expect(counts.b).toBeGreaterThan(1650);
  });

  it('breaks ties uniformly (chi-square, 9 degrees of freedom)', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const counts = new Map(ids.map((id) => [id, 0]));
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const id = pickWinner({ pool: ids, wanting: new Set(), policy: 'fewest', stats: new Map(), exclude: new Set() })!.winnerId;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const expected = draws / ids.length;
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // p < 0.0001 for 9 d.f. is 33.7: a fair draw fails this about once in ten thousand runs.
    expect(chiSquare).toBeLessThan(33.7);
  });
});

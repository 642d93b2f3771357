import { drawWinner } from '../../src/domain/draw';

describe('the draw', () => {
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

  it('is uniform across a pool (chi-square, 9 degrees of freedom)', () => {
    const pool = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const counts = new Map(pool.map((id) => [id, 0]));
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const id = drawWinner(pool) as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const expected = draws / pool.length;
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // p < 0.0001 for 9 d.f. is 33.7: a fair draw fails this about once in ten thousand runs.
    expect(chiSquare).toBeLessThan(33.7);
  });
});

import { randomInt } from 'node:crypto';

/**
 * Draws one id uniformly at random from `pool`, ignoring ids already drawn in this draft.
 * Uses the cryptographic generator (no modulo bias: randomInt rejects out-of-range samples).
 * Returns null when nobody is left.
 */
export function drawWinner(pool: readonly string[], alreadyDrawn: readonly string[] = []): string | null {
  const drawn = new Set(alreadyDrawn);
  const candidates = [...new Set(pool)].filter((id) => !drawn.has(id));
  if (candidates.length === 0) return null;
  return candidates[randomInt(candidates.length)];
}

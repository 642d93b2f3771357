/** The mastery-link catalog (link-types.json, copied from the guild's shared catalog). */
import catalogData from './link-types.json';
import type { Quality } from './ranks';

export interface LinkType {
  name: string;
  category: string;
  bonus: Record<Quality, string>;
}

/**
 * The longest link type text anyone may send (the slash options' setMaxLength). Suggestions cost
 * time in the square of the text's length and run on the event loop, so longer text gets none.
 */
export const LINK_TYPE_MAX = 100;

export const LINK_TYPES: readonly LinkType[] = (catalogData as { link_types: LinkType[] }).link_types;

const byLowerName = new Map(LINK_TYPES.map((t) => [normalize(t.name), t]));

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Case-insensitive exact lookup. */
export function findLinkType(name: string): LinkType | undefined {
  return byLowerName.get(normalize(name));
}

/**
 * Closest catalog names to `query`, best first: names that start with it, then names containing
 * every word of it, then names within a small edit distance (typos). At most `limit` results;
 * none for text longer than LINK_TYPE_MAX.
 */
export function suggestLinkTypes(query: string, limit = 25): LinkType[] {
  if (query.length > LINK_TYPE_MAX) return [];
  const q = normalize(query);
  if (!q) return LINK_TYPES.slice(0, limit);
  const words = q.split(' ');
  const scored = LINK_TYPES.map((type) => {
    const name = normalize(type.name);
    let score: number;
    if (name === q) score = 0;
    else if (name.startsWith(q)) score = 1;
    else if (words.every((w) => name.includes(w))) score = 2;
    else if (normalize(type.category).startsWith(q)) score = 3;
    else {
      const distance = Math.min(editDistance(q, name), ...name.split(' ').map((w) => editDistance(q, w) + 1));
      score = distance <= Math.max(2, Math.floor(q.length / 3)) ? 4 + distance : Infinity;
    }
    return { type, score };
  });
  return scored
    .filter((s) => Number.isFinite(s.score))
    .sort((a, b) => a.score - b.score || a.type.name.localeCompare(b.type.name))
    .slice(0, limit)
    .map((s) => s.type);
}

/** Levenshtein distance (small strings only: catalog names are under 60 characters). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Opaque pagination cursors: callers pass back what they were given and never look inside. */

/** Options of a read a caller may give up on (an autocomplete past its deadline). */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface Page<T> {
  items: T[];
  /** Pass back to read the next page; undefined on the last page. */
  cursor: string | undefined;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function decodeCursor<T = Record<string, unknown>>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as T;
  } catch {
    throw new InvalidCursorError('this page is no longer valid; start again from the first page');
  }
}

/**
 * Whether a key given from outside can name an item at all: DynamoDB refuses an empty key and
 * one over 2,048 bytes with a validation error, which would read as a failure, not "not found".
 */
export function isPossibleKey(key: string): boolean {
  return key.length > 0 && Buffer.byteLength(key, 'utf8') <= 2048;
}

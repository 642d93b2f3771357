import { InvalidCursorError, decodeCursor, encodeCursor } from '../../src/services/pagination';

describe('pagination cursors', () => {
  it('round-trip a key and hide its shape', () => {
    const key = { member_id: '1', distributed_at: '2026-11-25T00:00:00.000Z' };
    const cursor = encodeCursor(key) as string;
    expect(cursor).not.toContain('member_id');
    expect(decodeCursor(cursor)).toEqual(key);
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('refuses a tampered cursor with a clear error', () => {
    expect(() => decodeCursor('not-json')).toThrow(InvalidCursorError);
    expect(() => decodeCursor(Buffer.from('42').toString('base64url'))).toThrow(/start again from the first page/);
  });
});

import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalNumber, sameItem } from '../../src/backup/compare';
import {
  BackupFileError,
  BackupVerifier,
  attributeFromJson,
  encodeHeader,
  encodeItem,
  encodeTrailer,
  type BackupTable,
  type Item,
} from '../../src/backup/format';

const BIG = '12345678901234567890.123456789';

/** One attribute of every type DynamoDB has, with the awkward values of each. */
const EVERY_TYPE: Item = {
  discord_id: { S: '210000000000000001' },
  text: { S: 'Ånna 🐉 \u0000\u0001\u001f\t\r\n\u2028\u2029 "quoted" \\ end' },
  empty_text: { S: '' },
  big: { N: BIG },
  negative: { N: '-0.000000000000000000000000000000000001' },
  exponent: { N: '1E+125' },
  blob: { B: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
  empty_blob: { B: Buffer.alloc(0) },
  wants: { SS: ['Damage on Ships', 'Melee Accuracy/Defense', '🐉'] },
  weights: { NS: ['1', '-2.5', BIG] },
  blobs: { BS: [Buffer.from([0, 1, 2]), Buffer.from('\u00ff\u0000', 'latin1')] },
  nested: {
    M: {
      list: { L: [{ S: 'a' }, { N: '1' }, { NULL: true }, { L: [] }, { M: {} }, { BOOL: false }, { SS: ['x'] }] },
      flag: { BOOL: true },
      deeper: { M: { again: { M: { big: { N: BIG } } } } },
    },
  },
  nothing: { NULL: true },
  yes: { BOOL: true },
  no: { BOOL: false },
};

const MEMBERS: BackupTable = { kind: 'members', name: 'flavaflav-members-dev', hashKey: 'discord_id', items: 1 };

function headerLine(tables: BackupTable[] = [MEMBERS], version?: number): string {
  const line = encodeHeader({ createdAt: '2025-11-01T00:00:00.000Z', source: { mode: 'embedded', region: 'us-east-1', env: 'dev' }, tables });
  return version === undefined ? line : line.replace('"version":1', `"version":${version}`);
}

/** A whole file's lines (before gzip), the trailer's checksum computed here, independently. */
function backupText(lines: string[]): string {
  const body = lines.join('');
  const sha = createHash('sha256').update(body, 'utf8').digest('hex');
  return body + encodeTrailer(lines.length - 1, sha);
}

/** Feeds text to a verifier line by line, as the file reader does (bytes without the LF). */
function verify(text: string) {
  const verifier = new BackupVerifier();
  const parts = text.split('\n');
  expect(parts.pop()).toBe('');
  const lines = parts.map((part) => verifier.accept(Buffer.from(part, 'utf8')));
  return { lines, ...verifier.finish() };
}

const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof BackupFileError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('accepted');
};

describe('backup file format', () => {
  it('round-trips every AttributeValue type exactly, each item on one line', () => {
    const line = encodeItem('members', EVERY_TYPE);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    // The precise number is written as DynamoDB's string, never through a JS number.
    expect(line).toContain(`{"N":"${BIG}"}`);

    const { lines, header, trailer } = verify(backupText([headerLine(), line]));
    expect(header.tables).toEqual([MEMBERS]);
    expect(trailer.items).toBe(1);
    expect(lines[1]).toEqual({ type: 'item', table: 'members', item: EVERY_TYPE });
    const back = (lines[1] as { item: Item }).item;
    expect(Buffer.from(back.blob.B!)).toEqual(EVERY_TYPE.blob.B);
    expect(back.nested.M!.deeper.M!.again.M!.big.N).toBe(BIG);
    expect(sameItem(back, EVERY_TYPE)).toBe(true);
  });

  it('refuses a file whose content does not match its checksum', () => {
    const text = backupText([headerLine(), encodeItem('members', EVERY_TYPE)]);
    const changed = text.replace('Ånna', 'Anna');
    expect(changed).not.toBe(text);
    expect(problem(() => verify(changed))).toEqual({ problem: 'corrupt', message: expect.stringMatching(/^checksum mismatch: the trailer says sha256 [0-9a-f]{64}, the content hashes to [0-9a-f]{64}$/) });
  });

  it('refuses another format version, before reading any item', () => {
    const text = backupText([headerLine([MEMBERS], 2), encodeItem('members', EVERY_TYPE)]);
    expect(problem(() => verify(text))).toEqual({ problem: 'version', message: 'backup format version 2 is not supported: this FlavaFlav reads version 1' });
    expect(problem(() => verify(backupText(['{"type":"header","format":"something-else","version":1}\n'])))).toMatchObject({ problem: 'corrupt' });
  });

  it('refuses a file cut short, or with anything after its trailer', () => {
    const whole = backupText([headerLine(), encodeItem('members', EVERY_TYPE)]);
    const withoutTrailer = whole.slice(0, whole.lastIndexOf('{"type":"trailer"'));
    expect(problem(() => verify(withoutTrailer))).toEqual({ problem: 'truncated', message: 'the file is truncated: it ends after 1 items without its trailer line' });
    expect(problem(() => verify(''))).toMatchObject({ problem: 'truncated' });
    expect(problem(() => verify(whole + encodeItem('members', EVERY_TYPE)))).toEqual({ problem: 'corrupt', message: 'line 4: data after the trailer' });
  });

  it('refuses counts that disagree with the items, even with a matching checksum', () => {
    const text = backupText([headerLine([{ ...MEMBERS, items: 2 }]), encodeItem('members', EVERY_TYPE)]);
    expect(problem(() => verify(text))).toEqual({ problem: 'corrupt', message: 'the header counts 2 members items, the file holds 1' });
    const unknownTable = backupText([headerLine(), encodeItem('lists', { list_id: { S: 'l' } })]);
    expect(problem(() => verify(unknownTable))).toEqual({ problem: 'corrupt', message: 'line 2: table "lists" is not in the header' });
    const keyless = backupText([headerLine(), encodeItem('members', { username: { S: 'anna' } })]);
    expect(problem(() => verify(keyless))).toEqual({ problem: 'corrupt', message: 'line 2: the members item has no string key discord_id' });
  });

  it.each<[string, unknown]>([
    ['a number that is not one', { N: '12abc' }],
    ['a number as a JSON number', { N: 12 }],
    ['a string that is not', { S: 1 }],
    ['an empty set', { SS: [] }],
    ['binary that is not base64', { B: 'not base64!' }],
    ['two types at once', { S: 'a', N: '1' }],
    ['an unknown type', { X: 'a' }],
    ['NULL false', { NULL: false }],
  ])('refuses %s', (_, json) => {
    expect(problem(() => attributeFromJson(json, 'line 2.x'))).toMatchObject({ problem: 'corrupt', message: expect.stringMatching(/^line 2\.x: /) });
  });

  it('compares items as DynamoDB means them: sets and maps in any order, numbers by value', () => {
    const a: Item = { id: { S: 'x' }, s: { SS: ['b', 'a'] }, n: { NS: ['1.50', '2'] }, m: { M: { y: { N: '10' }, x: { B: Buffer.from([1]) } } } };
    const b: Item = { m: { M: { x: { B: new Uint8Array([1]) }, y: { N: '1e1' } } }, n: { NS: ['2.0', '1.5'] }, s: { SS: ['a', 'b'] }, id: { S: 'x' } };
    expect(sameItem(a, b)).toBe(true);
    const changes: [string, AttributeValue][] = [
      ['s', { SS: ['a', 'c'] }],
      ['n', { NS: ['1.5', '3'] }],
      ['id', { N: '1' }],
      ['m', { L: [] }],
    ];
    for (const [name, value] of changes) expect(sameItem(a, { ...b, [name]: value })).toBe(false);
    expect(sameItem(a, { ...b, extra: { NULL: true } })).toBe(false);
    // Lists keep their order.
    expect(sameItem({ l: { L: [{ S: 'a' }, { S: 'b' }] } }, { l: { L: [{ S: 'b' }, { S: 'a' }] } })).toBe(false);
  });

  it.each([
    ['1.50', '15e-1'],
    ['0001.0', '1e0'],
    ['-0.0', '0'],
    ['100', '1e2'],
    ['1E+2', '1e2'],
    [BIG, '12345678901234567890123456789e-9'],
  ])('writes the number %s one way: %s', (n, canonical) => {
    expect(canonicalNumber(n)).toBe(canonical);
  });
});

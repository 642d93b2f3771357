/**
 * The backup file, version 1. Pure: encoding, decoding and verification of its lines; reading
 * and writing the file is in ./file.ts.
 *
 * The file is gzip-compressed (one or more concatenated gzip members, which every gunzip reads
 * as one stream) UTF-8 JSON lines, each ended by one LF:
 *
 *   line 1         {"type":"header","format":"flavaflav-backup","version":1,"createdAt":…,"source":…,"tables":[…]}
 *   lines 2 … n-1  {"type":"item","table":"<kind>","item":{"<attribute>":<AttributeValue>,…}}
 *   line n         {"type":"trailer","items":<n-2>,"sha256":"<64 hex digits>"}
 *
 * `sha256` is the SHA-256 of the decompressed bytes before the trailer line: the header line and
 * every item line, each with its LF. Nothing may follow the trailer's LF. A file without a
 * trailer was cut short.
 *
 * Values keep DynamoDB's own AttributeValue form ({"S":…}, {"N":"…"}, {"SS":[…]}, {"M":{…}}, …)
 * so that numbers stay the decimal strings DynamoDB gave (never a JS number, which would round
 * 12345678901234567890.123456789) and a set stays a set. Binary (B and BS) is base64.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StorageMode } from '../config';
import { TABLES, TABLE_KINDS, type TableKind } from '../db/schema';

export const BACKUP_FORMAT = 'flavaflav-backup';
export const BACKUP_VERSION = 1;

/** The four tables, or the legacy single table (key discord_id) of an older deployment. */
export type BackupKind = TableKind | 'legacy';
export const BACKUP_KINDS: readonly BackupKind[] = [...TABLE_KINDS, 'legacy'];

/** Every table's key is one string attribute; the legacy table's is the members table's. */
export const hashKeyOf = (kind: BackupKind): string => TABLES[kind === 'legacy' ? 'members' : kind].hashKey;

export type Item = Record<string, AttributeValue>;

export interface BackupSource {
  mode: StorageMode;
  /** The configured endpoint; none for AWS or the embedded database. */
  endpoint?: string;
  region: string;
  env: string;
  /** Where the embedded database lives (mode embedded only). */
  dataDir?: string;
}

export interface BackupTable {
  kind: BackupKind;
  name: string;
  hashKey: string;
  /** How many item lines of this table the file holds. */
  items: number;
}

export interface BackupHeader {
  type: 'header';
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: BackupSource;
  tables: BackupTable[];
}

export interface BackupTrailer {
  type: 'trailer';
  items: number;
  sha256: string;
}

export interface ItemLine {
  type: 'item';
  table: BackupKind;
  item: Item;
}

/** Why a file was refused: what a restore prints, and what a test can tell apart. */
export type BackupProblem = 'corrupt' | 'truncated' | 'version';

export class BackupFileError extends Error {
  override name = 'BackupFileError';
  constructor(
    readonly problem: BackupProblem,
    message: string,
  ) {
    super(message);
  }
}

// --- AttributeValue <-> JSON ------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** An AttributeValue as JSON: the same shape, binary as base64. */
export function attributeToJson(value: AttributeValue): Json {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: itemToJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeToJson) };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  // A type DynamoDB added after this code was written: refuse rather than lose it.
  throw new Error(`cannot back up an attribute of unknown type ${Object.keys(value).join(', ')}`);
}

export function itemToJson(item: Item): { [key: string]: Json } {
  const json: { [key: string]: Json } = {};
  for (const [name, value] of Object.entries(item)) json[name] = attributeToJson(value);
  return json;
}

/** Reads back what attributeToJson wrote, checking every part: a file is outside input. */
export function attributeFromJson(json: unknown, where: string): AttributeValue {
  const fail = (what: string): never => {
    throw new BackupFileError('corrupt', `${where}: ${what}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('not an attribute value');
  const entries = Object.entries(json);
  if (entries.length !== 1) return fail('an attribute value has exactly one type');
  const [type, v] = entries[0];
  const strings = (check: RegExp | undefined, what: string): string[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && (!check || check.test(s)))) {
      return fail(`${type} must be a non-empty list of ${what}`);
    }
    return v as string[];
  };
  switch (type) {
    case 'S':
      return typeof v === 'string' ? { S: v } : fail('S must be a string');
    case 'N':
      return typeof v === 'string' && NUMBER.test(v) ? { N: v } : fail('N must be a number written as a string');
    case 'B':
      return typeof v === 'string' && BASE64.test(v) ? { B: Buffer.from(v, 'base64') } : fail('B must be base64');
    case 'SS':
      return { SS: strings(undefined, 'strings') };
    case 'NS':
      return { NS: strings(NUMBER, 'numbers written as strings') };
    case 'BS':
      return { BS: strings(BASE64, 'base64 strings').map((s) => Buffer.from(s, 'base64')) };
    case 'M':
      return { M: itemFromJson(v, where) };
    case 'L':
      return Array.isArray(v) ? { L: v.map((e, i) => attributeFromJson(e, `${where}[${i}]`)) } : fail('L must be a list');
    case 'NULL':
      return v === true ? { NULL: true } : fail('NULL must be true');
    case 'BOOL':
      return typeof v === 'boolean' ? { BOOL: v } : fail('BOOL must be true or false');
    default:
      return fail(`unknown attribute type ${JSON.stringify(type)}`);
  }
}

export function itemFromJson(json: unknown, where: string): Item {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BackupFileError('corrupt', `${where}: not a map of attributes`);
  const item: Item = {};
  for (const [name, value] of Object.entries(json)) item[name] = attributeFromJson(value, `${where}.${name}`);
  return item;
}

// --- Lines ------------------------------------------------------------------------------------

/** Each encoder returns one line with its LF. JSON.stringify escapes every LF inside a value. */
export function encodeHeader(header: Omit<BackupHeader, 'type' | 'format' | 'version'>): string {
  const line: BackupHeader = { type: 'header', format: BACKUP_FORMAT, version: BACKUP_VERSION, ...header };
  return `${JSON.stringify(line)}\n`;
}

export function encodeItem(table: BackupKind, item: Item): string {
  return `${JSON.stringify({ type: 'item', table, item: itemToJson(item) })}\n`;
}

export function encodeTrailer(items: number, sha256: string): string {
  const line: BackupTrailer = { type: 'trailer', items, sha256 };
  return `${JSON.stringify(line)}\n`;
}

export type BackupLine = BackupHeader | ItemLine | BackupTrailer;

/**
 * Checks a backup line by line as it streams past: the header first, known tables and keys,
 * then a trailer whose counts and checksum match. Holds one line at a time, whatever the file's size.
 */
export class BackupVerifier {
  private readonly hash: Hash = createHash('sha256');
  private lineNumber = 0;
  private itemCount = 0;
  private readonly perTable = new Map<BackupKind, number>();
  private tables = new Map<BackupKind, BackupTable>();
  header: BackupHeader | undefined;
  trailer: BackupTrailer | undefined;

  /** Takes one line's bytes, without its LF. */
  accept(bytes: Uint8Array): BackupLine {
    this.lineNumber++;
    const where = `line ${this.lineNumber}`;
    if (this.trailer) throw new BackupFileError('corrupt', `${where}: data after the trailer`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch {
      throw new BackupFileError('corrupt', `${where}: not JSON`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BackupFileError('corrupt', `${where}: not a JSON object`);

    if (!this.header) {
      this.header = readHeader(json);
      this.tables = new Map(this.header.tables.map((t) => [t.kind, t]));
      this.digest(bytes);
      return this.header;
    }
    if (json.type === 'item') {
      const line = this.readItem(json, where);
      this.digest(bytes);
      return line;
    }
    if (json.type === 'trailer') {
      this.trailer = this.readTrailer(json, where);
      return this.trailer;
    }
    throw new BackupFileError('corrupt', `${where}: unknown line type ${JSON.stringify(json.type)}`);
  }

  /** Called at the end of the data: a file without its trailer was cut short. */
  finish(): { header: BackupHeader; trailer: BackupTrailer } {
    if (!this.header) throw new BackupFileError('truncated', 'the file is empty: no header line');
    if (!this.trailer) throw new BackupFileError('truncated', `the file is truncated: it ends after ${this.itemCount} items without its trailer line`);
    return { header: this.header, trailer: this.trailer };
  }

  private digest(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.hash.update('\n');
  }

  private readItem(json: Record<string, unknown>, where: string): ItemLine {
    const table = this.tables.get(json.table as BackupKind);
    if (!table || typeof json.table !== 'string') throw new BackupFileError('corrupt', `${where}: table ${JSON.stringify(json.table)} is not in the header`);
    const item = itemFromJson(json.item, `${where} (${table.kind})`);
    if (item[table.hashKey]?.S === undefined) throw new BackupFileError('corrupt', `${where}: the ${table.kind} item has no string key ${table.hashKey}`);
    this.itemCount++;
    this.perTable.set(table.kind, (this.perTable.get(table.kind) ?? 0) + 1);
    return { type: 'item', table: table.kind, item };
  }

  private readTrailer(json: Record<string, unknown>, where: string): BackupTrailer {
    if (typeof json.sha256 !== 'string' || !Number.isSafeInteger(json.items)) throw new BackupFileError('corrupt', `${where}: malformed trailer`);
    const actual = this.hash.digest('hex');
    if (json.sha256 !== actual) {
      throw new BackupFileError('corrupt', `checksum mismatch: the trailer says sha256 ${json.sha256}, the content hashes to ${actual}`);
    }
    if (json.items !== this.itemCount) throw new BackupFileError('corrupt', `the trailer counts ${json.items} items, the file holds ${this.itemCount}`);
    for (const table of this.tables.values()) {
      const found = this.perTable.get(table.kind) ?? 0;
      if (found !== table.items) throw new BackupFileError('corrupt', `the header counts ${table.items} ${table.kind} items, the file holds ${found}`);
    }
    return { type: 'trailer', items: json.items as number, sha256: json.sha256 };
  }
}

function readHeader(json: Record<string, unknown>): BackupHeader {
  if (json.type !== 'header' || json.format !== BACKUP_FORMAT) throw new BackupFileError('corrupt', 'not a FlavaFlav backup: the first line is not its header');
  if (json.version !== BACKUP_VERSION) {
    throw new BackupFileError('version', `backup format version ${JSON.stringify(json.version)} is not supported: this FlavaFlav reads version ${BACKUP_VERSION}`);
  }
  const tables = json.tables;
  const source = json.source as Record<string, unknown> | undefined;
  const validTable = (t: any) =>
    typeof t === 'object' && t !== null && BACKUP_KINDS.includes(t.kind) && typeof t.name === 'string' && typeof t.hashKey === 'string' && Number.isSafeInteger(t.items);
  if (
    typeof json.createdAt !== 'string' ||
    typeof source !== 'object' ||
    source === null ||
    typeof source.env !== 'string' ||
    !Array.isArray(tables) ||
    !tables.every(validTable) ||
    new Set(tables.map((t: BackupTable) => t.kind)).size !== tables.length
  ) {
    throw new BackupFileError('corrupt', 'line 1: malformed header');
  }
  return json as unknown as BackupHeader;
}

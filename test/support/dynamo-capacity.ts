/**
 * DynamoDB's arithmetic, as AWS documents it, on items in DynamoDB's wire form
 * ({ name: { S: "..." } }): the size of an item, and the capacity a read or a write of it costs.
 * The AWS-rules proxy (dynamo-proxy.ts) records these per item; the benchmark prints them.
 */

/** An item (or key) as it travels on the wire. */
export type WireItem = Record<string, WireValue>;
export type WireValue = {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: WireValue[];
  M?: WireItem;
  SS?: string[];
  NS?: string[];
  BS?: string[];
};

/** DynamoDB's largest item: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * The size DynamoDB counts for an item: each attribute's name (UTF-8) plus its value. Strings
 * and binaries count their bytes; a number about one byte per two significant digits plus one;
 * a boolean or null one byte; a list or map 3 bytes plus one per element plus its elements
 * (a map's element names included).
 */
export function itemBytes(item: WireItem | undefined): number {
  if (!item) return 0;
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return total;
}

function valueBytes(value: WireValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS) return value.NS.reduce((n, s) => n + numberBytes(s), 0);
  if (value.BS) return value.BS.reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
  if (value.L) return 3 + value.L.reduce((n, v) => n + 1 + valueBytes(v), 0);
  if (value.M) return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueBytes(v), 0);
  return 0;
}

function numberBytes(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/**
 * Write capacity of one item: 1 WCU per started KB of the larger of the item before and after
 * (at least 1), twice that inside a transaction.
 */
export function writeUnits(beforeBytes: number, afterBytes: number, transactional: boolean): number {
  const units = Math.max(1, Math.ceil(Math.max(beforeBytes, afterBytes) / 1024));
  return transactional ? units * 2 : units;
}

export type ReadMode = 'eventual' | 'consistent' | 'transactional';

/** Read capacity of `bytes` read at once: per started 4 KB, 0.5 eventual, 1 consistent, 2 in a transaction. */
export function readUnits(bytes: number, mode: ReadMode): number {
  const blocks = Math.max(1, Math.ceil(bytes / 4096));
  return blocks * (mode === 'eventual' ? 0.5 : mode === 'consistent' ? 1 : 2);
}

/**
 * Whether two items are the same as DynamoDB means it, whatever order and spelling each came in:
 * what a restore uses to tell an unchanged item from a conflicting one.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './format';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Sets and maps in any order, numbers by value ("1.50" is "1.5"), binary by bytes; lists in order. */
export function sameItem(a: Item, b: Item): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] !== undefined && sameValue(a[name], b[name]));
}

/** Compared in place, without building a canonical copy: a restore compares every item it finds. */
function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (a.S !== undefined) return a.S === b.S;
  if (a.N !== undefined) return b.N !== undefined && (a.N === b.N || canonicalNumber(a.N) === canonicalNumber(b.N));
  if (a.B !== undefined) return b.B !== undefined && Buffer.from(a.B).equals(Buffer.from(b.B));
  if (a.SS !== undefined) return b.SS !== undefined && sameSet(a.SS, b.SS);
  if (a.NS !== undefined) return b.NS !== undefined && (sameList(a.NS, b.NS) || sameSet(a.NS.map(canonicalNumber), b.NS.map(canonicalNumber)));
  if (a.BS !== undefined) return b.BS !== undefined && sameSet(a.BS.map(base64), b.BS.map(base64));
  if (a.M !== undefined) return b.M !== undefined && sameItem(a.M, b.M);
  if (a.L !== undefined) return b.L !== undefined && a.L.length === b.L.length && a.L.every((value, i) => sameValue(value, b.L![i]));
  if (a.NULL !== undefined) return b.NULL !== undefined;
  if (a.BOOL !== undefined) return a.BOOL === b.BOOL;
  return false;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

function sameSet(a: string[], b: string[]): boolean {
  const inB = new Set(b);
  return new Set(a).size === inB.size && a.every((value) => inB.has(value));
}

/** A decimal number as digits and exponent with no leading or trailing zeros: one spelling per value. */
export function canonicalNumber(n: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n.trim());
  if (!match) return n;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  let power = Number(exponent) - fraction.length;
  if (!digits) return '0';
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${power}`;
}

/**
 * How an item of the four tables is declared, and what the declaration gives: its TypeScript
 * types, its writer and its reader, and where a stored item departs from it (for check:data). The
 * declarations themselves are in src/db/entities.ts. Pure: no reads, no writes.
 *
 * Attribute names are the stored ones, exactly; nothing is added to an item (no entity or type
 * attribute), so the data the previous system and earlier deployments wrote reads as it is.
 */
import type { TableKind } from './schema';

/**
 * A stored attribute's type: DynamoDB's own (S, N, BOOL, SS, L, M), or SB, the string boolean
 * 'true' / 'false' the tables use for index keys (is_available, is_active: an index key cannot be
 * BOOL).
 */
export type Kind = 'S' | 'N' | 'BOOL' | 'SS' | 'L' | 'M' | 'SB';

export interface Attribute {
  /** Its type; several when each is FlavaFlav's own (the reader takes any of them). */
  readonly type: Kind | readonly Kind[];
  /** A list's elements: strings. */
  readonly of?: 'S';
  /** Every item holds it: the writer refuses an item without it, check:data reports one. */
  readonly required?: boolean;
  /** At most this many elements (a set or a list) or entries (a map). */
  readonly max?: number;
  /** Forms other writers left that FlavaFlav still reads; check:data reports them. */
  readonly also?: readonly Kind[];
  /** Written only by others (the previous system, an older FlavaFlav): read, never written. */
  readonly legacy?: boolean;
  /** What it means, in an operator's words, when it is missing or unreadable. */
  readonly effect?: string;
  /** How FlavaFlav reads a value of another type, when not as absent. */
  readonly readAs?: (value: unknown) => string;
  /** What becomes of an item over the bound, when it is not left as is. */
  readonly overBound?: string;
}

export interface Entity {
  /** What an operator calls it. */
  readonly name: string;
  readonly table: TableKind;
  /** The table's key attribute, how its value is formed, and whether an id has that form. */
  readonly key: { readonly attribute: string; readonly form: string; readonly matches: (id: string) => boolean };
  readonly attributes: Readonly<Record<string, Attribute>>;
}

/** A declaration, its literal types kept (so the item types are inferred from it). */
export function defineEntity<const E extends Entity>(entity: E): E {
  return entity;
}

// ---- the types a declaration gives ----------------------------------------------------------

type KindValue<K, A> = K extends 'S'
  ? string
  : K extends 'N'
    ? number
    : K extends 'BOOL'
      ? boolean
      : K extends 'SS'
        ? Set<string>
        : K extends 'L'
          ? A extends { of: 'S' }
            ? string[]
            : unknown[]
          : K extends 'M'
            ? Record<string, unknown>
            : K extends 'SB'
              ? 'true' | 'false'
              : never;
type KindsOf<A> = A extends { type: infer T } ? (T extends readonly (infer K)[] ? K : T) : never;
type AlsoOf<A> = A extends { also: readonly (infer K)[] } ? K : never;
/** A map is written from any object (an interface has no index signature); the writer checks it is a plain one. */
type WriteValue<K, A> = K extends 'SB' ? boolean | 'true' | 'false' : K extends 'M' ? object : KindValue<K, A>;

type Attrs<E extends Entity> = E['attributes'];
type OwnNames<E extends Entity> = { [N in keyof Attrs<E>]: Attrs<E>[N] extends { legacy: true } ? never : N }[keyof Attrs<E>];
type RequiredNames<E extends Entity> = { [N in OwnNames<E>]: Attrs<E>[N] extends { required: true } ? N : never }[OwnNames<E>];
type OptionalNames<E extends Entity> = Exclude<OwnNames<E>, RequiredNames<E>>;
type Flat<T> = { [K in keyof T]: T[K] };

/** An item as FlavaFlav writes it. */
export type Stored<E extends Entity> = Flat<
  { [N in RequiredNames<E>]: KindValue<KindsOf<Attrs<E>[N]>, Attrs<E>[N]> } & { [N in OptionalNames<E>]?: KindValue<KindsOf<Attrs<E>[N]>, Attrs<E>[N]> }
>;

/** What the writer takes: a stored item whose string booleans may be booleans, and whose absent attributes may be undefined. */
export type Writable<E extends Entity> = Flat<
  { [N in RequiredNames<E>]: WriteValue<KindsOf<Attrs<E>[N]>, Attrs<E>[N]> } & { [N in OptionalNames<E>]?: WriteValue<KindsOf<Attrs<E>[N]>, Attrs<E>[N]> | undefined }
>;

/** What the reader gives: each declared attribute (legacy ones too) that holds a form it may take; any other reads as absent. */
export type Read<E extends Entity> = { [N in keyof Attrs<E>]?: KindValue<KindsOf<Attrs<E>[N]> | AlsoOf<Attrs<E>[N]>, Attrs<E>[N]> };

// ---- writing and reading --------------------------------------------------------------------

const kindsOf = (attribute: Attribute): readonly Kind[] => (typeof attribute.type === 'string' ? [attribute.type] : attribute.type);

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set) && !(value instanceof Uint8Array);

function holds(value: unknown, kind: Kind, attribute: Attribute): boolean {
  switch (kind) {
    case 'S':
      return typeof value === 'string';
    case 'N':
      return typeof value === 'number';
    case 'BOOL':
      return typeof value === 'boolean';
    case 'SB':
      return value === 'true' || value === 'false';
    case 'SS':
      return value instanceof Set && [...value].every((v) => typeof v === 'string');
    case 'L':
      return Array.isArray(value) && (attribute.of !== 'S' || value.every((v) => typeof v === 'string'));
    case 'M':
      return isMap(value);
  }
}

/** How many elements or entries a value holds (a set, a list or a map). */
export function sizeOf(value: unknown): number {
  if (value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  return isMap(value) ? Object.keys(value).length : 0;
}

/**
 * The item to put for a value: only declared attributes FlavaFlav writes, string booleans as
 * 'true' / 'false', undefined and empty sets left out (DynamoDB stores no empty set), in the
 * value's own order. An undeclared or legacy attribute, a wrong type, a missing required attribute,
 * a bound exceeded or a key not of its form is a bug, and throws.
 */
export function writeItem<E extends Entity>(entity: E, value: Writable<E>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const fail = (why: string) => new TypeError(`a ${entity.name} item cannot be written: ${why}`);
  for (const [name, given] of Object.entries(value as Record<string, unknown>)) {
    if (given === undefined) continue;
    const attribute = Object.hasOwn(entity.attributes, name) ? entity.attributes[name] : undefined;
    if (!attribute || attribute.legacy) throw fail(`${name} is not one of its attributes`);
    const kinds = kindsOf(attribute);
    const stored = typeof given === 'boolean' && kinds.includes('SB') ? String(given) : given;
    if (stored instanceof Set && stored.size === 0 && kinds.includes('SS')) continue;
    if (!kinds.some((k) => holds(stored, k, attribute))) throw fail(`${name} is ${describeValue(stored)}, not ${describeAttribute(attribute)}`);
    if (attribute.max !== undefined && sizeOf(stored) > attribute.max) throw fail(`${name} holds ${sizeOf(stored)} (at most ${attribute.max})`);
    item[name] = stored;
  }
  for (const [name, attribute] of Object.entries(entity.attributes)) {
    if (attribute.required && !attribute.legacy && item[name] === undefined) throw fail(`${name} is missing`);
  }
  const key = item[entity.key.attribute];
  if (typeof key !== 'string' || !entity.key.matches(key)) throw fail(`its ${entity.key.attribute} is not ${entity.key.form}`);
  return item;
}

/** The declared attributes of a stored item, each only when it holds a form it may take (any other reads as absent); never throws. */
export function readItem<E extends Entity>(entity: E, item: Record<string, unknown> | undefined): Read<E> {
  const read: Record<string, unknown> = {};
  if (!item) return read as Read<E>;
  for (const [name, attribute] of Object.entries(entity.attributes)) {
    const value = Object.hasOwn(item, name) ? item[name] : undefined;
    if (value === undefined || value === null) continue;
    if ([...kindsOf(attribute), ...(attribute.also ?? [])].some((k) => holds(value, k, attribute))) read[name] = value;
  }
  return read as Read<E>;
}

/** The attributes of an item its entity does not declare. */
export function undeclaredAttributes(entity: Entity, item: Record<string, unknown>): string[] {
  return Object.keys(item).filter((name) => !Object.hasOwn(entity.attributes, name));
}

// ---- where a stored item departs from its declaration ---------------------------------------

export type Fault =
  | { attribute: string; declared: Attribute; fault: 'missing' }
  | { attribute: string; declared: Attribute; fault: 'type'; value: unknown; readAnyway: boolean }
  | { attribute: string; declared: Attribute; fault: 'bound'; size: number; max: number };

/**
 * Each way a stored item departs from its declaration: a required attribute missing (NULL, which
 * the previous system wrote for a nil list, counts as missing), an attribute of another type, a
 * bound exceeded. Undeclared attributes are no fault: other writers' items hold many.
 */
export function faults(entity: Entity, item: Record<string, unknown>): Fault[] {
  const found: Fault[] = [];
  for (const [attribute, declared] of Object.entries(entity.attributes)) {
    const value = Object.hasOwn(item, attribute) ? item[attribute] : undefined;
    if (value === undefined || value === null) {
      if (declared.required) found.push({ attribute, declared, fault: 'missing' });
      continue;
    }
    if (!kindsOf(declared).some((k) => holds(value, k, declared))) {
      found.push({ attribute, declared, fault: 'type', value, readAnyway: (declared.also ?? []).some((k) => holds(value, k, declared)) });
      continue;
    }
    if (declared.max !== undefined && sizeOf(value) > declared.max) found.push({ attribute, declared, fault: 'bound', size: sizeOf(value), max: declared.max });
  }
  return found;
}

const KIND_WORDS: Record<Kind, string> = { S: 'a string', N: 'a number', BOOL: 'a boolean', SS: 'a string set', L: 'a list', M: 'a map', SB: 'the string "true" or "false"' };

/** What an attribute is declared to hold, in words ("a string set", "the string "true" or "false""). */
export function describeAttribute(attribute: Attribute): string {
  return kindsOf(attribute)
    .map((k) => (k === 'L' && attribute.of === 'S' ? 'a list of strings' : KIND_WORDS[k]))
    .join(' or ');
}

/** What a stored value is, in words. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (value instanceof Uint8Array) return 'binary';
  if (value instanceof Set) return [...value].every((v) => typeof v === 'string') ? 'a string set' : [...value].every((v) => typeof v === 'number') ? 'a number set' : 'a set';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return 'a map';
}

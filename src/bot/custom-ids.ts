/**
 * Custom ids of buttons and selects: `<command>:<action>:<arg>:<arg>…`. Each action declares its
 * arguments once (name → codec); the same declaration builds the id when a message is rendered
 * and parses it when the component is used, so arguments are never read by position and an id
 * that does not parse is refused before any handler runs. Discord caps custom ids at 100 characters.
 */
import { idFromSafeForm, safeIdForm } from '../domain/ids';

export const CUSTOM_ID_MAX = 100;
const SEPARATOR = ':';
/** What any part may contain: a safe id form, numbers, names. Never the separator. */
const PART = /^[A-Za-z0-9_.~-]+$/;

/** How one argument is written into a custom id and read back (null: not a valid value). */
export interface ArgCodec<T> {
  write(value: T): string;
  read(text: string): T | null;
}

const pattern = (re: RegExp): ArgCodec<string> => ({
  write: (value) => value,
  read: (text) => (re.test(text) ? text : null),
});

export const arg = {
  pattern,
  /** A Discord id. */
  snowflake: pattern(/^\d{17,20}$/),
  /** A record id of any characters, in its safe form (see domain/ids). */
  recordId: {
    write: (id: string) => safeIdForm(id),
    read: (text: string) => idFromSafeForm(text),
  } satisfies ArgCodec<string>,
  /** A short random key (paged answers). */
  key: pattern(/^[0-9a-f]{12}$/),
  /** A whole number within bounds. */
  int(min: number, max: number): ArgCodec<number> {
    return {
      write: (n) => String(n),
      read: (text) => {
        if (!/^\d{1,12}$/.test(text)) return null;
        const n = Number(text);
        return n >= min && n <= max ? n : null;
      },
    };
  },
  /** One of a fixed set of words (looked up in an array, never on an object). */
  oneOf<const T extends string>(values: readonly T[]): ArgCodec<T> {
    return {
      write: (value) => value,
      read: (text) => values.find((v) => v === text) ?? null,
    };
  },
};

export type ArgCodecs<A> = { [K in keyof A]: ArgCodec<A[K]> };

/** The custom id of one action: built from named arguments, parsed back into them. */
export interface ActionId<A> {
  readonly command: string;
  readonly action: string;
  build(args: A): string;
  /** The arguments, or null when the parts are not exactly what this action writes. */
  parse(parts: readonly string[]): A | null;
}

export function actionId<A extends Record<string, unknown> = Record<string, never>>(command: string, action: string, codecs: ArgCodecs<A> = {} as ArgCodecs<A>): ActionId<A> {
  for (const part of [command, action]) {
    if (!/^[a-z][a-z-]*$/.test(part)) throw new RangeError(`custom id name "${part}" must be lower-case letters`);
  }
  const fields = Object.entries(codecs) as [keyof A & string, ArgCodec<unknown>][];
  return {
    command,
    action,
    build(args) {
      const parts = [command, action, ...fields.map(([name, codec]) => codec.write(args[name]))];
      for (const part of parts) {
        if (!PART.test(part)) throw new RangeError(`custom id part "${part}" has characters outside [A-Za-z0-9_.~-]`);
      }
      const id = parts.join(SEPARATOR);
      if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom id is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
      return id;
    },
    parse(parts) {
      if (parts.length !== fields.length) return null;
      const args: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const [name, codec] = fields[i];
        const value = codec.read(parts[i]);
        if (value === null) return null;
        args[name] = value;
      }
      return args as A;
    },
  };
}

export interface SplitCustomId {
  command: string;
  action: string;
  args: string[];
}

/** The parts of a well-formed FlavaFlav custom id; null for anything else. */
export function splitCustomId(id: string): SplitCustomId | null {
  if (id.length === 0 || id.length > CUSTOM_ID_MAX) return null;
  const parts = id.split(SEPARATOR);
  if (parts.length < 2 || !parts.every((p) => PART.test(p))) return null;
  const [command, action, ...args] = parts;
  return { command, action, args };
}

/**
 * Custom ids of buttons and selects: `<command>:<action>:<args…>` (args joined by ":").
 * Built and parsed here only; Discord caps them at 100 characters.
 */
export const CUSTOM_ID_MAX = 100;
const PART = /^[A-Za-z0-9_#.@-]+$/;

export interface CustomId {
  command: string;
  action: string;
  args: string[];
}

export function buildCustomId(command: string, action: string, ...args: string[]): string {
  for (const part of [command, action, ...args]) {
    if (!PART.test(part)) throw new RangeError(`custom id part "${part}" has characters outside [A-Za-z0-9_#.@-]`);
  }
  const id = [command, action, ...args].join(':');
  if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom id is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  return id;
}

/** Null for anything that is not a well-formed FlavaFlav custom id. */
export function parseCustomId(id: string): CustomId | null {
  if (id.length > CUSTOM_ID_MAX) return null;
  const parts = id.split(':');
  if (parts.length < 2 || !parts.every((p) => PART.test(p))) return null;
  const [command, action, ...args] = parts;
  return { command, action, args };
}

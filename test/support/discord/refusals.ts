/**
 * What Discord refuses, as the errors it answers with, and the log of every refusal the emulator
 * made. Tests read the log through the after-each check (test/support/after-each.ts): a refusal
 * nobody expected fails the test, because production would have failed there too.
 *
 * Codes and messages: Discord's JSON error codes (docs: topics/opcodes-and-status-codes), as
 * discord-api-types' RESTJSONErrorCodes names them; statuses as observed in the errors that
 * discord.js users report (e.g. 50027 arrives as 401, 10062 as 404).
 */

/** A refusal in Discord's error shape: `{ message, code }`, plus `errors` for 50035. */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    /** Discord's JSON error code, or for a press Discord's client would not send, a name. */
    readonly code: number | string,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const Refuse = {
  unknownChannel: () => new DiscordError(404, 10003, 'Unknown Channel'),
  unknownMessage: () => new DiscordError(404, 10008, 'Unknown Message'),
  unknownWebhook: () => new DiscordError(404, 10015, 'Unknown Webhook'),
  /** Unknown id or token, or an initial response later than 3 s (the token is then invalidated). */
  unknownInteraction: () => new DiscordError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => new DiscordError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => new DiscordError(403, 50001, 'Missing Access'),
  cannotEditOthers: () => new DiscordError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new DiscordError(400, 50006, 'Cannot send an empty message'),
  missingPermissions: () => new DiscordError(403, 50013, 'Missing Permissions'),
  /** An interaction token used after its 15 minutes (discord-api-docs #6851: 401 after the window). */
  invalidWebhookToken: () => new DiscordError(401, 50027, 'Invalid Webhook Token'),
  invalidJson: () => new DiscordError(400, 50109, 'The request body contains invalid JSON.'),
  unauthorized: () => new DiscordError(401, 0, '401: Unauthorized'),
} as const;

/** One field error of a 50035 Invalid Form Body, at a path such as ['data', 'embeds', 0, 'title']. */
export interface Violation {
  path: (string | number)[];
  code: string;
  message: string;
}

/** 50035 with Discord's nested `errors`: `{ embeds: { 0: { title: { _errors: [{ code, message }] } } } }`. */
export function invalidFormBody(violations: Violation[]): DiscordError {
  const errors: Record<string, any> = {};
  for (const v of violations) {
    let node = errors;
    for (const key of v.path) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code: v.code, message: v.message });
  }
  return new DiscordError(400, 50035, 'Invalid Form Body', errors);
}

export interface Refusal {
  /** On the emulator's clock. */
  at: number;
  /** `POST /interactions/:id/:token/callback`, or `CLIENT pressButton` for a press never sent. */
  route: string;
  path: string;
  status: number;
  code: number | string;
  message: string;
  errors?: Record<string, unknown>;
  /** The first 200 characters of what was sent. */
  payload: string;
  interaction?: { id: string; kind: string; name: string; userId: string; ageMs: number };
  /** The jest test running when it happened, if any. */
  test?: string;
}

export interface ExpectedRefusal {
  code: number | string;
  /** Matches the route or the path (substring or pattern). */
  route?: string | RegExp;
  /** Exactly this many; default: at least one. */
  times?: number;
}

export class RefusalLog {
  readonly all: Refusal[] = [];
  private checked = 0;
  private expected: ExpectedRefusal[] = [];

  record(refusal: Omit<Refusal, 'test' | 'payload'> & { payload: unknown }): Refusal {
    const entry: Refusal = { ...refusal, payload: excerpt(refusal.payload), test: currentTestName() };
    this.all.push(entry);
    return entry;
  }

  expect(expected: ExpectedRefusal): void {
    this.expected.push(expected);
  }

  /**
   * The refusals since the last call that no expectation covers, and the expectations nothing
   * met. Both start afresh afterwards: the after-each check calls this once per test.
   */
  settle(): { unexpected: Refusal[]; unmet: ExpectedRefusal[] } {
    const fresh = this.all.slice(this.checked);
    this.checked = this.all.length;
    const expected = this.expected;
    this.expected = [];
    const unmet = expected.filter((e) => {
      const n = fresh.filter((r) => matches(e, r)).length;
      return e.times === undefined ? n === 0 : n !== e.times;
    });
    return { unexpected: fresh.filter((r) => !expected.some((e) => matches(e, r))), unmet };
  }
}

function matches(e: ExpectedRefusal, r: Refusal): boolean {
  if (e.code !== r.code) return false;
  if (e.route === undefined) return true;
  return typeof e.route === 'string' ? r.route.includes(e.route) || r.path.includes(e.route) : e.route.test(r.route) || e.route.test(r.path);
}

export function describeRefusal(r: Refusal): string {
  const who = r.interaction ? ` [${r.interaction.kind} ${r.interaction.name} by ${r.interaction.userId}, ${r.interaction.ageMs} ms after dispatch]` : '';
  const errors = r.errors ? ` ${JSON.stringify(r.errors)}` : '';
  return `${r.route} → ${r.status} ${r.code} ${r.message}${errors}${who}\n      payload: ${r.payload}`;
}

function excerpt(payload: unknown): string {
  if (payload === undefined) return '';
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function currentTestName(): string | undefined {
  const jestExpect = (globalThis as { expect?: { getState?: () => { currentTestName?: string } } }).expect;
  return jestExpect?.getState?.().currentTestName;
}

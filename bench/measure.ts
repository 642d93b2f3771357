/**
 * Measuring one interaction: the time from dispatch to its answer reaching the emulator (the
 * callback, or for a deferred one the edit or follow-up that fills it), and the DynamoDB requests
 * the bot sent for it (from the meter, between dispatch and the moment the router has nothing in
 * flight any more). Alone: one at a time. Burst: many dispatched at once, timed each.
 */
import type { DiscordEmulator, SentInteraction } from '../test/support/discord-emulator';
import type { DynamoMeter, MeteredRequest } from '../test/support/dynamo-meter';

/** The clock of the emulator and of every measurement: milliseconds with fractions. */
export const now = () => performance.timeOrigin + performance.now();

export interface Answer {
  /** Milliseconds from dispatch to the answer; undefined when Discord refused it (late). */
  ms: number | undefined;
  deferred: boolean;
  /** The answer is an error (⚠️ …). */
  failed: boolean;
  /** What the error said (its first 160 characters). */
  failure?: string;
  /** Size of the files attached to the answer (the CSV export). */
  bytes?: number;
}

/** A request as the bot's own DynamoDB client issued it: when send() was called and when it settled. */
export interface Issued {
  operation: string;
  tables: string[];
  at: number;
  end: number;
}

export interface Sample extends Answer {
  /** What reached DynamoDB (retries included), with its capacity. */
  requests: MeteredRequest[];
  /** What the bot asked for, with the times it asked and got its answer (for round trips). */
  issued: Issued[];
}

export interface Target {
  emulator: DiscordEmulator;
  meter: DynamoMeter;
  /** How many interactions the bot is still working on (its router's in-flight count). */
  inFlight(): number;
  /** Tables whose requests count (the bot's, not the bench's own). */
  tables: ReadonlySet<string>;
  /** The bot's client-side request log, when there is one. */
  issued?: Issued[];
}

export const ANSWER_TIMEOUT_MS = 60_000;

/** The answer to an interaction dispatched when the emulator had `since` requests. */
export async function answerOf(emulator: DiscordEmulator, interaction: SentInteraction, dispatchedAt: number, since: number, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Answer> {
  const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
  const callback = await emulator.waitForRequest((r) => r.path === callbackPath, { since, timeoutMs });
  if ((callback.status ?? 200) >= 400) return { ms: undefined, deferred: false, failed: true };
  const type = callback.body?.type;
  if (type !== 5 && type !== 6) return { ms: callback.at - dispatchedAt, deferred: false, ...failureOf(callback.body?.data) };
  const original = `/webhooks/${emulator.applicationId}/${interaction.token}/messages/@original`;
  const followUp = `/webhooks/${emulator.applicationId}/${interaction.token}`;
  const filled = await emulator.waitForRequest((r) => (r.method === 'PATCH' && r.path === original) || (r.method === 'POST' && r.path === followUp), { since, timeoutMs });
  return { ms: filled.at - dispatchedAt, deferred: true, ...failureOf(filled.body), bytes: filled.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) };
}

function failureOf(data: { content?: unknown } | undefined): { failed: boolean; failure?: string } {
  const failed = typeof data?.content === 'string' && data.content.startsWith('⚠️');
  return failed ? { failed, failure: String(data!.content).slice(0, 160) } : { failed };
}

/** The table names a DynamoDB command's input names. */
export function tablesOfInput(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  if (input.RequestItems && typeof input.RequestItems === 'object') return Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    return [...new Set(input.TransactItems.flatMap((item) => Object.values(item as Record<string, { TableName?: string }>).map((op) => op?.TableName ?? '')).filter(Boolean))];
  }
  return [];
}

/** Resolves once the bot has no interaction in flight (bounded). */
export async function settled(target: Target, timeoutMs = ANSWER_TIMEOUT_MS): Promise<void> {
  const deadline = now() + timeoutMs;
  while (target.inFlight() > 0) {
    if (now() > deadline) throw new Error(`the bot still had interactions in flight after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Resolves once DynamoDB has been idle for a moment: nothing pending at the meter (requests a
 * client gave up on still run) and nothing answered lately (work the bot does outside an
 * interaction, such as following a draw changed elsewhere). Between phases, so no phase pays
 * for the one before.
 */
export async function quiet(target: Target, idleMs = 250, timeoutMs = 120_000): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const last = target.meter.requests.at(-1);
    if (target.meter.pending === 0 && target.inFlight() === 0 && (!last || now() - (last.at + last.ms) >= idleMs)) return;
    if (now() > deadline) throw new Error('DynamoDB did not go quiet within 2 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inWindow = (start: number, end: number) => (r: { at: number }) => r.at >= start - 1 && r.at <= end + 1;

/** One interaction on its own: its time and the DynamoDB requests it started. */
export async function alone(target: Target, send: () => SentInteraction, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Sample> {
  await settled(target, timeoutMs);
  const mark = target.meter.mark;
  const issuedMark = target.issued?.length ?? 0;
  const since = target.emulator.requests.length;
  const started = now();
  const interaction = send();
  const answer = await answerOf(target.emulator, interaction, started, since, timeoutMs);
  await settled(target, timeoutMs);
  const ended = now();
  // By when a request started, not when it finished: one a client abandoned (and that finishes
  // later) stays with the interaction that sent it.
  const requests = target.meter.requests.slice(Math.max(0, mark - 200)).filter(inWindow(started, ended)).filter((r) => r.tables.some((t) => target.tables.has(t)));
  const issued = (target.issued ?? []).slice(issuedMark).filter(inWindow(started, ended));
  return { ...answer, requests, issued };
}

/** `count` interactions dispatched at once; each one's time to its answer; the DynamoDB requests of them all. */
export async function burst(target: Target, count: number, send: (i: number) => SentInteraction): Promise<{ answers: Answer[]; requests: MeteredRequest[] }> {
  await settled(target);
  const mark = target.meter.mark;
  const since = target.emulator.requests.length;
  const sent: { interaction: SentInteraction; at: number }[] = [];
  for (let i = 0; i < count; i++) sent.push({ at: now(), interaction: send(i) });
  const answers = await Promise.all(sent.map((s) => answerOf(target.emulator, s.interaction, s.at, since)));
  await settled(target);
  return { answers, requests: target.meter.since(mark).filter((r) => r.tables.some((t) => target.tables.has(t))) };
}

export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The requests of one interaction as rounds: a request is in round n+1 when it started after a
 * request of round n had finished. Requests in one round ran in parallel; the number of rounds is
 * the chain of round trips the interaction waited for.
 */
export function rounds(requests: Issued[]): Issued[][] {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const depth = new Map<Issued, number>();
  for (const r of sorted) {
    let d = 0;
    for (const before of sorted) {
      if (before === r) break;
      if (before.end <= r.at) d = Math.max(d, depth.get(before)! + 1);
    }
    depth.set(r, d);
  }
  const out: Issued[][] = [];
  for (const r of sorted) (out[depth.get(r)!] ??= []).push(r);
  return out;
}

const SHORT: Record<string, string> = { GetItem: 'Get', BatchGetItem: 'BatchGet', TransactWriteItems: 'TransactWrite', UpdateItem: 'Update', PutItem: 'Put', DeleteItem: 'Delete', BatchWriteItem: 'BatchWrite' };

/**
 * "Get members + Query distributions (12 ms) ▸ TransactWrite … (30 ms)": one run's requests,
 * round by round, each round with the time DynamoDB took for its slowest request.
 */
export function describeRounds(requests: Issued[], tableKind: (name: string) => string): string {
  return rounds(requests)
    .map((round) => {
      const counts = new Map<string, number>();
      for (const r of round) {
        const label = `${SHORT[r.operation] ?? r.operation} ${r.tables.map(tableKind).join('/')}`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const ms = Math.max(...round.map((r) => r.end - r.at));
      return `${[...counts].map(([label, n]) => (n > 1 ? `${n}× ${label}` : label)).join(' + ')} (${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms)`;
    })
    .join(' ▸ ');
}

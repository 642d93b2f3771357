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
  /** Size of the files attached to the answer (the CSV export). */
  bytes?: number;
}

export interface Sample extends Answer {
  requests: MeteredRequest[];
}

export interface Target {
  emulator: DiscordEmulator;
  meter: DynamoMeter;
  /** How many interactions the bot is still working on (its router's in-flight count). */
  inFlight(): number;
  /** Tables whose requests count (the bot's, not the bench's own). */
  tables: ReadonlySet<string>;
}

export const ANSWER_TIMEOUT_MS = 60_000;

/** The answer to an interaction dispatched when the emulator had `since` requests. */
export async function answerOf(emulator: DiscordEmulator, interaction: SentInteraction, dispatchedAt: number, since: number, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Answer> {
  const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
  const callback = await emulator.waitForRequest((r) => r.path === callbackPath, { since, timeoutMs });
  if ((callback.status ?? 200) >= 400) return { ms: undefined, deferred: false, failed: true };
  const type = callback.body?.type;
  if (type !== 5 && type !== 6) return { ms: callback.at - dispatchedAt, deferred: false, failed: isFailure(callback.body?.data) };
  const original = `/webhooks/${emulator.applicationId}/${interaction.token}/messages/@original`;
  const followUp = `/webhooks/${emulator.applicationId}/${interaction.token}`;
  const filled = await emulator.waitForRequest((r) => (r.method === 'PATCH' && r.path === original) || (r.method === 'POST' && r.path === followUp), { since, timeoutMs });
  return { ms: filled.at - dispatchedAt, deferred: true, failed: isFailure(filled.body), bytes: filled.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) };
}

function isFailure(data: { content?: unknown } | undefined): boolean {
  return typeof data?.content === 'string' && data.content.startsWith('⚠️');
}

/** Resolves once the bot has no interaction in flight (bounded). */
export async function settled(target: Target, timeoutMs = ANSWER_TIMEOUT_MS): Promise<void> {
  const deadline = now() + timeoutMs;
  while (target.inFlight() > 0) {
    if (now() > deadline) throw new Error(`the bot still had interactions in flight after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One interaction on its own: its time and the DynamoDB requests it caused. */
export async function alone(target: Target, send: () => SentInteraction, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Sample> {
  await settled(target, timeoutMs);
  const mark = target.meter.mark;
  const since = target.emulator.requests.length;
  const started = now();
  const interaction = send();
  const answer = await answerOf(target.emulator, interaction, started, since, timeoutMs);
  await settled(target, timeoutMs);
  return { ...answer, requests: target.meter.since(mark).filter((r) => r.tables.some((t) => target.tables.has(t))) };
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
export function rounds(requests: MeteredRequest[]): MeteredRequest[][] {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const depth = new Map<MeteredRequest, number>();
  for (const r of sorted) {
    let d = 0;
    for (const before of sorted) {
      if (before === r) break;
      if (before.at + before.ms <= r.at) d = Math.max(d, depth.get(before)! + 1);
    }
    depth.set(r, d);
  }
  const out: MeteredRequest[][] = [];
  for (const r of sorted) (out[depth.get(r)!] ??= []).push(r);
  return out;
}

const SHORT: Record<string, string> = { GetItem: 'Get', BatchGetItem: 'BatchGet', TransactWriteItems: 'TransactWrite', UpdateItem: 'Update', PutItem: 'Put', DeleteItem: 'Delete', BatchWriteItem: 'BatchWrite' };

/**
 * "Get members + Query distributions (12 ms) ▸ TransactWrite … (30 ms)": one run's requests,
 * round by round, each round with the time DynamoDB took for its slowest request.
 */
export function describeRounds(requests: MeteredRequest[], tableKind: (name: string) => string): string {
  return rounds(requests)
    .map((round) => {
      const counts = new Map<string, number>();
      for (const r of round) {
        const label = `${SHORT[r.operation] ?? r.operation} ${r.tables.map(tableKind).join('/')}`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const ms = Math.max(...round.map((r) => r.ms));
      return `${[...counts].map(([label, n]) => (n > 1 ? `${n}× ${label}` : label)).join(' + ')} (${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms)`;
    })
    .join(' ▸ ');
}

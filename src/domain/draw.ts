/**
 * The draw's life, as pure rules: who may be picked (docs/architecture.md, "A draw's life"), and
 * which change a draw in a given state accepts (reroll, cancel, confirm, expiry). The draws service turns each accepted
 * change into one conditional write whose condition is this module's precondition, so what this
 * says is what DynamoDB enforces, across presses, officers and processes.
 *
 *   drawn ──reroll──▶ drawn (next winner, version + 1)
 *   drawn ──claim──▶ drawn + confirm claim ──award──▶ confirmed ──revert──▶ reverted
 *   drawn ──cancel──▶ cancelled          drawn ──(15 min)──▶ expired
 */
import { randomInt } from 'node:crypto';

export const DRAW_STATUSES = ['drawn', 'confirmed', 'cancelled', 'expired', 'reverted'] as const;
export type DrawStatus = (typeof DRAW_STATUSES)[number];

/** A draw can be acted on for 15 minutes after it was drawn. */
export const DRAW_TTL_MS = 15 * 60_000;
/**
 * A confirm claimed longer ago than this cannot still be in flight: the SDK gives up on a
 * request after its timeouts and retries (well under a minute). Past it, the claim no longer
 * blocks expiry.
 */
export const CONFIRM_IN_FLIGHT_MS = 60_000;

/**
 * At most this many rerolls of one draw: the record names each member drawn before (id and name)
 * and who rerolled, so this bounds the record (under 4 KB with everything else it holds).
 */
export const MAX_REROLLS = 40;

export const DRAW_POLICIES = ['uniform', 'fewest', 'longest'] as const;
export type DrawPolicy = (typeof DRAW_POLICIES)[number];

export function isDrawPolicy(value: string): value is DrawPolicy {
  return (DRAW_POLICIES as readonly string[]).includes(value);
}

/** What the rules need to know about a draw. */
export interface DrawState {
  status: DrawStatus;
  version: number;
  winnerId: string;
  /** Named by an officer: nobody else could be drawn. */
  named: boolean;
  /** ISO timestamp. */
  expiresAt: string;
  /** A confirm in progress: its award time and when it was claimed (ISO). */
  confirm?: { at: string; startedAt: string };
  /** How many times it was rerolled. */
  rerolls?: number;
}

export type Refusal =
  /** Already confirmed, cancelled, expired or reverted. */
  | { reason: 'ended'; status: DrawStatus }
  /** Past its 15 minutes (the caller marks it expired). */
  | { reason: 'expired' }
  /** An award may be in flight: only Confirm (which finishes it) is accepted. */
  | { reason: 'confirming' }
  /** The message pressed showed an older version (someone rerolled meanwhile). */
  | { reason: 'changed'; version: number }
  /** Everyone who could be drawn has been. */
  | { reason: 'exhausted' }
  /** Rerolled MAX_REROLLS times already. */
  | { reason: 'reroll_limit' }
  | { reason: 'named' };

export type Decision<T = object> = ({ ok: true } & T) | ({ ok: false } & Refusal);

const isOverdue = (state: DrawState, now: Date) => now.getTime() >= Date.parse(state.expiresAt);
const claimInFlight = (state: DrawState, now: Date) =>
  state.confirm !== undefined && now.getTime() - Date.parse(state.confirm.startedAt) < CONFIRM_IN_FLIGHT_MS;

/**
 * A claim older than the in-flight time was left by a process that died (or gave up) before its
 * award: no award can still come of it, so Reroll and Cancel release it (their conditional write
 * removes it) instead of waiting for the draw to expire.
 */
export const isClaimStale = (state: DrawState, now: Date) => state.confirm !== undefined && !claimInFlight(state, now);

function open(state: DrawState, now: Date): Decision | undefined {
  if (state.status !== 'drawn') return { ok: false, reason: 'ended', status: state.status };
  if (isOverdue(state, now) && !claimInFlight(state, now)) return { ok: false, reason: 'expired' };
  return undefined;
}

/** Reroll: only an open draw nobody is confirming, as the presser saw it. */
export function decideReroll(state: DrawState, shownVersion: number | undefined, now: Date): Decision {
  const closed = open(state, now);
  if (closed) return closed;
  if (claimInFlight(state, now)) return { ok: false, reason: 'confirming' };
  if (state.named) return { ok: false, reason: 'named' };
  if (shownVersion !== undefined && shownVersion !== state.version) return { ok: false, reason: 'changed', version: state.version };
  if ((state.rerolls ?? 0) >= MAX_REROLLS) return { ok: false, reason: 'reroll_limit' };
  return { ok: true };
}

/** Cancel: only an open draw nobody is confirming (whatever winner it shows). */
export function decideCancel(state: DrawState, now: Date): Decision {
  const closed = open(state, now);
  if (closed) return closed;
  if (claimInFlight(state, now)) return { ok: false, reason: 'confirming' };
  return { ok: true };
}

/**
 * Confirm: a fresh claim on an open draw showing the version pressed, or, when a claim already
 * stands (a lost answer, a crash, a second press), a retry of exactly that claimed award: its
 * parameters are stored, so the retried transaction is the same one and awards at most once.
 * An overdue draw is refused, except to finish its own claimed award while that may still be in
 * flight (the award's condition says the same).
 */
export function decideConfirm(state: DrawState, shownVersion: number | undefined, now: Date): Decision<{ retry: boolean }> {
  if (state.status !== 'drawn') return { ok: false, reason: 'ended', status: state.status };
  if (isOverdue(state, now) && !claimInFlight(state, now)) return { ok: false, reason: 'expired' };
  if (state.confirm) return { ok: true, retry: true };
  if (shownVersion !== undefined && shownVersion !== state.version) return { ok: false, reason: 'changed', version: state.version };
  return { ok: true, retry: false };
}

/** Expire: an open draw past its time, unless an award may still be in flight. */
export function decideExpire(state: DrawState, now: Date): Decision {
  if (state.status !== 'drawn') return { ok: false, reason: 'ended', status: state.status };
  if (!isOverdue(state, now)) return { ok: false, reason: 'changed', version: state.version };
  if (claimInFlight(state, now)) return { ok: false, reason: 'confirming' };
  return { ok: true };
}

// ---- who may be picked ------------------------------------------------------------------------

/**
 * A candidate's figures from their awards of one quality (oldest first): how many fall in the
 * fairness window (`fewest`), and the last one whenever it was (`longest` has no window).
 */
export function statsFromAwards(awards: readonly { at: string }[], windowStart: string): CandidateStats {
  const count = awards.filter((a) => a.at >= windowStart).length;
  const last = awards.reduce<string | undefined>((newest, a) => (newest === undefined || a.at > newest ? a.at : newest), undefined);
  return { count, ...(last ? { last } : {}) };
}

/** A candidate's record for the fairness policies: links of this quality in the window, the last one. */
export interface CandidateStats {
  count: number;
  /** ISO timestamp of the last link of this quality, whenever it was; undefined: none. */
  last?: string;
}

export interface PickInput {
  /** Everyone the draw could pick (eligible, not away), in the order drawn from. */
  pool: readonly string[];
  /** Those in the pool who want the link's type: the draw is among them while any are left. */
  wanting: ReadonlySet<string>;
  policy: DrawPolicy;
  stats: ReadonlyMap<string, CandidateStats>;
  /** Already drawn (rerolled or current): never drawn again. */
  exclude: ReadonlySet<string>;
}

export interface Pick {
  winnerId: string;
  /** Who the pick was among (after wants and policy), before the random tie-break. */
  among: string[];
  /** Whether it was among those wanting the link. */
  wanted: boolean;
}

/**
 * The candidates a draw picks among: those wanting the link while any are left, else the rest of
 * the pool; then, by policy, those with the fewest links of the quality in the window (`fewest`)
 * or whose last one is oldest, never first (`longest`); `uniform` keeps everyone.
 */
export function candidatesFor(input: Omit<PickInput, 'exclude'> & { exclude?: ReadonlySet<string> }): { among: string[]; wanted: boolean } {
  const left = [...new Set(input.pool)].filter((id) => !input.exclude?.has(id));
  const wanting = left.filter((id) => input.wanting.has(id));
  const tier = wanting.length ? wanting : left;
  return { among: byPolicy(tier, input.policy, input.stats), wanted: wanting.length > 0 };
}

function byPolicy(ids: string[], policy: DrawPolicy, stats: ReadonlyMap<string, CandidateStats>): string[] {
  if (policy === 'uniform' || ids.length === 0) return ids;
  const of = (id: string): CandidateStats => stats.get(id) ?? { count: 0 };
  if (policy === 'fewest') {
    const least = Math.min(...ids.map((id) => of(id).count));
    return ids.filter((id) => of(id).count === least);
  }
  // longest: never (no last link) sorts before any date.
  const key = (id: string) => of(id).last ?? '';
  const oldest = ids.map(key).sort()[0];
  return ids.filter((id) => key(id) === oldest);
}

/** Draws one winner: the candidates by wants and policy, ties broken with the cryptographic generator. */
export function pickWinner(input: PickInput): Pick | null {
  const { among, wanted } = candidatesFor(input);
  if (among.length === 0) return null;
  return { winnerId: among[randomInt(among.length)], among, wanted };
}

/**
 * Draws one id uniformly at random from `pool`, ignoring ids already drawn. Uses the
 * cryptographic generator (no modulo bias: randomInt rejects out-of-range samples).
 */
export function drawWinner(pool: readonly string[], alreadyDrawn: readonly string[] = []): string | null {
  return pickWinner({ pool, wanting: new Set(), policy: 'uniform', stats: new Map(), exclude: new Set(alreadyDrawn) })?.winnerId ?? null;
}

/**
 * npm run bench — every command, button and autocomplete of the real app (startApp) against its
 * own DynamoDB Local and the Discord emulator, at two guild sizes, beside a bare discord.js client
 * that answers with one GetItem. For each: DynamoDB requests and consumed capacity per
 * interaction, latency alone (sequential) and in a burst of 100 at once. Prints Markdown to
 * stdout (progress goes to stderr) and checks its targets (docs/benchmark.md) without asserting them;
 * `--write <file>` also writes it into that file (docs/benchmark.md: between its markers).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDynamoClients } from '../src/db/client';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../src/db/embedded';
import { DiscordEmulator, nextSnowflake } from '../test/support/discord-emulator';
import { DynamoMeter } from '../test/support/dynamo-meter';
import { DynamoProxy } from '../test/support/dynamo-proxy';
import { startBareClient } from './bare';
import { startGuild, TOKEN, type BenchGuild } from './guild';
import { alone, burst, describeRounds, now, percentile, quiet, type Answer, type Sample, type Target } from './measure';
import { writeLatestRun } from './report-file';
import { HEAVY_RUNS, scenarios, type Scenario } from './scenarios';
import { YEAR_1, YEAR_10, type GuildSize } from './seed';

/** BENCH_QUICK=1: the small guild only, a few runs and a small burst (to check the bench itself). */
const QUICK = process.env.BENCH_QUICK === '1';
/**
 * BENCH_SIZES=2k/50k: only the sizes named (to look into one closely). BENCH_SIZES='year 1,year 10':
 * a 300-member guild after one and after ten years (40,000 awards, 30 % never marked delivered,
 * 8,000 ended draws, 120 closed lists), which the default run leaves out.
 */
const SIZES: GuildSize[] = [
  { label: '200/5k', members: 200, awards: 5_000 },
  ...(QUICK ? [] : [{ label: '2k/50k', members: 2_000, awards: 50_000 }]),
  YEAR_1,
  YEAR_10,
].filter((size) => (process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').includes(size.label) : !size.years));
const RUNS = 50;
/**
 * Untimed runs, after the burst, through the AWS-rules proxy (capacity only: no lag, conflicts or
 * throttling): WCU per item as AWS computes it, and the largest item each command writes.
 */
const CAPACITY_RUNS = QUICK ? 1 : 3;
const BURST = 100;
/** The commands whose burst p99 must stay within 1.5× the bare client's. */
const RATIO_TARGETS = ['/member info', '/inventory list', '/history (own)'];
const BARE = 'bare client (1 GetItem)';

interface Row {
  name: string;
  size: GuildSize;
  exception?: string;
  requests: number[];
  rcu: number[];
  wcu: number[];
  alone: number[];
  burst: number[];
  burstSize: number;
  /** First responses Discord refused as later than 3 s (the interaction went unanswered). */
  late: number;
  /** Answers that were errors (⚠️). */
  failed: number;
  /** What they said (distinct, at most 3). */
  failures?: string[];
  /** DynamoDB requests refused during the burst, by error (conflicts the bot retried, throttling). */
  dynamoErrors: Map<string, number>;
  /** In the burst: DynamoDB's time per request (mean, ms), by operation. */
  burstDynamoMs: Map<string, number>;
  rounds: string;
  error?: string;
  expectedErrors?: string;
  /** The bare client's burst p99, measured just before this burst (same load, minutes apart at most). */
  bareP99?: number;
  /** Per capacity run: WCU as AWS computes it (per item, the larger of before and after, ×2 in a transaction). */
  awsWcu: number[];
  /** The largest item (bytes, before or after) any capacity run wrote. */
  largestWritten: number;
}

/** Where the meter sends requests: DynamoDB Local, or the capacity proxy in front of it. */
interface Routes {
  meter: DynamoMeter;
  local: string;
  capacity: DynamoProxy;
}

/** Runs a burst of the bare client now and gives its p99. */
type PairedBare = (count: number) => Promise<number | undefined>;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function measure(name: string, size: GuildSize, target: Target, s: Omit<Scenario, 'name'>, tableKind: (t: string) => string, pairedBare?: PairedBare, routes?: Routes): Promise<Row> {
  const runs = QUICK ? Math.min(s.runs ?? RUNS, 5) : (s.runs ?? RUNS);
  const burstSize = QUICK ? Math.min(s.burst ?? BURST, Number(process.env.BENCH_BURST ?? 20)) : (s.burst ?? BURST);
  const row: Row = { name, size, exception: s.exception, expectedErrors: s.expectedErrors, requests: [], rcu: [], wcu: [], alone: [], burst: [], burstSize, late: 0, failed: 0, rounds: '', dynamoErrors: new Map(), burstDynamoMs: new Map(), awsWcu: [], largestWritten: 0 };
  const refusalsBefore = target.emulator.refusals.length;
  const samples: Sample[] = [];
  try {
    await s.prepare?.(runs + burstSize + (routes ? CAPACITY_RUNS : 0));
    await quiet(target);
    for (let i = 0; i < runs; i++) {
      await s.before?.(i);
      samples.push(await alone(target, () => s.send(i), s.timeoutMs));
      await s.after?.(i);
    }
    await s.beforeBurst?.();
    await quiet(target);
    if (burstSize && pairedBare) {
      row.bareP99 = await pairedBare(burstSize);
      await quiet(target);
    }
    const { answers, requests } = burstSize ? await burst(target, burstSize, (j) => s.send(runs + j)) : { answers: [] as Answer[], requests: [] };
    for (const r of [...samples.flatMap((x) => x.requests), ...requests]) if (r.error) row.dynamoErrors.set(r.error, (row.dynamoErrors.get(r.error) ?? 0) + 1);
    for (const op of new Set(requests.map((r) => r.operation))) row.burstDynamoMs.set(op, mean(requests.filter((r) => r.operation === op).map((r) => r.ms)));
    if (routes) {
      await quiet(target);
      for (let k = 0; k < CAPACITY_RUNS; k++) {
        const i = runs + burstSize + k;
        await s.before?.(i);
        routes.meter.route(routes.capacity.endpoint);
        const mark = routes.capacity.capacityMark;
        try {
          await alone(target, () => s.send(i), s.timeoutMs);
          await quiet(target);
          await routes.capacity.settled();
        } finally {
          routes.meter.route(routes.local);
        }
        const recorded = routes.capacity.capacitySince(mark);
        row.awsWcu.push(recorded.reduce((n, r) => n + r.wcu, 0));
        for (const item of recorded.flatMap((r) => (r.wcu ? r.items : []))) row.largestWritten = Math.max(row.largestWritten, item.beforeBytes, item.afterBytes);
        await s.after?.(i);
      }
    }
    await s.finish?.();
    await quiet(target);
    // An interaction Discord refused as late was never answered: it counts as slower than any answer.
    row.burst = answers.map((a) => a.ms ?? Number.POSITIVE_INFINITY);
    const failures = [...samples, ...answers].filter((a) => a.failed);
    row.failed = failures.length;
    // What the errors said, each distinct text once (at most 3), so an unexpected one can be told.
    row.failures = [...new Set(failures.map((a) => a.failure ?? ''))].slice(0, 3);
  } catch (error) {
    row.error = (error as Error).message;
    log(`  ${name}: ${row.error}`);
  }
  row.alone = samples.map((a) => a.ms ?? Number.POSITIVE_INFINITY);
  row.requests = samples.map((x) => x.requests.length);
  row.rcu = samples.map((x) => x.requests.reduce((n, r) => n + r.rcu, 0));
  row.wcu = samples.map((x) => x.requests.reduce((n, r) => n + r.wcu, 0));
  const typical = samples.find((x) => x.requests.length === percentile(row.requests, 50));
  row.rounds = typical ? describeRounds(typical.issued, tableKind) : '';
  const attached = samples.find((x) => x.bytes);
  if (attached?.bytes) row.rounds += `; attaches ${(attached.bytes / 2 ** 20).toFixed(1)} MB`;
  row.late = target.emulator.refusals.slice(refusalsBefore).filter((r) => r.code === 10062).length;
  log(`  ${name}: ${fmtRequests(row.requests)} requests, alone p50 ${fmtMs(percentile(row.alone, 50))}, burst p99 ${fmtMs(percentile(row.burst, 99))}${row.late ? `, ${row.late} late` : ''}${row.failed ? `, ${row.failed} errors (${(row.failures ?? []).map((f) => JSON.stringify(f)).join('; ')})` : ''}${row.burstDynamoMs.size ? `, DynamoDB in the burst: ${[...row.burstDynamoMs].map(([op, ms]) => `${op} ${Math.round(ms)} ms`).join(', ')}` : ''}${row.dynamoErrors.size ? `, DynamoDB refused: ${[...row.dynamoErrors].map(([e, n]) => `${n}× ${e}`).join('; ')}` : ''}`);
  return row;
}

async function measureGuild(size: GuildSize, dynamo: ReturnType<typeof createDynamoClients>, meter: DynamoMeter, routes?: Routes): Promise<Row[]> {
  log(`guild of ${size.members} members and ${size.awards} awards`);
  const guild: BenchGuild = await startGuild({ size, dynamo, meter, log });
  const bare = await startBare(guild, meter);
  const rows: Row[] = [];
  try {
    for (const line of guild.verified) log(`  checked through the services: ${line}`);
    await checkMemberInfo(guild);
    // Each burst is compared with a burst of the bare client run just before it: the machine's
    // load moves within minutes, and a ratio is only fair between runs under the same load.
    const pairedBare: PairedBare = async (count) => {
      const { answers } = await burst(bare.target, count, bare.send);
      await quiet(bare.target);
      return percentile(answers.map((a) => a.ms ?? Number.POSITIVE_INFINITY), 99);
    };
    // BENCH_ONLY=<pattern>: only the scenarios whose name matches (to look into one closely).
    const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
    for (const s of scenarios(guild)) if (!only || only.test(s.name)) rows.push(await measure(s.name, size, guild.target, s, guild.tableKind, pairedBare, routes));
    rows.push(await measure(BARE, size, bare.target, { send: bare.send }, guild.tableKind));
  } finally {
    await bare.stop();
    await guild.stop();
  }
  return rows;
}

/** /member info, through Discord, says what the seed wrote. */
async function checkMemberInfo(guild: BenchGuild): Promise<void> {
  const busiest = [...guild.seeded.sages].sort((a, b) => b.awards.length - a.awards.length)[0];
  const { interaction } = await guild.once(() => guild.emulator.sendSubcommand(guild.user(busiest), 'member', 'info'));
  const answer = await guild.emulator.answerTo(interaction);
  const fields: { name: string; value: string }[] = answer.data?.embeds?.[0]?.fields ?? [];
  const received = fields.find((f) => f.name === 'Links received')?.value;
  if (received !== String(busiest.awards.length)) throw new Error(`/member info shows ${received} links for ${busiest.username}; the seed gave ${busiest.awards.length}`);
  log(`  checked through Discord: /member info shows ${received} links for ${busiest.username}`);
}

/** The bare client on its own emulator, same DynamoDB Local (through the same meter), same run. */
async function startBare(guild: BenchGuild, meter: DynamoMeter) {
  const emulator = await new DiscordEmulator(nextSnowflake(), TOKEN, { now }).start();
  const bare = await startBareClient({ apiBaseUrl: emulator.apiBaseUrl, token: TOKEN, dynamoEndpoint: meter.endpoint, membersTable: guild.tables.members });
  const users = guild.seeded.sages.map((m) => emulator.addUser({ id: m.id, username: m.username }));
  const target: Target = { emulator, meter, inFlight: bare.inFlight, tables: new Set([guild.tables.members]) };
  return {
    target,
    send: (i: number) => emulator.sendCommand(users[i % users.length], 'ping'),
    async stop() {
      await bare.stop();
      await emulator.stop();
    },
  };
}

// ---- the report --------------------------------------------------------------------------------

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms === Number.POSITIVE_INFINITY) return 'late';
  return ms < 10 ? ms.toFixed(1) : ms < 10_000 ? String(Math.round(ms)) : `${(ms / 1000).toFixed(1)} s`;
}
function fmtRequests(xs: number[]): string {
  if (!xs.length) return '—';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}
const fmtBytes = (n: number) => (!n ? '—' : n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);
const fmtUnits = (xs: number[]) => (xs.length ? (Math.round(mean(xs) * 10) / 10).toString() : '—');

function report(rows: Row[]): string {
  const bareOf = new Map(rows.filter((r) => r.name === BARE).map((r) => [r.size.label, percentile(r.burst, 99)]));
  const out: string[] = [];
  const cpu = os.cpus();
  out.push(`Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, DynamoDB Local in memory. ` +
    `Alone: ${RUNS} sequential runs (${HEAVY_RUNS} for roster-sized ones); burst: ${BURST} dispatched at once. Milliseconds from dispatch to the answer reaching Discord. ` +
    `Requests, RCU and WCU: per interaction, alone (RCU/WCU as DynamoDB Local reports them, mean). ` +
    `WCU (AWS) and largest item written: over ${CAPACITY_RUNS} untimed runs through the capacity-recording proxy (test/support/dynamo-proxy.ts), per item as AWS charges: the larger of before and after, per started KB, twice in a transaction. Ratio: burst p99 over the p99 of a burst of the bare client run just before it. late: first responses Discord refused (after 3 s): never answered.`);
  out.push('');
  out.push('| command | size | requests | RCU | WCU | WCU (AWS) | largest item written | p50 alone | p99 alone | p50 burst | p99 burst | ratio to bare | late | errors |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const names = [...new Set(rows.map((r) => r.name))];
  for (const name of names) {
    for (const r of rows.filter((x) => x.name === name)) {
      const bare = r.bareP99 ?? bareOf.get(r.size.label);
      const p99 = percentile(r.burst, 99);
      const ratio = p99 !== undefined && Number.isFinite(p99) && bare && Number.isFinite(bare) ? `×${(p99 / bare).toFixed(2)} (of ${fmtMs(bare)})` : '—';
      const burstNote = r.burstSize && r.burstSize !== BURST ? ` (n=${r.burstSize})` : '';
      out.push(
        `| ${r.name}${r.exception ? ' †' : ''}${r.error ? ' ‼' : ''} | ${r.size.label} | ${fmtRequests(r.requests)} | ${fmtUnits(r.rcu)} | ${fmtUnits(r.wcu)} | ${fmtUnits(r.awsWcu)} | ${fmtBytes(r.largestWritten)} | ${fmtMs(percentile(r.alone, 50))} | ${fmtMs(percentile(r.alone, 99))} | ${fmtMs(percentile(r.burst, 50))}${burstNote} | ${fmtMs(p99)} | ${ratio} | ${r.late} | ${r.failed} |`,
      );
    }
  }
  out.push('');
  out.push('† its answer is the roster or the whole history, so its requests grow with the tables (named exceptions). ‼ the scenario stopped early (below).');
  for (const r of rows.filter((x) => x.error)) out.push(`- ‼ ${r.name} at ${r.size.label}: ${r.error}`);
  for (const name of names) {
    const expected = rows.find((r) => r.name === name)?.expectedErrors;
    if (expected) out.push(`- Errors of ${name} are expected: ${expected}.`);
  }
  for (const r of rows.filter((x) => x.failed && !x.expectedErrors)) out.push(`- ${r.failed} error${r.failed === 1 ? '' : 's'} of ${r.name} at ${r.size.label}: ${(r.failures ?? []).map((f) => `“${f}”`).join('; ')}`);

  out.push('', `DynamoDB round trips of one typical run at ${SIZES.at(-1)!.label} (A + B: in parallel; ▸: after):`, '');
  for (const r of rows.filter((x) => x.size === SIZES.at(-1) && x.name !== BARE)) out.push(`- ${r.name}: ${r.rounds || 'no request'}`);

  out.push('', 'Targets:', '');
  const [small, large] = SIZES;
  if (!small || !large) return out.join('\n');
  const grows = names.filter((name) => {
    const a = rows.find((r) => r.name === name && r.size === small);
    const b = rows.find((r) => r.name === name && r.size === large);
    return a && b && (mean(b.requests) > mean(a.requests) + 0.5 || mean(b.rcu) > 1.5 * mean(a.rcu) + 1);
  });
  const unexpected = grows.filter((name) => !rows.find((r) => r.name === name)?.exception);
  out.push(
    `- Requests or read units that grow from ${small.label} to ${large.label}: ${grows.join(', ') || 'none'}. ` +
      (unexpected.length ? `Not a named exception: ${unexpected.join(', ')} — target missed.` : 'All are named exceptions — target met.'),
  );
  const chains = rows.filter((r) => r.size === large && r.name !== BARE && r.requests.length && r.rounds && r.rounds.split(' ▸ ').length === percentile(r.requests, 50) && (percentile(r.requests, 50) ?? 0) >= 3);
  out.push(`- Fully sequential chains of 3+ requests (each waits for the one before; check that they depend on each other): ${chains.map((r) => r.name).join(', ') || 'none'}.`);
  for (const size of SIZES) {
    const parts = RATIO_TARGETS.map((name) => {
      const row = rows.find((r) => r.name === name && r.size === size);
      const p99 = percentile(row?.burst ?? [], 99);
      const bare = row?.bareP99 ?? bareOf.get(size.label);
      const ratio = p99 !== undefined && bare ? p99 / bare : NaN;
      return Number.isFinite(ratio) ? `${name} ×${ratio.toFixed(2)} ${ratio <= 1.5 ? 'met' : 'MISSED'}` : `${name} MISSED (answers later than 3 s)`;
    });
    out.push(`- Burst p99 within 1.5× the bare client's at ${size.label}: ${parts.join('; ')}.`);
  }
  const refused = rows.filter((r) => r.dynamoErrors.size);
  out.push(`- DynamoDB requests refused (alone or in the burst): ${refused.map((r) => `${r.name} at ${r.size.label}: ${[...r.dynamoErrors].map(([e, n]) => `${n}× ${e}`).join('; ')}`).join(' · ') || 'none'}.`);
  const late = rows.filter((r) => r.late);
  const bursts = rows.filter((r) => r.burstSize > 0);
  out.push(
    `- Every interaction answered (0 late in every burst row, ${bursts.length} rows): ${late.length ? `MISSED: ${late.map((r) => `${r.name} at ${r.size.label}: ${r.late} late`).join('; ')}` : 'met'}.`,
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  // Read first, so that a mistyped option stops the run before ten minutes of measuring.
  const { values } = parseArgs({ options: { write: { type: 'string' } }, strict: true });
  const started = Date.now();
  let dynamo: EmbeddedDynamo | undefined;
  let meter: DynamoMeter | undefined;
  let capacity: DynamoProxy | undefined;
  const stop = async () => {
    await meter?.stop().catch(() => undefined);
    await capacity?.stop().catch(() => undefined);
    await dynamo?.stop();
  };
  // Interrupted: the DynamoDB Local this run started is stopped by its handle, nothing else.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping DynamoDB Local`);
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    dynamo = await startEmbeddedDynamo();
    meter = await DynamoMeter.start(dynamo.endpoint);
    // BENCH_CAPACITY=0 leaves out the capacity runs.
    capacity = process.env.BENCH_CAPACITY === '0' ? undefined : await DynamoProxy.start(dynamo.endpoint, { aws: { lagMs: 0, transactionHoldMs: 0, itemWcuPerSecond: Number.POSITIVE_INFINITY } });
    const routes = capacity ? { meter, local: dynamo.endpoint, capacity } : undefined;
    log(`DynamoDB Local on ${dynamo.endpoint} (pid ${dynamo.pid}), metered at ${meter.endpoint}`);
    const clients = createDynamoClients({ endpoint: dynamo.endpoint, region: 'us-east-1', requestTimeoutMs: 30_000 });
    const rows: Row[] = [];
    try {
      for (const size of SIZES) {
        try {
          rows.push(...(await measureGuild(size, clients, meter, routes)));
        } catch (error) {
          // A guild that cannot even be seeded (ten years in today's forms) is a row of the report.
          log(`guild ${size.label}: ${(error as Error).message}`);
          rows.push({ name: '(the whole guild)', size, requests: [], rcu: [], wcu: [], alone: [], burst: [], burstSize: 0, late: 0, failed: 0, rounds: '', dynamoErrors: new Map(), burstDynamoMs: new Map(), awsWcu: [], largestWritten: 0, error: (error as Error).message });
        }
      }
    } finally {
      clients.client.destroy();
    }
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    const text = report(rows);
    process.stdout.write(`${text}\n`);
    if (values.write) {
      const how = writeLatestRun(values.write, `Run of ${new Date().toISOString().slice(0, 10)}${QUICK ? ' (BENCH_QUICK: the small guild only, a few runs)' : ''}, ${minutes} minutes.\n\n${text}`);
      log(`${how === 'replaced' ? 'replaced the latest run in' : 'wrote'} ${values.write}`);
    }
    log(`done in ${minutes} min`);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);

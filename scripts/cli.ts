/**
 * What the command-line scripts share: their options and usage line, stopping cleanly at the next
 * page on Ctrl-C or SIGTERM, checkpoint files written whole, and one way to end (exit 0 done,
 * 3 stopped early, 1 could not run) with one clear line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../src/config';
export { readJsonFile, writeJsonFile } from '../src/files';

/** A mistake in how the script was called: said in one line, with the usage. */
export class UsageError extends Error {}

/** What a script was called with: its string and boolean options, by name. */
export interface Options {
  text(name: string): string | undefined;
  flag(name: string): boolean;
}

/** The options of a script (`--help` prints the usage and exits); unknown options are refused. */
export function commandLine(usage: string, options: NonNullable<ParseArgsConfig['options']>): Options {
  const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const all = values as Record<string, string | boolean | undefined>;
  return {
    text: (name) => (typeof all[name] === 'string' ? (all[name] as string) : undefined),
    flag: (name) => all[name] === true,
  };
}

/** A whole number of at least 1 given as `--name`, or undefined when not given. */
export function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

/**
 * Ctrl-C or SIGTERM asks to stop at the next boundary (`what`, e.g. "this page"); a second one
 * stops at once with exit 3. Returns whether a stop was asked.
 */
export function stopOnSignals(what: string): () => boolean {
  let requested = false;
  const stop = (signal: NodeJS.Signals) => {
    if (requested) process.exit(3);
    requested = true;
    process.stderr.write(`\n${signal}: stopping after ${what} (again to stop at once)\n`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return () => requested;
}

/** Which DynamoDB a script works on, in words. */
export function whereOf(embedded: boolean, dynamo: { dataDir: string; endpoint: string | undefined; region: string }): string {
  return embedded ? `the embedded database in ${dynamo.dataDir}` : (dynamo.endpoint ?? `AWS ${dynamo.region}`);
}

/**
 * Runs a script's main and exits with its code; a usage or configuration mistake (or one of
 * `expected`, errors whose message says all) is one line, anything else names the error.
 */
export function runScript(name: string, usage: string, main: () => Promise<number>, expected: (new (...args: never[]) => Error)[] = []): void {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      if (isUsage || error instanceof ConfigError || expected.some((type) => error instanceof type)) {
        console.error(`${name}: ${error.message}`);
        if (isUsage) console.error(usage);
      } else {
        console.error(`${name} failed: ${error.name}: ${error.message}`);
      }
      process.exit(1);
    },
  );
}

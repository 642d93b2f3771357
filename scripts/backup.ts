/**
 * npm run backup -- --out <file> [--force] [--page-size N]
 *
 * Copies every item of the configured tables (the four, or the legacy single table in place of
 * members when DYNAMODB_TABLE says members live there) into one gzip-compressed JSON-lines file
 * with a checksum (src/backup/format.ts). Only reads. Works on the embedded database, an
 * endpoint or AWS, configured like the bot.
 *
 * Exit codes: 0 written; 3 stopped (Ctrl-C, SIGTERM): no file written, run again; 1 could not run.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BackupStoppedError, backupTables } from '../src/backup/backup';
import { backupSources, describeSource, existingSources } from '../src/backup/tables';
import { loadConfigFromEnvironment } from '../src/config';
import { openStorage } from '../src/db/storage';
import { commandLine, runScript, stopOnSignals, UsageError, whereOf, wholeNumber } from './cli';

const USAGE = 'usage: npm run backup -- --out <file> [--force] [--page-size N]';

function parseCommandLine() {
  const options = commandLine(USAGE, { out: { type: 'string' }, force: { type: 'boolean', default: false }, 'page-size': { type: 'string' } });
  const given = options.text('out');
  if (!given) throw new UsageError('--out <file> is required');
  const pageSize = wholeNumber('page-size', options.text('page-size'));
  const out = path.resolve(given);
  if (existsSync(out) && !options.flag('force')) throw new UsageError(`${out} exists: choose another name, or pass --force to replace it`);
  return { out, pageSize: pageSize === undefined ? undefined : Math.min(pageSize, 1000) };
}

async function main(): Promise<number> {
  const options = parseCommandLine();
  const config = loadConfigFromEnvironment();
  // A backup only reads: it creates no tables, whatever DYNAMODB_CREATE_TABLES says.
  const storage = await openStorage({ ...config, dynamo: { ...config.dynamo, createTables: false } });
  try {
    const where = whereOf(Boolean(storage.embedded), config.dynamo);
    const { present, missing } = await existingSources(storage.client, backupSources(config));
    if (!present.length) throw new UsageError(`none of the tables ${missing.join(', ')} exists in ${where}: check FLAVAFLAV_ENV and the table variables`);
    // A legacy deployment may not have the other three tables yet; the four-table bot always has all four.
    if (missing.length && !config.membersInLegacyTable) throw new UsageError(`table ${missing.join(', ')} does not exist in ${where}: check the table variables`);
    for (const name of missing) console.log(`skipping ${name}: it does not exist`);

    const stopRequested = stopOnSignals('this page, writing no file');

    console.log(`Backing up ${present.map((t) => t.name).join(', ')} from ${where} to ${options.out}`);
    const started = Date.now();
    try {
      const result = await backupTables({
        client: storage.client,
        tables: present,
        out: options.out,
        source: describeSource(config),
        pageSize: options.pageSize,
        shouldStop: stopRequested,
        onPage: ({ table, pages, items }) => process.stderr.write(`${table}: page ${pages}, ${items} items\n`),
      });
      const perTable = result.header.tables.map((t) => `${t.items} ${t.kind}`).join(', ');
      const size = statSync(options.out).size;
      console.log(`Finished: ${result.items} items (${perTable}) in ${options.out}, ${size} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`sha256 ${result.sha256}`);
      return 0;
    } catch (error) {
      if (!(error instanceof BackupStoppedError)) throw error;
      console.log(`Stopped: no backup was written. Run the same command again to back up.`);
      return 3;
    }
  } finally {
    await storage.close();
  }
}

runScript('backup', USAGE, main);

/**
 * npm run migrate:legacy -- --from <legacy table> [--dry-run] [--restart] [--page-size N]
 *                           [--max-pages N] [--checkpoint FILE]
 *
 * Copies a legacy single table (key discord_id) into the four tables. Never modifies the source.
 * Link-history items (the single table of the previous system's commit 9abbdbc) become awards in
 * their member's history; notes after the counts say which, and whose member item they replaced.
 * Idempotent: items already in the four tables are skipped, never overwritten. Resumable: after
 * every page the position is saved to a checkpoint file; an interrupted run (Ctrl-C, SIGTERM,
 * --max-pages) goes on from there when run again, and a finished one deletes it.
 *
 * Exit codes: 0 finished (rejected items, if any, are listed); 3 stopped early, run again to
 * continue; 1 could not run.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, defaultTableName, loadConfigFromEnvironment } from '../src/config';
import { createDynamoClients } from '../src/db/client';
import { TABLE_KINDS, type TableKind } from '../src/db/schema';
import { createMissingTables, tableExists } from '../src/db/tables';
import { migrateLegacyTable, type MigrationCounts, type Note, type Rejection, type ScanKey } from '../src/migration/run';

const USAGE =
  'usage: npm run migrate:legacy -- --from <legacy table> [--dry-run] [--restart] [--page-size N] [--max-pages N] [--checkpoint FILE]';

interface Checkpoint {
  source: string;
  targets: Record<TableKind, string>;
  nextKey: ScanKey;
  pages: number;
  counts: MigrationCounts;
  rejections: Rejection[];
  /** Older checkpoints have none. */
  notes?: Note[];
  updatedAt: string;
}

class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      'page-size': { type: 'string' },
      'max-pages': { type: 'string' },
      checkpoint: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.from) throw new UsageError('--from <legacy table> is required');
  return {
    source: values.from,
    dryRun: values['dry-run'],
    restart: values.restart,
    // DynamoDB caps a Scan page at 1 MB whatever the limit; 100 items keeps progress visible.
    pageSize: Math.min(positive('page-size', values['page-size'], 100)!, 1000),
    maxPages: positive('max-pages', values['max-pages'], undefined),
    checkpoint: values.checkpoint,
  };
}

function readCheckpoint(file: string, source: string, targets: Record<TableKind, string>): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  if (saved.source !== source || JSON.stringify(saved.targets) !== JSON.stringify(targets)) {
    throw new UsageError(`${file} belongs to a migration from ${saved.source}; pass --restart to start over or --checkpoint to use another file`);
  }
  return saved;
}

/** Written whole then renamed, so an interruption mid-write never leaves half a checkpoint. */
function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(checkpoint, null, 2));
  renameSync(`${file}.tmp`, file);
}

function summary(counts: MigrationCounts, dryRun: boolean): string {
  return dryRun
    ? `${counts.read} read, ${counts.written} would be written, ${counts.skipped} already there, ${counts.rejected} rejected`
    : `${counts.read} read, ${counts.written} written, ${counts.skipped} skipped (already there), ${counts.rejected} rejected`;
}

async function main(): Promise<number> {
  const options = parseCommandLine();
  const config = loadConfigFromEnvironment();
  if (config.dynamo.mode === 'embedded') {
    throw new ConfigError('DYNAMODB_ENDPOINT or AWS_REGION must be set: say which DynamoDB holds the legacy table');
  }
  // The four tables, even when the bot still reads members from the legacy table.
  const targets = { ...config.tables, members: config.membersInLegacyTable ? defaultTableName('members', config.env) : config.tables.members };
  const clash = TABLE_KINDS.find((kind) => targets[kind] === options.source);
  if (clash) throw new UsageError(`--from ${options.source} is also the ${clash} table; the source must be the legacy table, not one of the four`);

  const { client, db } = createDynamoClients({ endpoint: config.dynamo.endpoint, region: config.dynamo.region });
  try {
    if (!(await tableExists(client, options.source))) throw new UsageError(`the legacy table ${options.source} does not exist here`);
    const missing = [];
    for (const kind of TABLE_KINDS) if (!(await tableExists(client, targets[kind]))) missing.push(targets[kind]);
    if (missing.length && (options.dryRun || !config.dynamo.createTables)) {
      throw new UsageError(`missing tables ${missing.join(', ')}: run npm run tables:create first`);
    }
    if (missing.length) {
      const report = await createMissingTables(client, targets);
      console.log(`created ${report.created.join(', ')}`);
    }

    const checkpointFile = path.resolve(options.checkpoint ?? path.join(config.dynamo.dataDir, `migrate-${options.source}.checkpoint.json`));
    if (options.restart && !options.dryRun) rmSync(checkpointFile, { force: true });
    // A dry run reads everything and writes nothing, not even a checkpoint.
    const resumed = options.dryRun ? undefined : readCheckpoint(checkpointFile, options.source, targets);
    const rejections = [...(resumed?.rejections ?? [])];
    const notes = [...(resumed?.notes ?? [])];
    console.log(
      `${options.dryRun ? 'Dry run: nothing will be written. ' : ''}Copying ${options.source} into ${TABLE_KINDS.map((k) => targets[k]).join(', ')}` +
        (resumed ? `, resuming after ${resumed.counts.read} items (${checkpointFile})` : ''),
    );

    let stopRequested = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopRequested) process.exit(3);
      stopRequested = true;
      process.stderr.write(`\n${signal}: stopping after this page (again to stop at once)\n`);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);

    const live = process.stderr.isTTY;
    const result = await migrateLegacyTable({
      db,
      source: options.source,
      targets,
      dryRun: options.dryRun,
      startKey: resumed?.nextKey,
      counts: resumed?.counts,
      pageSize: options.pageSize,
      maxPages: options.maxPages,
      shouldStop: () => stopRequested,
      onReject: (rejection) => {
        rejections.push(rejection);
        process.stderr.write(`${live ? '\n' : ''}rejected ${rejection.key}: ${rejection.reason}\n`);
      },
      onNote: (note) => notes.push(note),
      onPage: ({ pages, counts, nextKey }) => {
        const line = `page ${(resumed?.pages ?? 0) + pages}: ${summary(counts, options.dryRun)}`;
        process.stderr.write(live ? `\r${line}` : `${line}\n`);
        if (options.dryRun) return;
        if (nextKey) {
          writeCheckpoint(checkpointFile, {
            source: options.source,
            targets,
            nextKey,
            pages: (resumed?.pages ?? 0) + pages,
            counts,
            rejections,
            notes,
            updatedAt: new Date().toISOString(),
          });
        } else {
          rmSync(checkpointFile, { force: true });
        }
      },
    });
    if (live) process.stderr.write('\n');

    console.log(`${result.finished ? 'Finished' : 'Stopped early'}: ${summary(result.counts, options.dryRun)}`);
    if (rejections.length) {
      console.log('Rejected (left in the legacy table; fix them there and run again):');
      for (const r of rejections) console.log(`  ${r.key}: ${r.reason}`);
    }
    if (notes.length) {
      console.log('Notes:');
      for (const n of notes) console.log(`  ${n.key}: ${n.text}`);
    }
    if (result.finished) return 0;
    console.log(options.dryRun ? 'Run again without --max-pages to see the rest.' : `Run the same command again to continue from ${checkpointFile}.`);
    return 3;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`migrate:legacy: ${error.message}`);
      if (!(error instanceof ConfigError)) console.error(USAGE);
    } else {
      console.error(`migrate:legacy failed: ${error.name}: ${error.message}`);
    }
    process.exit(1);
  },
);

/**
 * npm run restore -- --in <file> [--dry-run] [--overwrite] [--restart] [--max-batches N]
 *                    [--checkpoint FILE]
 *
 * Puts a backup's items into the configured tables (embedded, an endpoint or AWS, configured
 * like the bot), each backed-up table into the target's table of the same kind. The whole file
 * is checked first (header, version, every line, counts, checksum); a damaged or truncated one
 * is refused before anything is written. Existing items are never overwritten unless
 * --overwrite: identical ones count as unchanged, different ones as conflicting (each listed).
 * Resumable: progress is saved under DATA_DIR after every few batches; an interrupted run
 * (Ctrl-C, SIGTERM, --max-batches) goes on from there when run again. The bot must not be
 * running against the target meanwhile (src/backup/restore.ts says why).
 *
 * Exit codes: 0 finished; 3 stopped early, run again to continue; 1 could not run.
 */
import path from 'node:path';
import { CheckpointMismatchError, defaultCheckpointFile, readCheckpoint, removeCheckpoint, writeCheckpoint } from '../src/backup/checkpoint';
import { verifyBackup, type VerifiedBackup } from '../src/backup/file';
import { BackupFileError } from '../src/backup/format';
import { restoreBackup, type RestoreCounts } from '../src/backup/restore';
import { checkTargetTables, restoreTargets, TargetTableError } from '../src/backup/tables';
import { loadConfigFromEnvironment } from '../src/config';
import { openStorage } from '../src/db/storage';
import { createMissingTables } from '../src/db/tables';
import { commandLine, runScript, stopOnSignals, UsageError, whereOf, wholeNumber } from './cli';

const USAGE = 'usage: npm run restore -- --in <file> [--dry-run] [--overwrite] [--restart] [--max-batches N] [--checkpoint FILE]';

function parseCommandLine() {
  const options = commandLine(USAGE, {
    in: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    overwrite: { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    'max-batches': { type: 'string' },
    checkpoint: { type: 'string' },
  });
  const file = options.text('in');
  if (!file) throw new UsageError('--in <file> is required');
  return {
    file: path.resolve(file),
    dryRun: options.flag('dry-run'),
    overwrite: options.flag('overwrite'),
    restart: options.flag('restart'),
    maxBatches: wholeNumber('max-batches', options.text('max-batches')),
    checkpoint: options.text('checkpoint'),
  };
}

function summary(counts: RestoreCounts, dryRun: boolean): string {
  return `${counts.read} read, ${counts.written} ${dryRun ? 'would be written' : 'written'}, ${counts.unchanged} unchanged, ${counts.conflicting} conflicting`;
}

async function main(): Promise<number> {
  const options = parseCommandLine();
  const config = loadConfigFromEnvironment();

  // First pass: the whole file, before any connection or write.
  console.log(`Checking ${options.file}`);
  let backup: VerifiedBackup;
  try {
    backup = await verifyBackup(options.file);
  } catch (error) {
    if (!(error instanceof BackupFileError)) throw error;
    console.error(`restore: refused ${options.file}: ${error.message}. Nothing was written.`);
    return 1;
  }
  const { header, trailer } = backup;
  const source = header.source;
  console.log(
    `Backup of ${source.mode === 'aws' ? `AWS ${source.region}` : source.mode === 'endpoint' ? source.endpoint : 'the embedded database'} (env ${source.env}) ` +
      `made ${header.createdAt}: ${header.tables.map((t) => `${t.items} ${t.kind}`).join(', ')}; checksum ok`,
  );
  const targets = restoreTargets(header, config);

  // A dry run writes nothing, not even a table.
  const createTables = config.dynamo.createTables && !options.dryRun;
  const storage = await openStorage({ ...config, dynamo: { ...config.dynamo, createTables: false } });
  try {
    if (createTables) {
      // The legacy table too, when configured: a restore is how it comes to be somewhere new.
      const created = (await createMissingTables(storage.client, config.tables)).created;
      if (created.length) console.log(`created ${created.join(', ')}`);
    }
    const missingTables = await checkTargetTables(storage.client, targets, { dryRun: options.dryRun });
    const where = whereOf(Boolean(storage.embedded), config.dynamo);

    const checkpointFile = path.resolve(options.checkpoint ?? defaultCheckpointFile(config.dynamo.dataDir, trailer.sha256));
    if (options.restart && !options.dryRun) removeCheckpoint(checkpointFile);
    // A dry run reads everything and writes nothing, not even a checkpoint.
    const resumed = options.dryRun ? undefined : readCheckpoint(checkpointFile, { sha256: trailer.sha256, targets, overwrite: options.overwrite });
    console.log(
      `${options.dryRun ? 'Dry run: nothing will be written. ' : ''}Restoring into ${Object.values(targets).join(', ')} in ${where}` +
        (options.overwrite ? ', replacing items that differ' : '') +
        (resumed ? `, resuming after ${resumed.position} items (${checkpointFile})` : ''),
    );

    const stopRequested = stopOnSignals('these batches');

    const result = await restoreBackup({
      client: storage.client,
      backup,
      targets,
      missingTables,
      dryRun: options.dryRun,
      overwrite: options.overwrite,
      position: resumed?.position,
      counts: resumed?.counts,
      maxBatches: options.maxBatches,
      shouldStop: stopRequested,
      onConflict: ({ table, key }) =>
        console.log(`conflict: ${table} ${key} differs from the backup (${options.overwrite ? 'replaced' : 'kept; --overwrite replaces it'})`),
      onBatch: ({ position, batches, counts }) => {
        const allBatches = (resumed?.batches ?? 0) + batches;
        process.stderr.write(`batch ${allBatches}: ${summary(counts, options.dryRun)}\n`);
        if (options.dryRun) return;
        writeCheckpoint(checkpointFile, {
          sha256: trailer.sha256,
          targets,
          overwrite: options.overwrite,
          position,
          batches: allBatches,
          counts,
          updatedAt: new Date().toISOString(),
        });
      },
    });

    console.log(`${result.finished ? 'Finished' : 'Stopped early'}: ${summary(result.counts, options.dryRun)}`);
    if (result.counts.conflicting && !options.overwrite) {
      console.log('Conflicting items were left as they are (listed above); --overwrite replaces them with the backup.');
    }
    if (result.finished) {
      if (!options.dryRun) removeCheckpoint(checkpointFile);
      return 0;
    }
    console.log(options.dryRun ? 'Run again without --max-batches to see the rest.' : `Run the same command again to continue from ${checkpointFile}.`);
    return 3;
  } finally {
    await storage.close();
  }
}

runScript('restore', USAGE, main, [TargetTableError, CheckpointMismatchError, BackupFileError]);

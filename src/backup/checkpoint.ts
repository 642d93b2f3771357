/**
 * Where an interrupted restore goes on from: a small JSON file under DATA_DIR, named after the
 * backup's checksum so that each backup file has its own and a different one never resumes it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile, writeJsonFile } from '../files';
import type { BackupKind } from './format';
import type { RestoreCounts } from './restore';

export interface RestoreCheckpoint {
  /** The backup's checksum (its trailer): which file this is the progress of. */
  sha256: string;
  targets: Partial<Record<BackupKind, string>>;
  overwrite: boolean;
  /** Item lines done; the next run starts after them. */
  position: number;
  batches: number;
  counts: RestoreCounts;
  updatedAt: string;
}

export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
}

export function defaultCheckpointFile(dataDir: string, sha256: string): string {
  return path.join(dataDir, `restore-${sha256.slice(0, 16)}.checkpoint.json`);
}

export function readCheckpoint(
  file: string,
  expected: Pick<RestoreCheckpoint, 'sha256' | 'targets' | 'overwrite'>,
): RestoreCheckpoint | undefined {
  const saved = readJsonFile<RestoreCheckpoint>(file);
  if (!saved) return undefined;
  if (saved.sha256 !== expected.sha256) throw new CheckpointMismatchError(`${file} is the progress of another backup file; pass --restart to start over`);
  if (JSON.stringify(saved.targets) !== JSON.stringify(expected.targets)) {
    throw new CheckpointMismatchError(`${file} is the progress of a restore into other tables (${Object.values(saved.targets).join(', ')}); pass --restart to start over`);
  }
  // The items already done were handled one way; finishing the other way would make the counts lie.
  if (saved.overwrite !== expected.overwrite) {
    throw new CheckpointMismatchError(`${file} is the progress of a restore ${saved.overwrite ? 'with' : 'without'} --overwrite; run it the same way, or pass --restart`);
  }
  return saved;
}

export function writeCheckpoint(file: string, checkpoint: RestoreCheckpoint): void {
  writeJsonFile(file, checkpoint);
}

export function removeCheckpoint(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Reading a backup file: gunzip, split into lines, verify. Streams: one chunk and one line in
 * memory at a time, whatever the file's size.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BackupFileError, BackupVerifier, type BackupHeader, type BackupLine, type BackupTrailer } from './format';

/**
 * DynamoDB items are at most 400 KB; as JSON (escapes, base64) one can grow a few times that.
 * A longer line is not a backup, and reading on would hold it all in memory.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** The decompressed file's lines, as bytes without their LF. */
export async function* readLines(file: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Buffer> {
  try {
    await stat(file);
  } catch (error) {
    throw new BackupFileError('corrupt', `cannot read ${file}: ${(error as Error).message}`);
  }
  // pipeline destroys the gunzip with any read error, so the loop below sees every failure.
  const data = pipeline(createReadStream(file), createGunzip(), () => undefined);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of data as AsyncIterable<Buffer>) {
      let start = 0;
      for (let lf = chunk.indexOf(10); lf !== -1; lf = chunk.indexOf(10, start)) {
        const tail = chunk.subarray(start, lf);
        yield pending.length ? Buffer.concat([...pending, tail]) : tail;
        pending = [];
        pendingBytes = 0;
        start = lf + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) throw new BackupFileError('corrupt', `a line is longer than ${maxLineBytes} bytes: not a FlavaFlav backup`);
      }
    }
  } catch (error) {
    throw asFileError(error);
  } finally {
    data.destroy();
  }
  if (pendingBytes) throw new BackupFileError('truncated', 'the file is truncated: it ends in the middle of a line');
}

function asFileError(error: unknown): Error {
  if (error instanceof BackupFileError) return error;
  const code = (error as { code?: string }).code ?? '';
  // zlib's "unexpected end of file": the compressed data stops before its end.
  if (code === 'Z_BUF_ERROR') return new BackupFileError('truncated', 'the file is truncated: its compressed data ends early');
  if (code.startsWith('Z_')) return new BackupFileError('corrupt', `the file is damaged: ${(error as Error).message} (not valid gzip data)`);
  return error as Error;
}

/** Every line of the file, checked as it passes; throws BackupFileError at the first problem. */
export async function* readVerifiedLines(file: string): AsyncGenerator<BackupLine, { header: BackupHeader; trailer: BackupTrailer }> {
  const verifier = new BackupVerifier();
  for await (const bytes of readLines(file)) yield verifier.accept(bytes);
  return verifier.finish();
}

export interface VerifiedBackup {
  file: string;
  header: BackupHeader;
  trailer: BackupTrailer;
}

/**
 * The first pass of a restore: reads the whole file and checks its header, every line, the
 * counts and the checksum. Nothing is written before this has returned.
 */
export async function verifyBackup(file: string): Promise<VerifiedBackup> {
  const lines = readVerifiedLines(file);
  for (;;) {
    const next = await lines.next();
    if (next.done) return { file, ...next.value };
  }
}

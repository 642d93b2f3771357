/**
 * Writes a backup file (./format.ts) of some tables. Streams: one Scan page in memory at a time,
 * written through gzip with backpressure, whatever the tables' sizes.
 *
 * The header comes first but holds counts known only at the end, and the checksum covers the
 * header. So the items go to a compressed temporary file first; then the final file is put
 * together as three gzip members (header, the temporary file's bytes as they are, trailer) and
 * renamed into place, so a failed or stopped backup never leaves a file that looks whole.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeHeader, encodeItem, encodeTrailer, hashKeyOf, type BackupHeader, type BackupKind, type BackupSource, type BackupTable } from './format';

export interface BackupOptions {
  /** The low-level client: items stay in AttributeValue form, numbers as DynamoDB's strings. */
  client: DynamoDBClient;
  tables: { kind: BackupKind; name: string }[];
  out: string;
  source: BackupSource;
  /** Items per Scan page (DynamoDB also stops a page at 1 MB). */
  pageSize?: number;
  /** Asked between pages (e.g. after SIGINT): stop, and write no file. */
  shouldStop?: () => boolean;
  onPage?: (progress: { kind: BackupKind; table: string; pages: number; items: number }) => void;
  now?: () => Date;
}

export interface BackupResult {
  header: BackupHeader;
  items: number;
  sha256: string;
}

export class BackupStoppedError extends Error {
  override name = 'BackupStoppedError';
}

export async function backupTables(options: BackupOptions): Promise<BackupResult> {
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  const suffix = `${process.pid}-${Date.now()}`;
  const body = `${options.out}.items-${suffix}.tmp`;
  const whole = `${options.out}.${suffix}.tmp`;
  const tables: BackupTable[] = options.tables.map(({ kind, name }) => ({ kind, name, hashKey: hashKeyOf(kind), items: 0 }));

  async function* itemLines(): AsyncGenerator<string> {
    for (const table of tables) {
      let pages = 0;
      // Consistent reads: a page shows every write acknowledged before it was read.
      for await (const page of paginateScan({ client: options.client, pageSize: options.pageSize ?? 500 }, { TableName: table.name, ConsistentRead: true })) {
        const items = page.Items ?? [];
        table.items += items.length;
        pages++;
        // One string per page: fewer, larger writes into gzip; the page is in memory anyway.
        if (items.length) yield items.map((item) => encodeItem(table.kind, item)).join('');
        options.onPage?.({ kind: table.kind, table: table.name, pages, items: table.items });
        if (options.shouldStop?.()) throw new BackupStoppedError('stopped before the end: no backup was written');
      }
    }
  }

  try {
    // Readable.from pulls the next page only when gzip and the file have taken the last one.
    await pipeline(Readable.from(itemLines()), createGzip(), createWriteStream(body));
    const header = encodeHeader({ createdAt, source: options.source, tables });
    const hash = createHash('sha256').update(header);
    await pipeline(
      createReadStream(body),
      createGunzip(),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done();
        },
      }),
    );
    const sha256 = hash.digest('hex');
    const items = tables.reduce((sum, t) => sum + t.items, 0);

    const output = createWriteStream(whole);
    output.write(gzipSync(header));
    await pipeline(createReadStream(body), output, { end: false });
    output.end(gzipSync(encodeTrailer(items, sha256)));
    await finished(output);
    // On disk before it takes the final name: this copy may be the one that matters.
    const handle = await open(whole, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(whole, options.out);
    return { header: JSON.parse(header) as BackupHeader, items, sha256 };
  } finally {
    await rm(body, { force: true });
    await rm(whole, { force: true });
  }
}

/**
 * /history export: the whole history as CSV. Built a page and a chunk at a time, yielding between
 * them, so a 50,000-record export does not hold up other interactions; never truncated: past
 * Discord's upload limit it is gzip-compressed, and past that split into parts (at most 10, the
 * most one message carries), and the answer says which.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AttachmentPayload } from 'discord.js';
import type { BotContext } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { csvCell } from '../src/domain/csv';
import { displayId } from '../src/domain/ids';
import type { Quality } from '../src/domain/ranks';
import { newestFirst, type Distribution } from '../src/services/distributions';

const compress = promisify(gzip);
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export const EXPORT_COLUMNS = [
  'distribution_id',
  'distributed_at',
  'status',
  'member_id',
  'member_username',
  'link_type',
  'quality',
  'bonus',
  'link_id',
  'list_id',
  'policy',
  'pool_size',
  'drawn_before',
  'rerolled_by',
  'drawn_by',
  'distributed_by',
  'ended_by',
  'method',
  'delivered_at',
  'delivered_by',
  'reverted_by',
  'reverted_at',
  'notes',
] as const;

/** Discord allows at most 10 files on one message. */
const MAX_FILES = 10;
const ROWS_PER_CHUNK = 2_000;

export interface ExportFilter {
  memberId?: string;
  quality?: Quality;
}

export interface BuiltExport {
  rows: number;
  files: AttachmentPayload[];
  /** How the rows were packed: as they are, compressed, or split. */
  packing: 'plain' | 'gzip' | 'split';
}

/** One record as its CSV line (ids in their readable form). */
function csvLine(d: Distribution): string {
  const row: Record<string, unknown> = { ...d, distribution_id: displayId(d.distribution_id) };
  return EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',');
}

async function collect(ctx: BotContext, filter: ExportFilter): Promise<Distribution[]> {
  const rows: Distribution[] = [];
  const keep = (d: Distribution) => d.status !== 'drawn' && (!filter.quality || d.quality === filter.quality);
  if (!filter.memberId) {
    // Open draws are not history yet.
    for await (const page of ctx.services.distributions.scanAll()) rows.push(...page.filter(keep));
  } else {
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const result = await ctx.services.distributions.forMember(filter.memberId, { limit: 100, cursor, quality: filter.quality });
      rows.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
  }
  return rows.sort(newestFirst);
}

/** CSV of these records (RFC 4180, CRLF), built in chunks with a pause between them. */
async function csvOf(records: Distribution[]): Promise<Buffer> {
  const chunks: Buffer[] = [Buffer.from(`${EXPORT_COLUMNS.join(',')}\r\n`)];
  for (let i = 0; i < records.length; i += ROWS_PER_CHUNK) {
    chunks.push(Buffer.from(records.slice(i, i + ROWS_PER_CHUNK).map((d) => `${csvLine(d)}\r\n`).join('')));
    await yieldToOthers();
  }
  return Buffer.concat(chunks);
}

export async function buildExport(ctx: BotContext, filter: ExportFilter, name: string, sizeLimit: number): Promise<BuiltExport> {
  const records = await collect(ctx, filter);
  const csv = await csvOf(records);
  // Some room for the multipart envelope around each file.
  const room = Math.floor(sizeLimit * 0.98);
  if (csv.length <= room) return { rows: records.length, files: [{ attachment: csv, name: `${name}.csv` }], packing: 'plain' };
  const packed = await compress(csv);
  if (packed.length <= room) return { rows: records.length, files: [{ attachment: packed, name: `${name}.csv.gz` }], packing: 'gzip' };

  // Split into parts that each fit compressed, every part with its own header row.
  for (let parts = Math.ceil(packed.length / room) + 1; parts <= MAX_FILES; parts++) {
    const size = Math.ceil(records.length / parts);
    const files: AttachmentPayload[] = [];
    for (let p = 0; p < parts; p++) {
      const part = await compress(await csvOf(records.slice(p * size, (p + 1) * size)));
      if (part.length > room) break;
      files.push({ attachment: part, name: `${name}.part${p + 1}of${parts}.csv.gz` });
    }
    if (files.length === parts) return { rows: records.length, files, packing: 'split' };
  }
  throw new UserError(`The history is too large to attach, even compressed in ${MAX_FILES} parts (${records.length} entries). Export one quality or one member at a time.`);
}

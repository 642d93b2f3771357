/**
 * /history export as Discord attachments: the CSV every view shares (src/domain/history-columns),
 * gzip-compressed past the upload limit the interaction announces, and split into parts (at most
 * 10, the most one message carries) past that, so nothing is ever left out; the answer says which.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AttachmentPayload } from 'discord.js';
import type { BotContext } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { historyCsv } from '../src/domain/history-columns';
import type { Quality } from '../src/domain/ranks';

const compress = promisify(gzip);

/** Discord allows at most 10 files on one message. */
const MAX_FILES = 10;

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

export async function buildExport(ctx: BotContext, filter: ExportFilter, name: string, sizeLimit: number): Promise<BuiltExport> {
  const records = await ctx.services.distributions.exportRecords(filter);
  const csv = await historyCsv(records);
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
      const part = await compress(await historyCsv(records.slice(p * size, (p + 1) * size)));
      if (part.length > room) break;
      files.push({ attachment: part, name: `${name}.part${p + 1}of${parts}.csv.gz` });
    }
    if (files.length === parts) return { rows: records.length, files, packing: 'split' };
  }
  throw new UserError(`The history is too large to attach, even compressed in ${MAX_FILES} parts (${records.length} entries). Export one quality or one member at a time.`);
}

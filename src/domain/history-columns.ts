/**
 * The history export, the same from /history and the web dashboard: its columns in order, and
 * the CSV built a chunk at a time (with a pause between chunks, so a 50,000-record export does
 * not hold up other work in the process).
 */
import { csvCell } from './csv';
import { displayId } from './ids';

export const HISTORY_EXPORT_COLUMNS = [
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

export type HistoryColumn = (typeof HISTORY_EXPORT_COLUMNS)[number];

const ROWS_PER_CHUNK = 2_000;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One record's CSV line; ids shown in their readable form. */
export function historyCsvLine(record: Partial<Record<HistoryColumn, unknown>>): string {
  return HISTORY_EXPORT_COLUMNS.map((c) => csvCell(c === 'distribution_id' ? displayId(String(record[c] ?? '')) : record[c])).join(',');
}

/** The CSV of these records (RFC 4180, CRLF), header first. */
export async function historyCsv(records: readonly Partial<Record<HistoryColumn, unknown>>[]): Promise<Buffer> {
  const chunks: Buffer[] = [Buffer.from(`${HISTORY_EXPORT_COLUMNS.join(',')}\r\n`)];
  for (let i = 0; i < records.length; i += ROWS_PER_CHUNK) {
    chunks.push(Buffer.from(records.slice(i, i + ROWS_PER_CHUNK).map((r) => `${historyCsvLine(r)}\r\n`).join('')));
    await pause();
  }
  return Buffer.concat(chunks);
}

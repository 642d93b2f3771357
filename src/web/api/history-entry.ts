/**
 * A distribution as the API shows it: the export's columns, plus delivery once recorded, and
 * `id`, the record's safe form for URLs (revert, delivered, the draw view).
 */
import { HISTORY_EXPORT_COLUMNS } from '../../domain/history-columns';
import { safeIdForm } from '../../domain/ids';
import type { Distribution } from '../../services/distribution-record';

const EXTRA = ['delivered_at', 'delivered_by'] as const;

export function historyEntry(d: Distribution): Record<string, unknown> {
  const record = d as unknown as Record<string, unknown>;
  const entry: Record<string, unknown> = { id: safeIdForm(d.distribution_id) };
  for (const column of [...HISTORY_EXPORT_COLUMNS, ...EXTRA]) entry[column] = record[column] ?? null;
  return entry;
}

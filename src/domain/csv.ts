/**
 * CSV per RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled). Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
 * apostrophe, so a member name like "=HYPERLINK(...)" stays text.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

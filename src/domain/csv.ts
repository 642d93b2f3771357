/**
 * Whether a spreadsheet could read the cell as a formula (OWASP CSV injection): it starts with
 * = + - @ (or their full-width forms ＝ ＋ － ＠, which some spreadsheets fold), with a tab or CR,
 * or with any of these after leading whitespace or control characters (" =1+1", "\n=1+1"), which
 * spreadsheets skip.
 */
const FORMULA_START = /^[\s\u0000-\u001f\u007f-\u009f\u00a0\u2000-\u200b\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

/**
 * CSV per RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled). Cells a spreadsheet would run as a formula (FORMULA_START) get a leading apostrophe,
 * so a member name like "=HYPERLINK(...)" stays text.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

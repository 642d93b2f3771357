/**
 * `npm run bench -- --write <file>`: the report as Markdown in a file. When the file already holds
 * the two markers below (docs/benchmark.md does), only the text between them is replaced, so the
 * prose around the latest run stays; otherwise the file is written whole.
 */
import fs from 'node:fs';

export const REPORT_START = '<!-- bench:latest-run:start (written by npm run bench -- --write) -->';
export const REPORT_END = '<!-- bench:latest-run:end -->';

/** Where the latest run sits in `text`: the start marker's index and the end marker's end. */
function markers(text: string | undefined): { start: number; end: number } | undefined {
  if (text === undefined) return undefined;
  const start = text.indexOf(REPORT_START);
  const end = start < 0 ? -1 : text.indexOf(REPORT_END, start + REPORT_START.length);
  return end < 0 ? undefined : { start, end: end + REPORT_END.length };
}

/** The file's new text: `before` with the run between the markers, or the run alone. */
export function withLatestRun(before: string | undefined, run: string): string {
  const block = `${REPORT_START}\n${run.trim()}\n${REPORT_END}`;
  const at = markers(before);
  if (before !== undefined && at) return `${before.slice(0, at.start)}${block}${before.slice(at.end)}`;
  return `# Benchmark: the latest run\n\n${block}\n`;
}

/** Writes the run into `file` (see above); gives how the file was changed, for the log. */
export function writeLatestRun(file: string, run: string): 'replaced' | 'written' {
  let before: string | undefined;
  try {
    before = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.writeFileSync(file, withLatestRun(before, run));
  return markers(before) ? 'replaced' : 'written';
}

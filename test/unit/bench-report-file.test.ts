import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPORT_END, REPORT_START, withLatestRun, writeLatestRun } from '../../bench/report-file';

describe('npm run bench -- --write <file>', () => {
  it('replaces only the latest run between the markers, keeping the prose around it', () => {
    const before = `# Benchmark\n\nHow to run it.\n\n${REPORT_START}\n| old | table |\n${REPORT_END}\n\n## Targets\n\nProse.\n`;
    const after = withLatestRun(before, '| new | table |\n');
    expect(after).toBe(`# Benchmark\n\nHow to run it.\n\n${REPORT_START}\n| new | table |\n${REPORT_END}\n\n## Targets\n\nProse.\n`);
    expect(withLatestRun(after, '| new | table |')).toBe(after);
  });

  it('writes the whole file when it is new or has no markers', () => {
    expect(withLatestRun(undefined, 'run')).toBe(`# Benchmark: the latest run\n\n${REPORT_START}\nrun\n${REPORT_END}\n`);
    expect(withLatestRun('no markers here', 'run')).toBe(withLatestRun(undefined, 'run'));
    expect(withLatestRun(`${REPORT_END} before ${REPORT_START}`, 'run')).toBe(withLatestRun(undefined, 'run'));
  });

  it('writes the file on disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-write-'));
    try {
      const file = path.join(dir, 'benchmark.md');
      expect(writeLatestRun(file, 'first')).toBe('written');
      fs.writeFileSync(file, `intro\n${fs.readFileSync(file, 'utf8')}outro\n`);
      expect(writeLatestRun(file, 'second')).toBe('replaced');
      expect(fs.readFileSync(file, 'utf8')).toBe(`intro\n# Benchmark: the latest run\n\n${REPORT_START}\nsecond\n${REPORT_END}\noutro\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

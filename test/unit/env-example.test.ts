import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { loadConfig } from '../../src/config';

const root = path.join(__dirname, '..', '..');

describe('.env.example', () => {
  const text = readFileSync(path.join(root, '.env.example'), 'utf8');
  const documented = Object.keys(parse(text));

  it('documents every variable the configuration reads', () => {
    const source = readFileSync(path.join(root, 'src', 'config.ts'), 'utf8');
    const read = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual([...new Set(read)].sort());
  });

  it('names the same variables as docs/configuration.md, each in a table row of its own', () => {
    const source = readFileSync(path.join(root, 'src', 'config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
    const docs = readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');
    const rows = [...docs.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(rows.length).toBe(new Set(rows).size);
    expect(rows.sort()).toEqual([...read].sort());
    expect(documented.sort()).toEqual([...read].sort());
  });

  it('is itself a valid configuration (apart from the Discord secrets left blank)', () => {
    expect(() => loadConfig(parse(text))).not.toThrow();
  });
});

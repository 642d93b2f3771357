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

  it('is itself a valid configuration (apart from the Discord secrets left blank)', () => {
    expect(() => loadConfig(parse(text))).not.toThrow();
  });
});

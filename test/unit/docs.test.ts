/**
 * The documentation stands alone: a README a newcomer reads to the end, links that lead somewhere
 * (files and headings), and code comments that cite docs/ rather than a document outside the
 * repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];


/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) => new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));

/** Every file under these folders, bounded by the repository's size. */
function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return name === 'artifacts' ? [] : sources(rel);
    return /\.(ts|js|json|html|css)$/.test(name) ? [rel] : [];
  });
}

describe('the documentation', () => {
  it('keeps the README to at most 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  it.each(docs)('%s links only to files and headings that exist', (file) => {
    const broken: string[] = [];
    for (const match of read(file).matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"/g)) {
      const target = match[1] ?? match[2];
      if (/^[a-z]+:/.test(target)) continue;
      const [p, hash] = target.split('#');
      const resolved = p ? path.normalize(path.join(path.dirname(file), p)) : file;
      if (!existsSync(path.join(root, resolved))) {
        broken.push(`${target} (no ${resolved})`);
      } else if (hash && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(hash)) broken.push(`${target} (no heading #${hash})`);
    }
    expect(broken).toEqual([]);
  });

  it('is what the code cites: no comment cites the SPEC by section', () => {
    const cited = ['src', 'commands', 'scripts', 'bench', 'test'].flatMap(sources).filter((file) => read(file).includes(`SPEC ${'§'}`));
    expect(cited).toEqual([]);
  });
});

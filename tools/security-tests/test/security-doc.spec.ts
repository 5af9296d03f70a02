// Every test docs/security.md cites as proof must exist: the file, and each piece of the cited names in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { citationsIn } from '../src/doc-citations';

const root = resolve(__dirname, '../../..');

function specFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) specFiles(path, out);
    else if (name.endsWith('.spec.ts')) out.push(path.slice(root.length + 1));
  }
  return out;
}

describe('docs/security.md', () => {
  const citations = citationsIn(readFileSync(join(root, 'docs/security.md'), 'utf8'));
  const files = ['apps', 'libs', 'tools'].flatMap((d) => specFiles(join(root, d)));

  it('cites tests (the parser found them)', () => {
    expect(citations.length).toBeGreaterThan(40);
  });

  it.each(citations.map((c) => [`line ${c.line}: ${c.text}`, c] as const))(
    '%s exists',
    (_title, citation) => {
      const matches = citation.file.includes('/')
        ? files.filter((f) => f === citation.file)
        : files.filter((f) => basename(f) === citation.file);
      expect(matches).toHaveLength(1);
      // Quotes inside test titles are escaped in the source.
      const source = readFileSync(join(root, matches[0] as string), 'utf8').replace(/\\(['"`])/g, '$1');
      const missing = citation.fragments.filter((f) => !source.includes(f));
      expect(missing).toEqual([]);
    },
  );
});
